package org.mtl4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.Feature;
import org.mtl4j.api.spec.DenseInput;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.TaskSpec;

class KeyedBatchesTest {
    @TempDir
    Path dir;

    private static final ModelSpec SPEC = Specs.spec(List.of(new DenseInput("x", List.of("x"), false)),
            List.of(TaskSpec.binary("click", "click")));

    @Test
    void keysLineUpWithBatchRowsAcrossBatchesAndSkippedRows() throws Exception {
        StringBuilder csv = new StringBuilder("user_id,item_id,x,click\n");
        for (int i = 0; i < 11; i++) {
            // row 4 has a non-numeric feature, row 7 a label outside {0, 1}: both skipped
            String x = i == 4 ? "oops" : Integer.toString(i);
            String click = i == 7 ? "3" : Integer.toString(i % 2);
            csv.append(i == 2 ? "\"u,2\"" : "u" + i).append(",i").append(i).append(',').append(x).append(',').append(click)
                    .append('\n');
        }
        Path f = dir.resolve("rows.csv");
        Files.writeString(f, csv);
        CsvDataset ds = CsvDataset.builder(f, SPEC).badRows(BadRowPolicy.SKIP_AND_COUNT).build();
        List<String> seen = new ArrayList<>();
        try (KeyedBatchStream s = ds.batchesKeeping(4, List.of("item_id", "user_id"))) {
            assertThat(s.keyColumns()).containsExactly("item_id", "user_id");
            while (s.hasNext()) {
                Batch b = s.next();
                float[] x = ((Feature.Dense) b.feature("x")).values();
                for (int r = 0; r < b.size(); r++) {
                    List<String> k = s.keys(r);
                    // the feature x of a row is its index i, its keys are "i<i>" and "u<i>"
                    assertThat(k.get(0)).isEqualTo("i" + (int) x[r]);
                    seen.add(k.get(1));
                }
                assertThatThrownBy(() -> s.keys(b.size())).isInstanceOf(IndexOutOfBoundsException.class);
            }
        }
        assertThat(seen).containsExactly("u0", "u1", "u,2", "u3", "u5", "u6", "u8", "u9", "u10");
        assertThat(ds.skippedRows()).isEqualTo(Map.of("unparsable-number", 1L, "bad-binary-label", 1L));
    }

    @Test
    void unknownKeyColumnsNameTheFileAndHeader() throws Exception {
        Path f = dir.resolve("rows.csv");
        Files.writeString(f, "user_id,x,click\nu1,1,0\n");
        CsvDataset ds = CsvDataset.builder(f, SPEC).build();
        assertThatThrownBy(() -> ds.batchesKeeping(8, List.of("user_id", "item_id"))).isInstanceOf(DataException.class)
                .hasMessage(f + ":1: column 'item_id' named by the columns to keep is not in the header (header: user_id, x, "
                        + "click)");
        try (var plain = ds.batches(8, false, 0)) {
            assertThat(plain.hasNext()).isTrue();
        }
    }
}
