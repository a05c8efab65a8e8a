package org.mtl4j.api.spec;

import java.util.List;

/**
 * The one home of every default a spec field takes when the DSL, a YAML/JSON spec or a record
 * constructor leaves it out. The records ({@link TrainingSpec#DEFAULT}, {@link VocabularySpec#DEFAULT},
 * the null-defaults of {@link ModelSpec}, {@link TaskSpec}, {@link ImageInput}, {@link SequenceInput}),
 * the DSL builders and the spec reader all read these constants, so a model written in the DSL and
 * the same model written in YAML are equal records.
 */
public final class Defaults {
    // inputs
    public static final boolean DENSE_STANDARDIZE = true;
    public static final int EMBEDDING_DIM = 16;
    public static final int SEQUENCE_MAX_LENGTH = 20;
    public static final int TEXT_MAX_TOKENS = 32;
    public static final int IMAGE_CHANNELS = 1;
    public static final int IMAGE_KERNEL = 3;
    public static final List<Integer> IMAGE_CONV_CHANNELS = List.of(8, 16);
    public static final int TRANSFORMER_LAYERS = 1;
    public static final int TRANSFORMER_HEADS = 2;
    public static final int TRANSFORMER_WIDTH = 16;
    public static final int VOCABULARY_MAX_SIZE = 100_000;
    public static final int VOCABULARY_MIN_COUNT = 1;
    // tasks
    public static final double TASK_WEIGHT = 1.0;
    public static final List<Integer> TASK_TOWER = List.of(8);
    public static final double TOWER_LEARNING_RATE = 1.0;
    // sharing
    public static final int PLE_LEVELS = 1;
    public static final double CROSS_STITCH_SELF_WEIGHT = 0.9;
    // backend (a spec naming none; the DSL asks the runtime, which picks by plugin rank)
    public static final String BACKEND = "dl4j";
    // balancing
    public static final String LOSS_WEIGHTING = "equal";
    // optimiser
    public static final String OPTIMIZER = "adam";
    public static final double LEARNING_RATE = 1e-3;
    public static final double BETA1 = 0.9;
    public static final double BETA2 = 0.999;
    public static final double EPSILON = 1e-8;
    // training
    public static final int EPOCHS = 5;
    public static final int BATCH_SIZE = 256;
    public static final long SEED = 42L;
    public static final double VALIDATION_FRACTION = 0.0;
    public static final int DIAGNOSTICS_EVERY = 50;
    public static final int SHUFFLE_BUFFER = 100_000;
    /** Data-parallel workers of a spec that names none (libraries and tests: one; {@code mtl4j train}: the cores). */
    public static final int WORKERS = 1;
    public static final String EARLY_STOPPING_TASK = "*";
    public static final String EARLY_STOPPING_METRIC = "loss";

    private Defaults() {
    }

    /** The default optimiser: Adam with the default learning rate, betas and epsilon. */
    public static OptimizerSpec optimizer() {
        return new OptimizerSpec(OPTIMIZER, LEARNING_RATE, BETA1, BETA2, EPSILON, 0, 0);
    }
}
