package org.mtl4j.backend.dl4j.internal.nn;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One parameter tensor: declared with a shape, an owner ({@link #SHARED} or a task name) and an
 * initialiser; after {@link ParamStore#allocate()} its value and gradient are views into the
 * store's flat buffers.
 */
public final class Param {
    public static final String SHARED = "<shared>";
    private static final String GROUP_PREFIX = "<shared:";

    /** The owner of parameters shared by one group of tasks ({@code grouped} topology), e.g. {@code <shared:a+b>}. */
    public static String groupOwner(java.util.List<String> tasks) {
        return GROUP_PREFIX + String.join("+", tasks) + ">";
    }

    /** Whether {@code owner} is {@link #SHARED} or a group owner: parameters read by more than one task. */
    public static boolean isShared(String owner) {
        return SHARED.equals(owner) || owner.startsWith(GROUP_PREFIX);
    }

    private final String name;
    private final long[] shape;
    private final String owner;
    private final Init init;
    private final int units;
    private final boolean lastShared;
    private final boolean table;
    private double learningRateScale = 1;
    long offset = -1;
    long gradOffset = -1;
    INDArray value;
    INDArray grad;
    RowBlock rowGradient;

    Param(String name, long[] shape, String owner, Init init, int units, boolean lastShared) {
        this(name, shape, owner, init, units, lastShared, false);
    }

    Param(String name, long[] shape, String owner, Init init, int units, boolean lastShared, boolean table) {
        this.table = table;
        this.name = name;
        this.shape = shape.clone();
        this.owner = owner;
        this.init = init;
        this.units = units;
        this.lastShared = lastShared;
    }

    public String name() {
        return name;
    }

    public long[] shape() {
        return shape.clone();
    }

    public long length() {
        return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    }

    /** {@link #SHARED}, a {@link #groupOwner group owner} or the owning task's name. */
    public String owner() {
        return owner;
    }

    public boolean shared() {
        return isShared(owner);
    }

    public Init init() {
        return init;
    }

    /** Output units (rows of a [out, in] matrix), for unit-wise clipping. */
    public int units() {
        return units;
    }

    /** The multiplier of the optimiser's learning rate for this parameter (1 unless a layer says otherwise). */
    public double learningRateScale() {
        return learningRateScale;
    }

    /** Sets {@link #learningRateScale()}; before the optimiser is built. */
    public Param learningRateScale(double scale) {
        this.learningRateScale = scale;
        return this;
    }

    /** Part of the last shared layer (GradNorm's scope). */
    public boolean lastShared() {
        return lastShared;
    }

    /** Offset in the flat parameter buffer. */
    public long offset() {
        return offset;
    }

    /** Offset in the flat (dense) gradient buffer, or -1 for an embedding table. */
    public long gradOffset() {
        return gradOffset;
    }

    /**
     * An embedding table: its gradient is the {@link #rowGradient() rows a batch touched}, not a view
     * of the flat gradient buffer.
     */
    public boolean table() {
        return table;
    }

    /** The sparse gradient of an embedding table (the rows the batch touched). */
    public RowBlock rowGradient() {
        if (rowGradient == null) {
            throw new IllegalStateException("parameter " + name + (table ? " used before ParamStore.allocate()"
                    : " is not an embedding table: its gradient is dense (grad())"));
        }
        return rowGradient;
    }

    public INDArray value() {
        if (value == null) {
            throw new IllegalStateException("parameter " + name + " used before ParamStore.allocate()");
        }
        return value;
    }

    public INDArray grad() {
        if (table) {
            throw new IllegalStateException("parameter " + name + " is an embedding table: its gradient is sparse (rowGradient())");
        }
        if (grad == null) {
            throw new IllegalStateException("parameter " + name + " used before ParamStore.allocate()");
        }
        return grad;
    }

    /** How a parameter starts. */
    public enum Init {
        /** Zeros (biases). */
        ZERO,
        /** Ones (layer-norm gains). */
        ONE,
        /** Uniform(-sqrt(6/(fanIn+fanOut)), +...) (Glorot &amp; Bengio 2010) for tanh/linear/softmax layers. */
        XAVIER,
        /** Normal(0, 2/fanIn) (He et al. 2015) for ReLU layers. */
        HE,
        /**
         * Uniform(-1/sqrt(fanIn), +1/sqrt(fanIn)): He et al. 2015's uniform init with a = sqrt(5), the
         * default of PyTorch's {@code nn.Linear}. The dense layers use it: on the MMoE paper's synthetic
         * data it reached about half the test MSE of {@link #HE} after 5 epochs (the larger He weights
         * slow Adam down at these sizes), matching the PyTorch reference on the same files.
         */
        FAN_IN_UNIFORM,
        /** Normal(0, 0.05^2)-ish small values for embedding tables. */
        EMBEDDING
    }
}
