package org.mtl4j.backend.dl4j;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.spi.io.ModelArchive;

/** A model file whose checksums were recomputed after a length was changed: refused before allocating. */
class CraftedModelFileTest {
    @TempDir
    Path dir;

    @Test
    void aCraftedArrayLengthFailsNamingTheFileAndEntry() throws IOException {
        ModelSpec spec = Fixtures.spec(new Topology.SharedBottom(List.of(8)), Fixtures.mixedTasks(), OptimizerSpec.adam(1e-2));
        TrainableModel model = Fixtures.compile(spec);
        Path file = dir.resolve("model.mtl");
        model.save(file);
        ModelArchive a = ModelArchive.read(file);
        ByteArrayOutputStream crafted = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(crafted)) {
            d.writeInt(1);
            d.writeUTF("dense");
            d.writeInt(Integer.MAX_VALUE); // 16 GiB of means
        }
        Map<String, byte[]> entries = new LinkedHashMap<>(a.entries());
        entries.put("dense-stats.bin", crafted.toByteArray());
        Path bad = dir.resolve("crafted.mtl");
        ModelArchive.write(bad, a.spec(), a.vocabularies(), a.provenance(), entries);
        assertThatThrownBy(() -> new Dl4jBackend().load(bad))
                .isInstanceOf(IOException.class)
                .hasMessage(bad + ": corrupt dl4j entry 'dense-stats.bin': an array of 2147483647 numbers in 0 remaining bytes");
    }
}
