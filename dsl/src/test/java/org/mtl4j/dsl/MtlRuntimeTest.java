package org.mtl4j.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.AbstractModule;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.TypeLiteral;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.balance.BalancerContext;
import org.mtl4j.api.balance.LossWeighting;
import org.mtl4j.api.balance.WeightingContext;
import org.mtl4j.api.metric.MetricInput;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.PluginRef;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.balancers.BalancersPlugin;
import org.mtl4j.spi.io.ModelArchive;
import org.mtl4j.spi.DuplicatePluginException;
import org.mtl4j.spi.MtlPlugin;
import org.mtl4j.spi.PluginBindings;
import org.mtl4j.spi.UnknownPluginException;

class MtlRuntimeTest {
    @TempDir
    Path dir;

    @Test
    void theBuiltInPluginsAreDiscoveredAndBindEveryBalancerMetricAndTaskKind() {
        MtlRuntime rt = Mtl.runtime();
        assertThat(rt.plugins()).extracting(MtlPlugin::name).contains("balancers", "tasks");
        Map<String, java.util.SortedSet<String>> c = rt.catalogue();
        assertThat(c.keySet()).containsExactly("backend", "loss-weighting", "gradient-aggregator", "clipper", "metric",
                "task-kind");
        assertThat(c.get("loss-weighting")).containsExactly("dwa", "equal", "fixed", "gradnorm", "rlw", "schedule",
                "uncertainty");
        assertThat(c.get("gradient-aggregator")).containsExactly("aligned-mtl", "cagrad", "graddrop", "gradvac", "imtl-g",
                "mgda", "nash-mtl", "pcgrad", "sum");
        assertThat(c.get("clipper")).containsExactly("adaptive", "global-norm", "per-task-norm", "value");
        assertThat(c.get("metric")).containsExactly("accuracy", "auc", "calibration", "ece", "gauc", "logloss", "mae",
                "ndcg", "recall", "rmse", "top-k-accuracy");
        assertThat(c.get("task-kind")).containsExactly("binary", "multiclass", "regression");
        assertThat(Mtl.runtime()).isSameAs(rt);
    }

    @Test
    void theInjectorGivesTheNamedMaps() {
        MtlRuntime rt = Mtl.runtime();
        Map<String, LossWeighting.Factory> w = rt.injector().getInstance(
                Key.get(new TypeLiteral<Map<String, LossWeighting.Factory>>() { }));
        assertThat(w).containsKey("uncertainty");
        assertThat(rt.lossWeighting("equal")).isSameAs(w.get("equal"));
        Map<String, TaskKind> kinds = rt.injector().getInstance(Key.get(new TypeLiteral<Map<String, TaskKind>>() { }));
        assertThat(kinds).containsEntry("multiclass", TaskKind.MULTICLASS);
    }

    @Test
    void anUnknownNameFailsListingTheKnownOnes() {
        MtlRuntime rt = Mtl.runtime();
        assertThatThrownBy(() -> rt.lossWeighting("gradnrom"))
                .isInstanceOf(UnknownPluginException.class)
                .hasMessage("MTL/UnknownPlugin: lossWeighting = \"gradnrom\" (known: dwa, equal, fixed, gradnorm, rlw, "
                        + "schedule, uncertainty)");
        assertThatThrownBy(() -> rt.clipper("global"))
                .hasMessage("MTL/UnknownPlugin: clipping = \"global\" (known: adaptive, global-norm, per-task-norm, value)");
        assertThatThrownBy(() -> rt.metric("ndgc@5"))
                .hasMessage("MTL/UnknownPlugin: metrics = \"ndgc\" (known: accuracy, auc, calibration, ece, gauc, "
                        + "logloss, mae, ndcg, recall, rmse, top-k-accuracy)");
        assertThatThrownBy(() -> rt.backend("dl4j"))
                .hasMessage("MTL/UnknownPlugin: backend = \"dl4j\" (none registered)");
    }

    @Test
    void anExplicitPluginAddsNamesThatTheRuntimeResolves() {
        MtlRuntime rt = Mtl.runtimeBuilder().withPlugins(new TestPlugins.Acme("mean", "hit-rate")).build();
        assertThat(rt.plugins()).extracting(MtlPlugin::name).first().isEqualTo("acme");
        assertThat(rt.plugins()).extracting(MtlPlugin::name).containsExactlyInAnyOrder("acme", "balancers", "tasks");
        LossWeighting w = rt.lossWeighting("mean").create(new BalancerContext(PluginRef.of("mean"),
                List.of(TaskSpec.binary("a", "a"), TaskSpec.binary("b", "b")), 1));
        assertThat(w.weights(new WeightingContext(0, 0, new double[] {3, 1}, new int[] {1, 1}))).containsExactly(0.5, 0.5);
        double hit = rt.metric("hit-rate").compute(new MetricInput(TaskKind.BINARY, 1, new float[] {1, 0, 1, 0},
                new float[] {0.9f, 0.2f, 0.3f, 0.6f}, null, 0));
        assertThat(hit).isEqualTo(0.5);
        assertThat(rt.metric("ndcg@10").name()).startsWith("ndcg");
    }

    @Test
    void withoutDiscoveryOnlyTheExplicitPluginsAreThere() {
        MtlRuntime rt = Mtl.runtimeBuilder().discover(false).withPlugins(new TestPlugins.Acme("mean", "hit-rate")).build();
        assertThat(rt.catalogue().get("loss-weighting")).containsExactly("mean");
        assertThat(rt.catalogue().get("clipper")).isEmpty();
    }

    @Test
    void aPluginInstalledExplicitlyAndDiscoveredIsUsedOnce() {
        BalancersPlugin explicit = new BalancersPlugin();
        MtlRuntime rt = Mtl.runtimeBuilder().withPlugins(explicit).build();
        assertThat(rt.plugins()).first().isSameAs(explicit);
        assertThat(rt.plugins()).extracting(MtlPlugin::name).containsExactlyInAnyOrder("balancers", "tasks");
    }

    @Test
    void aDuplicateNameOfOneKindFailsNamingTheKindTheNameAndBothPlugins() {
        assertThatThrownBy(() -> Mtl.runtimeBuilder().withPlugins(new TestPlugins.Acme("dwa", "hit-rate")).build())
                .isInstanceOf(DuplicatePluginException.class)
                .hasMessage("MTL/DuplicatePlugin: loss-weighting \"dwa\" is bound by plugin 'acme' "
                        + "(org.mtl4j.dsl.TestPlugins$Acme) and by plugin 'balancers' (org.mtl4j.balancers.BalancersPlugin)");
        assertThatThrownBy(() -> Mtl.runtimeBuilder().discover(false)
                .withPlugins(new TestPlugins.Acme("mean", "hit-rate"), new TestPlugins.Other()).build())
                .isInstanceOf(DuplicatePluginException.class)
                .hasMessage("MTL/DuplicatePlugin: metric \"hit-rate\" is bound by plugin 'acme' "
                        + "(org.mtl4j.dsl.TestPlugins$Acme) and by plugin 'other' (org.mtl4j.dsl.TestPlugins$Other)");
    }

    @Test
    void theSameNameOfDifferentKindsIsFine() {
        MtlRuntime rt = Mtl.runtimeBuilder().discover(false).withPlugins(new TestPlugins.Acme("shared-name", "shared-name"))
                .build();
        assertThat(rt.catalogue().get("metric")).containsExactly("shared-name");
        assertThat(rt.catalogue().get("loss-weighting")).containsExactly("shared-name");
    }

    @Test
    void aModuleGuiceRefusesIsReportedWithThePluginNames() {
        MtlPlugin broken = new MtlPlugin() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public Module module() {
                return new AbstractModule() {
                    @Override
                    protected void configure() {
                        bind(Runnable.class);
                    }
                };
            }
        };
        assertThatThrownBy(() -> Mtl.runtimeBuilder().discover(false).withPlugins(broken).build())
                .isInstanceOf(MtlException.class)
                .hasMessageStartingWith("MTL/PluginError: plugins [broken] cannot be assembled: ");
    }

    @Test
    void bindingsOfAnInstalledSubModuleAreCheckedForDuplicatesToo() {
        MtlPlugin sneaky = new MtlPlugin() {
            @Override
            public String name() {
                return "sneaky";
            }

            @Override
            public Module module() {
                return new AbstractModule() {
                    @Override
                    protected void configure() {
                        install(new AbstractModule() {
                            @Override
                            protected void configure() {
                                PluginBindings.clippers(binder()).addBinding("value").toInstance(c -> null);
                            }
                        });
                    }
                };
            }
        };
        assertThatThrownBy(() -> Mtl.runtimeBuilder().withPlugins(sneaky).build())
                .hasMessageContaining("MTL/DuplicatePlugin: clipper \"value\" is bound by plugin 'sneaky'");
    }

    @Test
    void loadingAModelOfAnAbsentBackendFailsListingTheKnownBackends() throws Exception {
        Path f = dir.resolve("m.mtl");
        ModelSpec spec = new ModelSpec("m", List.of(new org.mtl4j.api.spec.DenseInput("x", List.of("x"), true)),
                List.of(TaskSpec.binary("ctr", "click")), new Topology.SharedBottom(List.of(4)), null, null, null, null, null,
                "dl4j");
        ModelArchive.write(f, spec, Map.of(), null, Map.of("p", new byte[] {1}));
        assertThatThrownBy(() -> Mtl.runtime().load(f))
                .isInstanceOf(MtlException.class)
                .hasMessage("MTL/UnknownPlugin: " + f + " was saved by backend \"dl4j\", which is not installed "
                        + "(none registered)");
    }
}
