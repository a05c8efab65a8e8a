package org.mtl4j.api.spec;

import org.mtl4j.api.Checks;

/**
 * How training runs.
 *
 * @param validationFraction fraction of the training rows held out for validation when no
 *     validation set is given (0: none)
 * @param earlyStopping null for none
 * @param diagnosticsEvery compute gradient diagnostics every N steps (0: never)
 * @param shuffleBuffer rows held in the streaming shuffle buffer
 * @param workers threads of synchronous data-parallel training (issue 15): each step's batch is split
 *     into this many row shards, run at once over the same parameters, their gradients reduced in a
 *     fixed order into the whole batch's gradient and applied in one optimiser step; evaluation and
 *     prediction split their rows the same way. 1 (the default): one thread. Results are deterministic
 *     for a fixed value and equal to one worker's up to float rounding.
 */
public record TrainingSpec(int epochs, int batchSize, long seed, double validationFraction,
        EarlyStopping earlyStopping, int diagnosticsEvery, int shuffleBuffer, int workers) {
    /** Every field at its {@link Defaults} value. */
    public static final TrainingSpec DEFAULT = new TrainingSpec(Defaults.EPOCHS, Defaults.BATCH_SIZE, Defaults.SEED,
            Defaults.VALIDATION_FRACTION, null, Defaults.DIAGNOSTICS_EVERY, Defaults.SHUFFLE_BUFFER, Defaults.WORKERS);

    public TrainingSpec {
        Checks.positive("training epochs", epochs);
        Checks.positive("training batchSize", batchSize);
        Checks.inRange("training validationFraction", validationFraction, 0.0, 0.9);
        Checks.nonNegative("training diagnosticsEvery", diagnosticsEvery);
        Checks.positive("training shuffleBuffer", shuffleBuffer);
        Checks.positive("training workers", workers);
    }

    /** One worker (the form of every spec written before {@code workers} existed). */
    public TrainingSpec(int epochs, int batchSize, long seed, double validationFraction, EarlyStopping earlyStopping,
            int diagnosticsEvery, int shuffleBuffer) {
        this(epochs, batchSize, seed, validationFraction, earlyStopping, diagnosticsEvery, shuffleBuffer, Defaults.WORKERS);
    }

    /** This spec with {@code n} data-parallel workers. */
    public TrainingSpec withWorkers(int n) {
        return new TrainingSpec(epochs, batchSize, seed, validationFraction, earlyStopping, diagnosticsEvery, shuffleBuffer, n);
    }
}
