package org.mtl4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The module graph drawn from the poms: backends, plugins (the built-in ones and the third-party
 * fixture) and the test kit depend on {@code api}/{@code spi}, never on {@code dsl}, in any scope;
 * {@code spi} depends on {@code api} only.
 */
class ModuleGraphTest {
    private static final Pattern DEP = Pattern.compile(
            "<dependency><groupId>org\\.mtl4j</groupId><artifactId>mtl4j-([a-z0-9-]+)</artifactId>(?:<scope>([a-z]+)</scope>)?");

    private static List<String> mtl4jDependencies(String module) throws IOException {
        String pom = Files.readString(Path.of("..").resolve(module).resolve("pom.xml"));
        pom = pom.replaceAll("(?s)<parent>.*?</parent>", "");
        List<String> out = new ArrayList<>();
        Matcher m = DEP.matcher(pom);
        while (m.find()) {
            out.add(m.group(1) + (m.group(2) == null ? "" : ":" + m.group(2)));
        }
        return out;
    }

    @Test
    void backendsAndPluginsDependOnApiAndSpiNeverOnTheDsl() throws IOException {
        Map<String, List<String>> graph = new LinkedHashMap<>();
        for (String module : List.of("spi", "tasks", "balancers", "backends/dl4j", "backends/tribuo", "testkit",
                "integration-tests/plugin-fixture")) {
            graph.put(module, mtl4jDependencies(module));
        }
        assertThat(graph.get("spi")).containsExactly("api");
        assertThat(graph.get("tasks")).containsExactly("api", "spi");
        assertThat(graph.get("balancers")).containsExactly("api", "spi");
        // a backend may use tasks (the loss kernels) and balancers (tests counting the passes of a balanced step)
        assertThat(graph.get("backends/dl4j")).containsExactly("api", "spi", "tasks", "data:test", "training:test", "balancers:test");
        assertThat(graph.get("backends/tribuo")).containsExactly("api", "spi", "tasks", "data", "training:test",
                "testkit:test");
        assertThat(graph.get("testkit")).containsExactly("api");
        assertThat(graph.get("integration-tests/plugin-fixture")).containsExactly("api", "spi", "testkit:test");
        graph.forEach((module, deps) -> assertThat(deps).as(module).noneMatch(d -> d.startsWith("dsl")));
    }

    @Test
    void everyServiceFileIsNamedAfterTheSpiInterface() throws IOException {
        for (String module : List.of("tasks", "balancers", "backends/dl4j", "backends/tribuo",
                "integration-tests/plugin-fixture")) {
            Path services = Path.of("..").resolve(module).resolve("src/main/resources/META-INF/services");
            try (var files = Files.list(services)) {
                assertThat(files.map(p -> p.getFileName().toString())).as(module).containsExactly("org.mtl4j.spi.MtlPlugin");
            }
        }
    }
}
