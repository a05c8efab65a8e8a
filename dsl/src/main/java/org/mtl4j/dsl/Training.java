package org.mtl4j.dsl;

import org.mtl4j.api.spec.EarlyStopping;
import org.mtl4j.api.spec.TrainingSpec;

/**
 * The training section of a model:
 * <pre>{@code
 * .training(Training.epochs(10).batchSize(512).seed(7).validationFraction(0.1).earlyStopping("ctr", "auc", 2))
 * }</pre>
 * Defaults are {@link TrainingSpec#DEFAULT}'s: 5 epochs, batch 256, seed 42, no validation split,
 * diagnostics every 50 steps, a shuffle buffer of 100 000 rows.
 */
public final class Training {
    private int epochs = TrainingSpec.DEFAULT.epochs();
    private int batchSize = TrainingSpec.DEFAULT.batchSize();
    private long seed = TrainingSpec.DEFAULT.seed();
    private double validationFraction = TrainingSpec.DEFAULT.validationFraction();
    private int diagnosticsEvery = TrainingSpec.DEFAULT.diagnosticsEvery();
    private int shuffleBuffer = TrainingSpec.DEFAULT.shuffleBuffer();
    private int workers = TrainingSpec.DEFAULT.workers();
    private String esTask;
    private String esMetric;
    private int esPatience;
    private double esMinDelta;

    private Training() {
    }

    public static Training defaults() {
        return new Training();
    }

    public static Training epochs(int n) {
        return new Training().withEpochs(n);
    }

    public Training withEpochs(int n) {
        this.epochs = n;
        return this;
    }

    public Training batchSize(int n) {
        this.batchSize = n;
        return this;
    }

    public Training seed(long s) {
        this.seed = s;
        return this;
    }

    /** Hold this fraction of the training rows out for validation when no validation set is given. */
    public Training validationFraction(double f) {
        this.validationFraction = f;
        return this;
    }

    /** Sample gradient diagnostics (norms, cosines, conflicts) every {@code n} steps; 0: never. */
    public Training diagnosticsEvery(int n) {
        this.diagnosticsEvery = n;
        return this;
    }

    /** Rows held in the streaming shuffle buffer. */
    public Training shuffleBuffer(int rows) {
        this.shuffleBuffer = rows;
        return this;
    }

    /**
     * Synchronous data-parallel training on {@code n} threads (1..1024): each batch is split into
     * {@code n} row shards over the same parameters, one optimiser step per batch (see the root README,
     * "Data-parallel workers"). Results equal one worker's up to float rounding.
     */
    public Training workers(int n) {
        this.workers = n;
        return this;
    }

    /** Stop when {@code metric} of {@code task} on validation data has not improved for {@code patience} epochs. */
    public Training earlyStopping(String task, String metric, int patience) {
        return earlyStopping(task, metric, patience, 0);
    }

    public Training earlyStopping(String task, String metric, int patience, double minDelta) {
        this.esTask = task;
        this.esMetric = metric;
        this.esPatience = patience;
        this.esMinDelta = minDelta;
        return this;
    }

    /** Stop when the mean validation loss of the non-auxiliary tasks has not improved for {@code patience} epochs. */
    public Training earlyStoppingOnLoss(int patience) {
        return earlyStopping("*", "loss", patience, 0);
    }

    /** The record; throws the record's {@link IllegalArgumentException} on a bad value. */
    public TrainingSpec toSpec() {
        EarlyStopping es = esTask == null ? null : new EarlyStopping(esTask, esMetric, esPatience, esMinDelta);
        return new TrainingSpec(epochs, batchSize, seed, validationFraction, es, diagnosticsEvery, shuffleBuffer, workers);
    }
}
