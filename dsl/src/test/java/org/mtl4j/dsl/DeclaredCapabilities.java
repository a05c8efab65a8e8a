package org.mtl4j.dsl;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.mtl4j.api.backend.Backend;
import org.mtl4j.api.backend.Capability;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.spi.MtlPlugin;
import org.mtl4j.spi.PluginBindings;

/**
 * A backend entry that only declares a name and capabilities, for the validator's tests (the real
 * backends depend on this module, so they cannot be on its test classpath). It trains nothing:
 * compile and load refuse. Training is tested against the real backends in integration-tests.
 */
final class DeclaredCapabilities implements Backend {
    private final String name;
    private final Set<Capability> capabilities;

    DeclaredCapabilities(String name, Set<Capability> capabilities) {
        this.name = name;
        this.capabilities = Set.copyOf(capabilities);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String version() {
        return "0";
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public TrainableModel compile(ModelSpec spec, Map<String, Vocabulary> vocabularies,
            Map<String, Dataset.DenseStats> denseStats) {
        throw new UnsupportedOperationException("backend '" + name + "' only declares capabilities (a validation fixture)");
    }

    @Override
    public TrainableModel load(Path file) {
        throw new UnsupportedOperationException("backend '" + name + "' only declares capabilities (a validation fixture)");
    }

    /** A plugin binding the given declared backends. */
    static MtlPlugin plugin(DeclaredCapabilities... backends) {
        return new MtlPlugin() {
            @Override
            public String name() {
                return "declared-backends";
            }

            @Override
            public Module module() {
                return new AbstractModule() {
                    @Override
                    protected void configure() {
                        for (DeclaredCapabilities b : backends) {
                            PluginBindings.backends(binder()).addBinding(b.name()).toInstance(b);
                        }
                    }
                };
            }
        };
    }

    /** A runtime with the core plugin, a "dl4j" that can do everything and a "tribuo" without images, sequences, text, MMoE/PLE/cross-stitch/grouped or per-task gradients. */
    static MtlRuntime runtime() {
        java.util.EnumSet<Capability> limited = java.util.EnumSet.allOf(Capability.class);
        limited.removeAll(java.util.EnumSet.of(Capability.INPUT_IMAGE, Capability.INPUT_SEQUENCE, Capability.INPUT_TEXT,
                Capability.INPUT_VECTOR, Capability.INPUT_NETWORK,
                Capability.TOPOLOGY_MMOE, Capability.TOPOLOGY_PLE, Capability.TOPOLOGY_CROSS_STITCH, Capability.TOPOLOGY_GROUPED,
                Capability.TOPOLOGY_GROUPED_EXPERTS,
                Capability.PER_TASK_GRADIENTS, Capability.ESMM_CHAINING));
        return Mtl.runtimeBuilder().withPlugins(plugin(new DeclaredCapabilities("dl4j", Capability.all()),
                new DeclaredCapabilities("tribuo", limited))).build();
    }
}
