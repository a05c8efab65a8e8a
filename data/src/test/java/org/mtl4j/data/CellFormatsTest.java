package org.mtl4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Feature;
import org.mtl4j.api.spec.ImageInput;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.MultiHotInput;
import org.mtl4j.api.spec.SequenceInput;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.TextInput;
import org.mtl4j.api.spec.VocabularySpec;

/** Cell formats and derived labels, through in-memory rows (the same parser as CSV files). */
class CellFormatsTest {

    private static Map<String, String> row(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static Batch first(Dataset ds) {
        try (BatchStream s = ds.batches(100, false, 0)) {
            return s.next();
        }
    }

    @Test
    void everyComparisonOfADerivedLabel() {
        List<Map<String, String>> rows = new ArrayList<>();
        for (String v : new String[] {"3", "4", "5", ""}) {
            rows.add(row("rating", v));
        }
        List<TaskSpec> tasks = List.of(TaskSpec.binary("ge", "rating >= 4"), TaskSpec.binary("gt", "rating>4"),
                TaskSpec.binary("le", "rating <= 4"), TaskSpec.binary("lt", " rating < 4 "),
                TaskSpec.binary("eq", "rating == 4"), TaskSpec.binary("ne", "rating != 4.0"));
        Batch b = first(InMemoryDataset.fromRows(Specs.spec(List.of(), tasks), rows));
        assertThat(b.labels("ge")).containsExactly(0f, 1f, 1f, 0f);
        assertThat(b.labels("gt")).containsExactly(0f, 0f, 1f, 0f);
        assertThat(b.labels("le")).containsExactly(1f, 1f, 0f, 0f);
        assertThat(b.labels("lt")).containsExactly(1f, 0f, 0f, 0f);
        assertThat(b.labels("eq")).containsExactly(0f, 1f, 0f, 0f);
        assertThat(b.labels("ne")).containsExactly(1f, 0f, 1f, 0f);
        // an empty source cell means no label, not "false"
        assertThat(b.mask("ge")).containsExactly(1f, 1f, 1f, 0f);
        List<Map<String, String>> bad = List.of(row("rating", "five"));
        assertThatThrownBy(() -> InMemoryDataset.fromRows(Specs.spec(List.of(), tasks), bad))
                .hasMessage("in-memory rows:1: column 'rating': label of task 'ge' is not a number, found \"five\"");
    }

    @Test
    void sequencesKeepTheLastIdsAndTextTheFirstTokens() {
        ModelSpec spec = Specs.spec(List.of(
                new SequenceInput("hist", "hist", ";;", 3, VocabularySpec.hashed(50), null, null),
                new MultiHotInput("tags", "tags", ";;", 4, null, null, null),
                new TextInput("text", "text", TextInput.Encoding.SEQUENCE, 3, 4, null, null)), List.of());
        List<Map<String, String>> rows = List.of(
                row("hist", "a;;b;;c;;d;;e", "tags", " x ;; ;;y", "text", "Hello, WORLD -- héllo again and again"),
                row("hist", "", "tags", "", "text", "42"));
        Dataset ds = InMemoryDataset.fromRows(spec, rows);
        Batch b = first(ds);
        var hv = ds.vocabularies().get("hist");
        assertThat(((Feature.Sequence) b.feature("hist")).ids())
                .containsExactly(hv.index("c"), hv.index("d"), hv.index("e"), 0, 0, 0);
        Feature.Bag tags = (Feature.Bag) b.feature("tags");
        assertThat(tags.offsets()).containsExactly(0, 2, 2);
        assertThat(ds.vocabularies().get("tags").tokens()).containsExactly("x", "y");
        // lower-cased, split on non-letters (é is a letter), the first 3 tokens, right-aligned
        assertThat(ds.vocabularies().get("text").tokens()).containsExactly("hello", "héllo", "world");
        assertThat(((Feature.Sequence) b.feature("text")).ids()).containsExactly(2, 4, 3, 0, 0, 0);
    }

    @Test
    void imageCellsNeedEveryPixelInRange() {
        ModelSpec spec = Specs.spec(List.of(new ImageInput("img", "px", 1, 1, 3, List.of(2), 1)), List.of());
        Batch b = first(InMemoryDataset.fromRows(spec, List.of(row("px", " 0  127.5 255 "))));
        assertThat(((Feature.Image) b.feature("img")).pixels()).containsExactly(0f, 0.5f, 1f);
        assertThatThrownBy(() -> InMemoryDataset.fromRows(spec, List.of(row("px", "0 1"))))
                .hasMessage("in-memory rows:1: column 'px': image input 'img' needs 3 pixel values (1x1x3), found \"2 values\"");
        assertThatThrownBy(() -> InMemoryDataset.fromRows(spec, List.of(row("px", "0 256 1"))))
                .hasMessage("in-memory rows:1: column 'px': pixel 2 of image input 'img' must be in [0, 255], found \"256\"");
        assertThatThrownBy(() -> InMemoryDataset.fromRows(spec, List.of(row("px", "0 x 1"))))
                .hasMessage("in-memory rows:1: column 'px': pixel 2 of image input 'img' is not a number, found \"x\"");
    }

    @Test
    void inMemoryRowsWithoutAKeyHaveAnEmptyCell() {
        ModelSpec spec = Specs.spec(List.of(), List.of(TaskSpec.binary("a", "a"), TaskSpec.regression("b", "b")));
        Batch b = first(InMemoryDataset.fromRows(spec, List.of(row("a", "1"), row("b", "2.5"))));
        assertThat(b.mask("a")).containsExactly(1f, 0f);
        assertThat(b.mask("b")).containsExactly(0f, 1f);
        assertThat(b.labels("b")).containsExactly(0f, 2.5f);
    }
}
