package org.mtl4j.api.spec;

/**
 * The defaults a spec field takes when the DSL or a YAML/JSON spec leaves it out. Kept in one place
 * so that a model written in the DSL and the same model written in YAML are equal records.
 */
public final class Defaults {
    public static final boolean DENSE_STANDARDIZE = true;
    public static final int EMBEDDING_DIM = 16;
    public static final int SEQUENCE_MAX_LENGTH = 20;
    public static final int TEXT_MAX_TOKENS = 32;
    public static final int IMAGE_CHANNELS = 1;
    public static final int IMAGE_KERNEL = 3;
    public static final double TASK_WEIGHT = 1.0;
    public static final double TOWER_LEARNING_RATE = 1.0;
    public static final int PLE_LEVELS = 1;
    public static final double CROSS_STITCH_SELF_WEIGHT = 0.9;
    public static final String OPTIMIZER = "adam";
    public static final double LEARNING_RATE = 1e-3;
    public static final double BETA1 = 0.9;
    public static final double BETA2 = 0.999;
    public static final double EPSILON = 1e-8;
    public static final int TRANSFORMER_LAYERS = 1;
    public static final int TRANSFORMER_HEADS = 2;
    public static final int TRANSFORMER_WIDTH = 16;
    public static final String EARLY_STOPPING_TASK = "*";
    public static final String EARLY_STOPPING_METRIC = "loss";

    private Defaults() {
    }
}
