package org.mtl4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Feature;
import org.mtl4j.api.data.TextEmbedders;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.TextInput;
import org.mtl4j.api.spec.VectorInput;

/** Precomputed vectors (cell or side file, CSV or .npy) and pretrained text, through the one row parser. */
class VectorInputTest {
    @TempDir
    Path tmp;

    private static Map<String, String> row(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static ModelSpec spec(InputSpec in) {
        return Specs.spec(List.of(in), List.of(TaskSpec.binary("y", "y")));
    }

    private static float[] values(Dataset ds, String input) {
        try (BatchStream s = ds.batches(100, false, 0)) {
            Batch b = s.next();
            return ((Feature.Dense) b.feature(input)).values();
        }
    }

    private static VectorInput raw(String name, String column, int dim, String file, VectorInput.Missing missing) {
        return new VectorInput(name, column, dim, file, missing, new VectorInput.Adapter(0, false));
    }

    @Test
    void aCellHoldsNumbersSeparatedBySpacesSemicolonsOrCommas() {
        Dataset ds = InMemoryDataset.fromRows(spec(raw("emb", "emb", 3, null, null)),
                List.of(row("emb", "1 2 3", "y", "1"), row("emb", " 0.5;-1;1e-2 ", "y", "0"), row("emb", "4,5,6", "y", "1")));
        assertThat(values(ds, "emb")).containsExactly(1f, 2f, 3f, 0.5f, -1f, 0.01f, 4f, 5f, 6f);
    }

    @Test
    void aVectorOfTheWrongLengthNamesTheLineTheExpectedAndTheFoundLength() {
        ModelSpec spec = spec(raw("emb", "emb", 3, null, null));
        assertThatThrownBy(() -> InMemoryDataset.fromRows(spec, List.of(row("emb", "1 2 3", "y", "1"),
                row("emb", "1 2", "y", "0"))))
                .hasMessage("in-memory rows:2: column 'emb': vector input 'emb' needs 3 values, found \"2 values\"");
        assertThatThrownBy(() -> InMemoryDataset.fromRows(spec, List.of(row("emb", "1 x 3", "y", "0"))))
                .hasMessage("in-memory rows:1: column 'emb': value 2 of vector input 'emb' is not a number, found \"x\"");
        assertThatThrownBy(() -> InMemoryDataset.fromRows(spec, List.of(row("emb", "1 NaN 3", "y", "0"))))
                .hasMessage("in-memory rows:1: column 'emb': value 2 of vector input 'emb' is not finite, found \"NaN\"");
        assertThatThrownBy(() -> InMemoryDataset.fromRows(spec, List.of(row("emb", "", "y", "0"))))
                .hasMessage("in-memory rows:1: column 'emb': vector input 'emb' needs 3 values, found \"\"");
        // with missing: zero an empty cell is the zero vector, a short one is still an error
        Dataset ds = InMemoryDataset.fromRows(spec(raw("emb", "emb", 3, null, VectorInput.Missing.ZERO)),
                List.of(row("emb", "", "y", "1"), row("emb", "1 2 3", "y", "0")));
        assertThat(values(ds, "emb")).containsExactly(0f, 0f, 0f, 1f, 2f, 3f);
        // skip-and-count skips the bad row and counts it
        Dataset skipping = InMemoryDataset.builder(spec, List.of(row("emb", "1 2", "y", "1"), row("emb", "1 2 3", "y", "0")))
                .badRows(BadRowPolicy.SKIP_AND_COUNT).build();
        assertThat(skipping.size()).isEqualTo(1);
    }

    @Test
    void aSideFileIsKeyedByTheIdColumnAndAMissingIdFollowsThePolicy() throws IOException {
        Path file = tmp.resolve("items.csv");
        Files.writeString(file, "item,a,b\nitem-1,1,2\nitem-2,3.5,-4\n");
        List<Map<String, String>> rows = List.of(row("item_id", "item-2", "y", "1"), row("item_id", "item-1", "y", "0"));
        Dataset ds = InMemoryDataset.fromRows(spec(raw("item", "item_id", 2, file.toString(), null)), rows);
        assertThat(values(ds, "item")).containsExactly(3.5f, -4f, 1f, 2f);

        List<Map<String, String>> unknown = List.of(row("item_id", "item-9", "y", "1"));
        assertThatThrownBy(() -> InMemoryDataset.fromRows(spec(raw("item", "item_id", 2, file.toString(), null)), unknown))
                .hasMessage("in-memory rows:1: column 'item_id': vector input 'item' has no vector for this id in " + file
                        + " (set missing: zero to give unknown ids the zero vector), found \"item-9\"");
        Dataset zero = InMemoryDataset.fromRows(spec(raw("item", "item_id", 2, file.toString(), VectorInput.Missing.ZERO)),
                unknown);
        assertThat(values(zero, "item")).containsExactly(0f, 0f);
    }

    @Test
    void aBadSideFileNamesItsLineAndTheLengths() throws IOException {
        Path file = tmp.resolve("bad.csv");
        Files.writeString(file, "item-1,1,2\nitem-2,3\n");
        List<Map<String, String>> rows = List.of(row("item_id", "item-1", "y", "1"));
        assertThatThrownBy(() -> InMemoryDataset.fromRows(spec(raw("item", "item_id", 2, file.toString(), null)), rows))
                .hasMessage(file + ":2: vector of id \"item-2\" for input 'item' has 1 values, expected 2");
        Path nan = tmp.resolve("nan.csv");
        Files.writeString(nan, "item-1,1,1e999\n");
        assertThatThrownBy(() -> InMemoryDataset.fromRows(spec(raw("item", "item_id", 2, nan.toString(), null)), rows))
                .hasMessage(nan + ":1: value 2 of the vector of id \"item-1\" is not finite, found \"1e999\"");
        String missing = tmp.resolve("nope.csv").toString();
        assertThatThrownBy(() -> InMemoryDataset.fromRows(spec(raw("item", "item_id", 2, missing, null)), rows))
                .hasMessageStartingWith(missing + ": vector file of input 'item' not found");
    }

    /** A .npy file as NumPy writes it (version 1.0, little-endian float32, C order). */
    private static void writeNpy(Path file, float[][] m) throws IOException {
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + m.length + ", " + m[0].length + "), }";
        int pad = 16 - (10 + header.length() + 1) % 16;
        header = header + " ".repeat(pad % 16) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 4 * m.length * m[0].length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        for (float[] row : m) {
            for (float x : row) {
                b.putFloat(x);
            }
        }
        Files.write(file, b.array());
    }

    @Test
    void aNpyMatrixTakesItsIdsFromTheIdsFile() throws IOException {
        Path file = tmp.resolve("photos.npy");
        writeNpy(file, new float[][] {{1, 2, 3}, {4, 5, 6}});
        Files.writeString(tmp.resolve("photos.npy.ids"), "p1\np2\n");
        Dataset ds = InMemoryDataset.fromRows(spec(raw("photo", "pid", 3, file.toString(), null)),
                List.of(row("pid", "p2", "y", "1"), row("pid", "p1", "y", "0")));
        assertThat(values(ds, "photo")).containsExactly(4f, 5f, 6f, 1f, 2f, 3f);

        Files.writeString(tmp.resolve("photos.npy.ids"), "p1\n");
        Path other = tmp.resolve("photos2.npy");
        Files.copy(file, other);
        Files.writeString(tmp.resolve("photos2.npy.ids"), "p1\n");
        assertThatThrownBy(() -> InMemoryDataset.fromRows(spec(raw("photo", "pid", 3, other.toString(), null)),
                List.of(row("pid", "p1", "y", "1"))))
                .hasMessage(other + ": holds 2 vectors but " + other + ".ids lists 1 ids");
        assertThatThrownBy(() -> InMemoryDataset.fromRows(spec(raw("photo", "pid", 4, file.toString(), null)),
                List.of(row("pid", "p1", "y", "1"))))
                .hasMessage(file + ": vectors have 3 values, expected 4 for input 'photo'");
    }

    @Test
    void pretrainedTextIsEmbeddedOncePerDistinctTextAndWhitenedWithTrainingStatistics() {
        System.setProperty("mtl4j.textCache", "none");
        TextInput t = new TextInput("title", "title", null, 8, 8, null, null, CharNgramEmbedder.NAME, null);
        assertThat(t.encoding()).isEqualTo(TextInput.Encoding.PRETRAINED);
        List<Map<String, String>> rows = List.of(row("title", "Toy Story", "y", "1"), row("title", "Toy Story 2", "y", "0"),
                row("title", "", "y", "1"), row("title", "Toy Story", "y", "0"));
        Dataset ds = InMemoryDataset.fromRows(spec(t), rows);
        float[] v = values(ds, "title");
        int d = new CharNgramEmbedder().dimension();
        assertThat(v).hasSize(4 * d);
        float[] expected = new CharNgramEmbedder().embed(List.of("Toy Story")).get(0);
        assertThat(java.util.Arrays.copyOfRange(v, 0, d)).containsExactly(expected);
        assertThat(java.util.Arrays.copyOfRange(v, 3 * d, 4 * d)).containsExactly(expected);
        assertThat(ds.denseStats()).containsKey("title");
        assertThat(ds.denseStats().get("title").mean()).hasSize(d);
        assertThat(TextEmbedders.names()).contains(CharNgramEmbedder.NAME);
        assertThatThrownBy(() -> InMemoryDataset.fromRows(spec(new TextInput("title", "title", null, 8, 8, null, null,
                "no-such-model", null)), rows))
                .hasMessageStartingWith("unknown pretrained text embedder \"no-such-model\" (known: char-ngrams");
    }
}
