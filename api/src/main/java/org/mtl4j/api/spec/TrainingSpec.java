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
 */
public record TrainingSpec(int epochs, int batchSize, long seed, double validationFraction,
        EarlyStopping earlyStopping, int diagnosticsEvery, int shuffleBuffer) {
    /** Every field at its {@link Defaults} value. */
    public static final TrainingSpec DEFAULT = new TrainingSpec(Defaults.EPOCHS, Defaults.BATCH_SIZE, Defaults.SEED,
            Defaults.VALIDATION_FRACTION, null, Defaults.DIAGNOSTICS_EVERY, Defaults.SHUFFLE_BUFFER);

    public TrainingSpec {
        Checks.positive("training epochs", epochs);
        Checks.positive("training batchSize", batchSize);
        Checks.inRange("training validationFraction", validationFraction, 0.0, 0.9);
        Checks.nonNegative("training diagnosticsEvery", diagnosticsEvery);
        Checks.positive("training shuffleBuffer", shuffleBuffer);
    }
}
