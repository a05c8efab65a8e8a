package org.mtl4j.backend.tribuo.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.mtl4j.api.spec.OptimizerSpec;

/**
 * First-order optimisers that update the factorization machine's Tribuo tensors in place, row by
 * row. Written here rather than taken from {@code org.tribuo.math.optimisers} because Tribuo 4.3.2's
 * {@code Adam} multiplies by {@code sqrt(v) + eps} where it should divide (its steps come out about
 * 1000x too small), and because Tribuo's {@code StochasticGradientOptimiser.step} returns whole
 * dense update tensors where a minibatch only touches a few feature rows.
 *
 * <p>Sparse rows: when a gradient block has a support (the feature rows the minibatch touched), only
 * those rows are updated and only their state decays ("lazy" updates, as TensorFlow's LazyAdam and
 * PyTorch's SparseAdam); the bias corrections use the global step. On dense blocks the updates are
 * exactly the textbook ones.
 */
public abstract class FmOptimiser {
    protected final double lr;
    protected final double weightDecay;
    /** Per parameter slot, per state tensor, the rows (lazily allocated). */
    protected double[][][][] state;

    protected FmOptimiser(double lr, double weightDecay) {
        this.lr = lr;
        this.weightDecay = weightDecay;
    }

    /** The optimiser a spec names. */
    public static FmOptimiser of(OptimizerSpec spec) {
        return switch (spec.name()) {
            case "adam" -> new Adam(spec.learningRate(), spec.beta1(), spec.beta2(), spec.epsilon(), spec.weightDecay(), false);
            case "adamw" -> new Adam(spec.learningRate(), spec.beta1(), spec.beta2(), spec.epsilon(), spec.weightDecay(), true);
            case "adagrad" -> new AdaGrad(spec.learningRate(), spec.epsilon(), spec.weightDecay());
            case "sgd" -> new Sgd(spec.learningRate(), spec.momentum(), spec.weightDecay());
            default -> throw new IllegalArgumentException("tribuo backend: unknown optimizer \"" + spec.name()
                    + "\" (known: adam, adamw, sgd, adagrad)");
        };
    }

    /** Number of state tensors per parameter (Adam 2, AdaGrad 1, SGD 1 with momentum else 0). */
    protected abstract int stateTensors();

    /** Allocates state shaped like the parameters. */
    public void init(List<double[][]> params) {
        int s = stateTensors();
        state = new double[params.size()][s][][];
        for (int p = 0; p < params.size(); p++) {
            for (int k = 0; k < s; k++) {
                double[][] src = params.get(p);
                double[][] z = new double[src.length][];
                for (int r = 0; r < src.length; r++) {
                    z[r] = new double[src[r].length];
                }
                state[p][k] = z;
            }
        }
    }

    /**
     * Updates one parameter tensor.
     *
     * @param slot the parameter's index in {@link #init}'s list
     * @param support rows to update (sorted), or null for all
     * @param lrScale multiplier on the learning rate (a task's tower learning-rate multiplier)
     * @param step the 1-based number of this update
     */
    public void update(int slot, double[][] param, double[][] grad, int[] support, double lrScale, long step) {
        int n = support == null ? param.length : support.length;
        prepare(step);
        for (int k = 0; k < n; k++) {
            int r = support == null ? k : support[k];
            updateRow(slot, r, param[r], grad[r], lr * lrScale);
        }
    }

    /** Per-step constants (bias corrections). */
    protected void prepare(long step) {
    }

    protected abstract void updateRow(int slot, int row, double[] theta, double[] g, double lr);

    /**
     * Continual training: copies {@code old}'s state of one parameter slot, row {@code r} of the old
     * tensor into row {@code rowMap[r]} of this one ({@code rowMap} null: the same row).
     *
     * @throws IllegalArgumentException when the optimisers or the row widths differ
     */
    public void copySlotFrom(FmOptimiser old, int slot, int[] rowMap) {
        if (old.getClass() != getClass()) {
            throw new IllegalArgumentException("the saved optimiser is " + old.getClass().getSimpleName() + ", this run uses "
                    + getClass().getSimpleName());
        }
        for (int k = 0; k < state[slot].length; k++) {
            double[][] from = old.state[slot][k];
            double[][] to = state[slot][k];
            for (int r = 0; r < from.length; r++) {
                int t = rowMap == null ? r : rowMap[r];
                if (t < 0) {
                    continue;
                }
                if (from[r].length != to[t].length) {
                    throw new IllegalArgumentException("optimiser state row " + r + " of slot " + slot + " has " + from[r].length
                            + " values, here " + to[t].length);
                }
                System.arraycopy(from[r], 0, to[t], 0, from[r].length);
            }
        }
    }

    public void writeState(DataOutputStream out) throws IOException {
        out.writeInt(state.length);
        for (double[][][] slot : state) {
            out.writeInt(slot.length);
            for (double[][] t : slot) {
                Tensors.writeRows(out, t);
            }
        }
    }

    public void readState(DataInputStream in) throws IOException {
        int slots = in.readInt();
        if (slots != state.length) {
            throw new IOException("optimizer state has " + slots + " parameter slots, the model has " + state.length);
        }
        for (double[][][] slot : state) {
            int k = in.readInt();
            if (k != slot.length) {
                throw new IOException("optimizer state has " + k + " tensors per slot, expected " + slot.length);
            }
            for (double[][] t : slot) {
                Tensors.readRows(in, t);
            }
        }
    }

    /**
     * Adam (Kingma &amp; Ba, ICLR 2015, Algorithm 1): m = b1 m + (1-b1) g, v = b2 v + (1-b2) g^2,
     * theta -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps). With {@code decoupled} it is
     * AdamW (Loshchilov &amp; Hutter, ICLR 2019, Algorithm 2): theta -= lr * wd * theta in addition;
     * otherwise a weight decay is the L2 term g += wd * theta (as PyTorch's Adam).
     */
    public static final class Adam extends FmOptimiser {
        private final double b1;
        private final double b2;
        private final double eps;
        private final boolean decoupled;
        private double c1;
        private double c2;

        public Adam(double lr, double b1, double b2, double eps, double weightDecay, boolean decoupled) {
            super(lr, weightDecay);
            this.b1 = b1;
            this.b2 = b2;
            this.eps = eps;
            this.decoupled = decoupled;
        }

        @Override
        protected int stateTensors() {
            return 2;
        }

        @Override
        protected void prepare(long step) {
            c1 = 1 - Math.pow(b1, step);
            c2 = 1 - Math.pow(b2, step);
        }

        @Override
        protected void updateRow(int slot, int row, double[] theta, double[] g, double lr) {
            double[] m = state[slot][0][row];
            double[] v = state[slot][1][row];
            for (int j = 0; j < theta.length; j++) {
                double gj = g[j];
                if (!decoupled && weightDecay != 0) {
                    gj += weightDecay * theta[j];
                }
                m[j] = b1 * m[j] + (1 - b1) * gj;
                v[j] = b2 * v[j] + (1 - b2) * gj * gj;
                double update = (m[j] / c1) / (Math.sqrt(v[j] / c2) + eps);
                if (decoupled && weightDecay != 0) {
                    update += weightDecay * theta[j];
                }
                theta[j] -= lr * update;
            }
        }
    }

    /**
     * AdaGrad (Duchi, Hazan &amp; Singer, JMLR 2011, eq. for the diagonal case): G += g^2,
     * theta -= lr * g / (sqrt(G) + eps), with the accumulator starting at 0.
     */
    public static final class AdaGrad extends FmOptimiser {
        private final double eps;

        public AdaGrad(double lr, double eps, double weightDecay) {
            super(lr, weightDecay);
            this.eps = eps;
        }

        @Override
        protected int stateTensors() {
            return 1;
        }

        @Override
        protected void updateRow(int slot, int row, double[] theta, double[] g, double lr) {
            double[] acc = state[slot][0][row];
            for (int j = 0; j < theta.length; j++) {
                double gj = g[j] + weightDecay * theta[j];
                acc[j] += gj * gj;
                theta[j] -= lr * gj / (Math.sqrt(acc[j]) + eps);
            }
        }
    }

    /**
     * Stochastic gradient descent with heavy-ball momentum (Polyak 1964, in PyTorch's form):
     * buf = mu * buf + g, theta -= lr * buf; plain SGD when mu = 0.
     */
    public static final class Sgd extends FmOptimiser {
        private final double momentum;

        public Sgd(double lr, double momentum, double weightDecay) {
            super(lr, weightDecay);
            this.momentum = momentum;
        }

        @Override
        protected int stateTensors() {
            return momentum > 0 ? 1 : 0;
        }

        @Override
        protected void updateRow(int slot, int row, double[] theta, double[] g, double lr) {
            double[] buf = momentum > 0 ? state[slot][0][row] : null;
            for (int j = 0; j < theta.length; j++) {
                double gj = g[j] + weightDecay * theta[j];
                if (buf != null) {
                    buf[j] = momentum * buf[j] + gj;
                    gj = buf[j];
                }
                theta[j] -= lr * gj;
            }
        }
    }
}
