package org.mtl4j.tasks;

/**
 * Every loss formula and its derivative, written once, as static functions of primitives (the JIT
 * inlines them into the callers' row loops: no per-element virtual call, no allocation). {@link Losses}
 * (double arrays, for the Tribuo backend and the plain-Java test model, and evaluation from outputs)
 * and the DL4J backend's heads (float buffers reused across steps) loop over rows and masks and call
 * these.
 *
 * <ul>
 * <li>binary cross-entropy from a logit z: max(z, 0) - z y + log(1 + e^-|z|); d/dz = sigmoid(z) - y;</li>
 * <li>binary cross-entropy of a probability p (ESMM's product p = pCTR x pCVR, Ma et al. SIGIR 2018,
 * eq. 3; evaluation from outputs): -(y log p + (1 - y) log(1 - p)) with p clipped into
 * [{@link #EPS}, 1 - EPS]; d/dp = (p - y) / (p (1 - p));</li>
 * <li>softmax cross-entropy from class logits: logsumexp(z) - z_y; d/dz_j = softmax(z)_j - [j = y];</li>
 * <li>squared error (z - y)^2; d/dz = 2 (z - y);</li>
 * <li>Huber (Huber 1964) with delta {@link #HUBER_DELTA}: r^2 / 2 for |r| &lt;= delta, else
 * delta (|r| - delta / 2); d/dz = r clipped into [-delta, delta].</li>
 * </ul>
 */
public final class LossKernels {
    /** Probabilities are clipped into [EPS, 1 - EPS] before a log. */
    public static final double EPS = 1e-7;
    /** The Huber loss's delta. */
    public static final double HUBER_DELTA = 1.0;

    private LossKernels() {
    }

    /** Binary cross-entropy from a logit, computed stably. */
    public static double bceWithLogit(double z, double y) {
        return Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
    }

    /** d {@link #bceWithLogit} / dz, given p = sigmoid(z). */
    public static double bceWithLogitGradient(double p, double y) {
        return p - y;
    }

    /** p clipped into [EPS, 1 - EPS]. */
    public static double clip(double p) {
        return Math.min(Math.max(p, EPS), 1 - EPS);
    }

    /** Binary cross-entropy of a probability (clipped). */
    public static double bce(double p, double y) {
        double c = clip(p);
        return -(y * Math.log(c) + (1 - y) * Math.log(1 - c));
    }

    /** d {@link #bce} / dp (at the clipped p). */
    public static double bceGradient(double p, double y) {
        double c = clip(p);
        return (c - y) / (c * (1 - c));
    }

    /** Softmax cross-entropy of one row from its log-sum-exp and the label's logit. */
    public static double softmaxCrossEntropy(double logSumExp, double labelLogit) {
        return logSumExp - labelLogit;
    }

    /** d softmax-cross-entropy / dz_j from the class probability softmax(z)_j. */
    public static double softmaxCrossEntropyGradient(double probability, boolean isLabel) {
        return isLabel ? probability - 1 : probability;
    }

    /** Cross-entropy from the label's probability (evaluation from outputs; clipped). */
    public static double crossEntropy(double labelProbability) {
        return -Math.log(clip(labelProbability));
    }

    /** Squared error. */
    public static double squaredError(double z, double y) {
        double d = z - y;
        return d * d;
    }

    /** d {@link #squaredError} / dz. */
    public static double squaredErrorGradient(double z, double y) {
        return 2 * (z - y);
    }

    /** Huber loss with delta {@link #HUBER_DELTA}. */
    public static double huber(double z, double y) {
        double a = Math.abs(z - y);
        return a <= HUBER_DELTA ? 0.5 * a * a : HUBER_DELTA * (a - 0.5 * HUBER_DELTA);
    }

    /** d {@link #huber} / dz. */
    public static double huberGradient(double z, double y) {
        return Math.max(-HUBER_DELTA, Math.min(HUBER_DELTA, z - y));
    }
}
