package org.mtl4j.dsl.internal;

import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import org.mtl4j.api.backend.Backend;
import org.mtl4j.api.backend.Capability;
import org.mtl4j.api.balance.BalancerContext;
import org.mtl4j.api.balance.Clipper;
import org.mtl4j.api.balance.GradientAggregator;
import org.mtl4j.api.balance.LossWeighting;
import org.mtl4j.api.spec.PluginRef;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.dsl.Problem;
import org.mtl4j.spi.PluginKind;
import org.mtl4j.spi.UnknownPluginException;

/** Checks of the plugin names (balancers, clippers, backend) and of the balancers' parameters. */
final class PluginChecks {
    private final PluginRegistry registry;

    PluginChecks(PluginRegistry registry) {
        this.registry = registry;
    }

    /** Checks the balancers; records in {@code needed} the capabilities they need of the backend. */
    void check(SpecDraft d, List<TaskSpec> tasks, List<Problem> out, List<Map.Entry<Capability, String>> needed) {
        long seed = d.training() == null ? 0 : d.training().seed();
        if (d.lossWeighting() != null) {
            LossWeighting.Factory f = lookup(PluginKind.LOSS_WEIGHTING, LossWeighting.Factory.class, "lossWeighting",
                    d.lossWeighting(), out);
            if (f != null && !tasks.isEmpty()) {
                LossWeighting w = create("lossWeighting", d.lossWeighting(), out,
                        () -> f.create(new BalancerContext(d.lossWeighting(), tasks, seed)));
                if (w != null && w.needsTaskGradients()) {
                    needed.add(Map.entry(Capability.PER_TASK_GRADIENTS, "lossWeighting = " + d.lossWeighting().name()));
                }
            }
        }
        if (d.gradientAggregation() != null && !d.gradientAggregation().isNone()) {
            GradientAggregator.Factory f = lookup(PluginKind.GRADIENT_AGGREGATOR, GradientAggregator.Factory.class,
                    "gradientAggregation", d.gradientAggregation(), out);
            if (f != null && !tasks.isEmpty()) {
                create("gradientAggregation", d.gradientAggregation(), out,
                        () -> f.create(new BalancerContext(d.gradientAggregation(), tasks, seed)));
            }
        }
        for (int i = 0; i < d.clipping().size(); i++) {
            PluginRef ref = d.clipping().get(i);
            if (ref == null) {
                continue;
            }
            String path = "clipping[" + i + "]";
            Clipper.Factory f = lookup(PluginKind.CLIPPER, Clipper.Factory.class, path, ref, out);
            if (f != null && !tasks.isEmpty()) {
                Clipper c = create(path, ref, out, () -> f.create(new BalancerContext(ref, tasks, seed)));
                if (c != null && c.stage() == Clipper.Stage.TASK_GRADIENTS) {
                    needed.add(Map.entry(Capability.PER_TASK_GRADIENTS, path + " = " + ref.name()));
                }
            }
        }
    }

    private <T> T lookup(PluginKind kind, Class<T> type, String path, PluginRef ref, List<Problem> out) {
        T f = registry.map(kind, type).get(ref.name());
        if (f == null) {
            out.add(unknown(registry, kind, path, ref.name()));
        }
        return f;
    }

    private static <T> T create(String path, PluginRef ref, List<Problem> out, java.util.function.Supplier<T> make) {
        try {
            return make.get();
        } catch (RuntimeException e) {
            out.add(new Problem("MTL/BadPluginParams", path, Problem.quote(ref.name()) + (ref.params().isEmpty() ? ""
                    : " " + ref.params()), e.getMessage()));
            return null;
        }
    }

    static Problem unknown(PluginRegistry registry, PluginKind kind, String path, String name) {
        SortedSet<String> known = registry.names(kind);
        return new Problem(UnknownPluginException.ID, path, Problem.quote(name), UnknownPluginException.knownText(known));
    }

    /** The spec's backend, or null after recording it as unknown. */
    Backend backend(SpecDraft d, List<Problem> out) {
        Backend b = registry.map(PluginKind.BACKEND, Backend.class).get(d.backend());
        if (b == null) {
            out.add(unknown(registry, PluginKind.BACKEND, "backend", d.backend()));
        }
        return b;
    }
}
