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
import org.mtl4j.spi.PluginKind;
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
        assertThat(c.keySet()).containsExactly("backend", "loss-weighting", "gradient-aggregator", "clipper", "metric");
        assertThat(c.get("loss-weighting")).containsExactly("dwa", "equal", "fixed", "gradnorm", "rlw", "schedule",
                "uncertainty");
        assertThat(c.get("gradient-aggregator")).containsExactly("aligned-mtl", "cagrad", "graddrop", "gradvac", "imtl-g",
                "mgda", "nash-mtl", "pcgrad", "sum");
        assertThat(c.get("clipper")).containsExactly("adaptive", "global-norm", "per-task-norm", "value");
        assertThat(c.get("metric")).containsExactly("accuracy", "auc", "calibration", "ece", "gauc", "logloss", "mae",
                "ndcg", "recall", "rmse", "top-k-accuracy");
        assertThat(Mtl.runtime()).isSameAs(rt);
    }

    @Test
    void theInjectorGivesTheNamedMaps() {
        MtlRuntime rt = Mtl.runtime();
        Map<String, LossWeighting.Factory> w = rt.injector().getInstance(
                Key.get(new TypeLiteral<Map<String, LossWeighting.Factory>>() { }));
        assertThat(w).containsKey("uncertainty");
        assertThat(rt.lossWeighting("equal")).isSameAs(w.get("equal"));
        // task kinds are a closed enum, not a plugin kind: nothing binds a map of them
        assertThat(PluginKind.forValueType(TaskKind.class)).isNull();
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

    /** A plugin binding declared backends with a rank (one class per instance: plugins are merged by class). */
    private abstract static class Ranked implements MtlPlugin {
        private final String plugin;
        private final int rank;
        private final String[] backends;

        Ranked(String plugin, int rank, String... backends) {
            this.plugin = plugin;
            this.rank = rank;
            this.backends = backends;
        }

        @Override
        public String name() {
            return plugin;
        }

        @Override
        public int rank() {
            return rank;
        }

        @Override
        public com.google.inject.Module module() {
            return new com.google.inject.AbstractModule() {
                @Override
                protected void configure() {
                    for (String b : backends) {
                        org.mtl4j.spi.PluginBindings.backends(binder()).addBinding(b)
                                .toInstance(new DeclaredCapabilities(b, org.mtl4j.api.backend.Capability.all()));
                    }
                }
            };
        }
    }

    private static final class Small extends Ranked {
        Small() {
            super("small", 0, "tribuo");
        }
    }

    private static final class Big extends Ranked {
        Big() {
            super("big", 100, "dl4j");
        }
    }

    private static final class Mid extends Ranked {
        Mid() {
            super("mid", 50, "zeta", "alpha");
        }
    }

    private static final class Fm extends Ranked {
        Fm() {
            super("fm", 7, "fm");
        }
    }

    @Test
    void theDefaultBackendIsTheHighestRankedOneUnlessThePropertyOrTheEnvironmentNamesAnother() {
        MtlRuntime rt = Mtl.runtimeBuilder().discover(false)
                .withPlugins(new Small(), new Big(), new Mid()).build();
        java.util.function.UnaryOperator<String> none = k -> null;
        assertThat(rt.defaultBackend(none, none)).isEqualTo("dl4j");
        assertThat(rt.defaultBackend(k -> k.equals("mtl4j.backend") ? "tribuo" : null, none)).isEqualTo("tribuo");
        assertThat(rt.defaultBackend(none, k -> k.equals("MTL4J_BACKEND") ? "zeta" : null)).isEqualTo("zeta");
        // the property wins over the environment, as in DJL
        assertThat(rt.defaultBackend(k -> "alpha", k -> "zeta")).isEqualTo("alpha");
        assertThatThrownBy(() -> rt.defaultBackend(k -> "torch", none))
                .isInstanceOf(UnknownPluginException.class)
                .hasMessage("MTL/UnknownPlugin: -Dmtl4j.backend = \"torch\" (known: alpha, dl4j, tribuo, zeta)");
        assertThatThrownBy(() -> rt.defaultBackend(none, k -> "torch"))
                .hasMessage("MTL/UnknownPlugin: MTL4J_BACKEND = \"torch\" (known: alpha, dl4j, tribuo, zeta)");
        // a tie goes to the alphabetically first name
        MtlRuntime tie = Mtl.runtimeBuilder().discover(false).withPlugins(new Mid()).build();
        assertThat(tie.defaultBackend(none, none)).isEqualTo("alpha");
        assertThat(Mtl.runtimeBuilder().discover(false).build().defaultBackend(none, none)).isEqualTo("dl4j");
    }

    @Test
    void aModelThatNamesNoBackendGetsTheRuntimesDefault() {
        MtlRuntime rt = Mtl.runtimeBuilder().withPlugins(new Small(), new Fm()).build();
        ModelBuilder m = Mtl.model("m").inputs(Inputs.categorical("user")).tasks(Tasks.binary("ctr"))
                .sharing(Sharing.sharedBottom(8));
        assertThat(m.build(rt).backend()).isEqualTo(System.getProperty("mtl4j.backend") == null
                && System.getenv("MTL4J_BACKEND") == null ? "fm" : rt.defaultBackend());
        assertThat(m.backend("tribuo").build(rt).backend()).isEqualTo("tribuo");
    }
}
