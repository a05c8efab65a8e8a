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
    public static final TrainingSpec DEFAULT = new TrainingSpec(5, 256, 42L, 0.0, null, 50, 100_000);

    public TrainingSpec {
        Checks.positive("training epochs", epochs);
        Checks.positive("training batchSize", batchSize);
        Checks.inRange("training validationFraction", validationFraction, 0.0, 0.9);
        Checks.nonNegative("training diagnosticsEvery", diagnosticsEvery);
        Checks.positive("training shuffleBuffer", shuffleBuffer);
    }
}
