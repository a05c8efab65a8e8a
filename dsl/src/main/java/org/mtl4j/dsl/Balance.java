package org.mtl4j.dsl;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Static entry points for task balancing: at most one loss weighting (one backward pass per step)
 * and at most one gradient aggregator (per-task gradients of the shared parameters, combined):
 * <pre>{@code
 * .balance(Balance.uncertainty())                       // Kendall et al. 2018
 * .balance(Balance.dwa(2.0), Balance.pcgrad())          // a weighting and a gradient surgery
 * .balance(Balance.of("my-weighting", Map.of("k", 3.0))) // a third-party plugin, by name
 * }</pre>
 * The names are checked against the runtime's plugins when the model is built.
 */
public final class Balance {
    private Balance() {
    }

    /** What a choice is. */
    public enum Role {
        LOSS_WEIGHTING,
        GRADIENT_AGGREGATION,
        /** Decided at build by the registry that knows the name ({@link #of}). */
        BY_NAME
    }

    /** One balancing choice: a plugin name, its parameters and its role. */
    public static final class Choice {
        private final Role role;
        private final String name;
        private final Map<String, Double> params;

        Choice(Role role, String name, Map<String, Double> params) {
            this.role = role;
            this.name = name;
            this.params = params == null ? Map.of() : new LinkedHashMap<>(params);
        }

        public Role role() {
            return role;
        }

        public String name() {
            return name;
        }

        public Map<String, Double> params() {
            return java.util.Collections.unmodifiableMap(params);
        }

        @Override
        public String toString() {
            return name + (params.isEmpty() ? "" : " " + params);
        }
    }

    private static Choice weighting(String name, Object... kv) {
        return new Choice(Role.LOSS_WEIGHTING, name, map(kv));
    }

    private static Choice aggregator(String name, Object... kv) {
        return new Choice(Role.GRADIENT_AGGREGATION, name, map(kv));
    }

    private static Map<String, Double> map(Object... kv) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], ((Number) kv[i + 1]).doubleValue());
        }
        return m;
    }

    /** A plugin by name (a loss weighting or a gradient aggregator: the runtime knows which). */
    public static Choice of(String name, Map<String, Double> params) {
        return new Choice(Role.BY_NAME, name, params);
    }

    public static Choice of(String name) {
        return of(name, Map.of());
    }

    /** Every weight 1: L = sum_k L_k. */
    public static Choice equal() {
        return weighting("equal");
    }

    /** Each task's {@code weight(..)}. */
    public static Choice fixed() {
        return weighting("fixed");
    }

    /** Static weights by task name, overriding the tasks' own. */
    public static Choice fixed(Map<String, Double> weightsByTask) {
        return new Choice(Role.LOSS_WEIGHTING, "fixed", weightsByTask);
    }

    /** Learned homoscedastic uncertainty (Kendall, Gal &amp; Cipolla, CVPR 2018). */
    public static Choice uncertainty() {
        return weighting("uncertainty");
    }

    /** Dynamic weight average (Liu, Johns &amp; Davison, CVPR 2019), temperature 2. */
    public static Choice dwa() {
        return weighting("dwa");
    }

    public static Choice dwa(double temperature) {
        return weighting("dwa", "temperature", temperature);
    }

    /** Random loss weighting (Lin et al. 2021). */
    public static Choice rlw() {
        return weighting("rlw");
    }

    /** PLE's schedule w_k(t) = w_k0 * gamma^t per epoch (Tang et al. 2020, eq. 10). */
    public static Choice schedule(double gamma) {
        return weighting("schedule", "gamma", gamma);
    }

    /** GradNorm (Chen et al., ICML 2018) with asymmetry {@code alpha}. */
    public static Choice gradnorm(double alpha) {
        return weighting("gradnorm", "alpha", alpha);
    }

    /** @deprecated since 0.1.0, for one release: use {@link #gradnorm(double)} (methods spell the catalogue name). */
    @Deprecated(since = "0.1.0", forRemoval = true)
    public static Choice gradNorm(double alpha) {
        return gradnorm(alpha);
    }

    /** Plain sum of the weighted task gradients. */
    public static Choice sum() {
        return aggregator("sum");
    }

    /** PCGrad (Yu et al., NeurIPS 2020). */
    public static Choice pcgrad() {
        return aggregator("pcgrad");
    }

    /** MGDA-UB (Sener &amp; Koltun, NeurIPS 2018). */
    public static Choice mgda() {
        return aggregator("mgda");
    }

    /** CAGrad (Liu et al., NeurIPS 2021) with radius {@code c}. */
    public static Choice cagrad(double c) {
        return aggregator("cagrad", "c", c);
    }

    /** IMTL-G (Liu et al., ICLR 2021). */
    public static Choice imtlG() {
        return aggregator("imtl-g");
    }

    /** Gradient Vaccine (Wang et al., ICLR 2021) with EMA rate {@code beta}. */
    public static Choice gradvac(double beta) {
        return aggregator("gradvac", "beta", beta);
    }

    /** @deprecated since 0.1.0, for one release: use {@link #gradvac(double)} (methods spell the catalogue name). */
    @Deprecated(since = "0.1.0", forRemoval = true)
    public static Choice gradVac(double beta) {
        return gradvac(beta);
    }

    /** GradDrop (Chen et al., NeurIPS 2020). */
    public static Choice graddrop() {
        return aggregator("graddrop");
    }

    /** @deprecated since 0.1.0, for one release: use {@link #graddrop()} (methods spell the catalogue name). */
    @Deprecated(since = "0.1.0", forRemoval = true)
    public static Choice gradDrop() {
        return graddrop();
    }

    /** Aligned-MTL (Senushkin et al., CVPR 2023). */
    public static Choice alignedMtl() {
        return aggregator("aligned-mtl");
    }

    /** Nash-MTL (Navon et al., ICML 2022). */
    public static Choice nashMtl() {
        return aggregator("nash-mtl");
    }
}
