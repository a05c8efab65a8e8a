package org.mtl4j.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.spi.io.SpecCodec;

/** The complete YAML example of spi/README.md (the spec format's reference) reads, validates and round-trips. */
class ReadmeExampleTest {
    @Test
    void theReadmeYamlExampleIsAValidSpec() throws Exception {
        String readme = Files.readString(Path.of("..", "spi", "README.md"));
        int at = readme.indexOf("### A complete example");
        int start = readme.indexOf("```yaml\n", at) + "```yaml\n".length();
        String yaml = readme.substring(start, readme.indexOf("```", start));
        ModelSpec spec = SpecCodec.fromYaml(yaml, "README.md");
        assertThat(spec.inputs()).hasSize(5);
        assertThat(spec.topology()).isInstanceOf(Topology.Mmoe.class);
        assertThat(spec.tasks().get(1).chainedAfter()).isEqualTo("ctr");
        assertThat(DeclaredCapabilities.runtime().validate(spec)).isEmpty();
        assertThat(SpecCodec.fromYaml(SpecCodec.toYaml(spec), "again.yaml")).isEqualTo(spec);
    }
}
