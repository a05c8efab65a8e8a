package org.mtl4j.backend.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.backend.Backend;
import org.mtl4j.api.backend.Capability;
import org.mtl4j.spi.MtlPlugin;

/** The plugin is discovered by ServiceLoader and binds the backend under "dl4j". */
class PluginTest {

    @Test
    void discoveredAndBound() {
        MtlPlugin plugin = ServiceLoader.load(MtlPlugin.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p instanceof Dl4jPlugin).findFirst().orElseThrow();
        Injector injector = Guice.createInjector(plugin.module());
        Map<String, Backend> backends = injector.getInstance(Key.get(new TypeLiteral<Map<String, Backend>>() { }));
        assertThat(backends).containsOnlyKeys("dl4j");
        Backend b = backends.get("dl4j");
        assertThat(b.name()).isEqualTo("dl4j");
        assertThat(b.capabilities()).containsExactlyInAnyOrder(Capability.values());
    }
}
