package org.mtl4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.data.Feature;
import org.mtl4j.api.spec.CategoricalInput;
import org.mtl4j.api.spec.DenseInput;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.SequenceInput;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.VocabularySpec;

/** The bad-input catalogue of issue 3: each case pins the exact message (file, line, column, value). */
class BadInputTest {
    @TempDir
    Path dir;

    /** dense x, binary y, multiclass k (3 classes). */
    static final ModelSpec SPEC = Specs.spec(List.of(new DenseInput("x", List.of("x"), true)),
            List.of(TaskSpec.binary("y", "y"), TaskSpec.multiclass("k", "k", 3)));

    private Path file(String text) throws Exception {
        return bytes(text.getBytes(StandardCharsets.UTF_8));
    }

    private Path bytes(byte[] b) throws Exception {
        Path p = dir.resolve("data.csv");
        Files.write(p, b);
        return p;
    }

    private DataException fail(Path p) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> CsvDataset.builder(p, SPEC).build());
        assertThat(t).isInstanceOf(DataException.class);
        return (DataException) t;
    }

    @Test
    void aLabelColumnEmptyOnEveryRowIsCountedAndRefusedByRequireLabels() throws Exception {
        Path p = file("x,y,k\n1,1,\n2,0,\n3,1,\n");
        CsvDataset d = CsvDataset.builder(p, SPEC).build();
        assertThat(d.labelledRows()).containsExactly(java.util.Map.entry("y", 3L), java.util.Map.entry("k", 0L));
        assertThatThrownBy(d::requireLabels).isInstanceOf(DataException.class)
                .hasMessage(p + ": column 'k': task 'k' has no labelled row in 3 rows (the label is empty on every row, so the"
                        + " task would train nothing): fill the column, or remove the task from the spec")
                .extracting(e -> ((DataException) e).reason()).isEqualTo(DataException.Reason.NO_LABELS);
        CsvDataset some = CsvDataset.builder(file("x,y,k\n1,1,\n2,0,2\n"), SPEC).build();
        some.requireLabels();
        assertThat(some.labelledRows()).containsEntry("k", 1L);
    }

    @Test
    void wrongColumnCount() throws Exception {
        Path p = file("x,y,k\n1,1,0\n2,0\n");
        DataException e = fail(p);
        assertThat(e).hasMessage(p + ":3: column 'k': row has 2 cells but the header has 3, found \"2,0\"");
        assertThat(e.file()).isEqualTo(p.toString());
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.column()).isEqualTo("k");
        assertThat(e.value()).isEqualTo("2,0");
        assertThat(e.reason()).isEqualTo(DataException.Reason.WRONG_COLUMN_COUNT);
        Path more = file("x,y,k\n1,1,0,9\n");
        assertThat(fail(more)).hasMessage(more + ":2: column 'cell 4': row has 4 cells but the header has 3, found \"1,1,0,9\"");
    }

    @Test
    void unparsableNumber() throws Exception {
        Path p = file("x,y,k\n1,1,0\n1.5e,0,1\n");
        assertThat(fail(p)).hasMessage(p + ":3: column 'x': dense input 'x' needs a number, found \"1.5e\"");
        Path label = file("x,y,k\n1,yes,0\n");
        assertThat(fail(label)).hasMessage(label + ":2: column 'y': label of task 'y' is not a number, found \"yes\"");
    }

    @Test
    void nanOrInfInAFeature() throws Exception {
        Path p = file("x,y,k\nNaN,1,0\n");
        DataException e = fail(p);
        assertThat(e).hasMessage(p + ":2: column 'x': dense input 'x' needs a finite number, found \"NaN\"");
        assertThat(e.reason()).isEqualTo(DataException.Reason.NON_FINITE);
        Path inf = file("x,y,k\n1,1,0\n-Infinity,1,0\n");
        assertThat(fail(inf)).hasMessage(inf + ":3: column 'x': dense input 'x' needs a finite number, found \"-Infinity\"");
    }

    @Test
    void binaryLabelNotZeroOrOne() throws Exception {
        Path p = file("x,y,k\n1,1,0\n2,0.5,0\n");
        DataException e = fail(p);
        assertThat(e).hasMessage(p + ":3: column 'y': label of binary task 'y' must be 0 or 1, found \"0.5\"");
        assertThat(e.reason()).isEqualTo(DataException.Reason.BAD_BINARY_LABEL);
    }

    @Test
    void classIndexOutOfRange() throws Exception {
        Path p = file("x,y,k\n1,1,3\n");
        DataException e = fail(p);
        assertThat(e).hasMessage(p + ":2: column 'k': label of multiclass task 'k' must be a class index in 0..2, found \"3\"");
        assertThat(e.reason()).isEqualTo(DataException.Reason.CLASS_OUT_OF_RANGE);
        Path frac = file("x,y,k\n1,1,1.5\n");
        assertThat(fail(frac)).hasMessage(frac + ":2: column 'k': label of multiclass task 'k' must be a class index in 0..2, found \"1.5\"");
    }

    @Test
    void emptyFile() throws Exception {
        Path p = file("");
        DataException e = fail(p);
        assertThat(e).hasMessage(p + ": file is empty (no header line)");
        assertThat(e.line()).isZero();
        assertThat(e.reason()).isEqualTo(DataException.Reason.EMPTY_FILE);
        Path blank = file("\n\r\n");
        assertThat(fail(blank)).hasMessage(blank + ": file is empty (no header line)");
        Path headerOnly = file("x,y,k\n");
        assertThat(fail(headerOnly)).hasMessage(headerOnly + ": file has a header but no data rows");
    }

    @Test
    void missingColumnNamedByTheSpec() throws Exception {
        Path p = file("x,label,k\n1,1,0\n");
        DataException e = fail(p);
        assertThat(e).hasMessage(p + ":1: column 'y' named by task 'y' (label \"y\") is not in the header (header: x, label, k)");
        assertThat(e.column()).isEqualTo("y");
        assertThat(e.reason()).isEqualTo(DataException.Reason.MISSING_COLUMN);
        Path q = file("z,y,k\n1,1,0\n");
        assertThat(fail(q)).hasMessage(q + ":1: column 'x' named by input 'x' is not in the header (header: z, y, k)");
    }

    @Test
    void duplicateHeader() throws Exception {
        Path p = file("x,y,k,y\n1,1,0,1\n");
        DataException e = fail(p);
        assertThat(e).hasMessage(p + ":1: column 'y' appears twice in the header (cells 2 and 4)");
        assertThat(e.reason()).isEqualTo(DataException.Reason.DUPLICATE_HEADER);
    }

    @Test
    void nonUtf8Byte() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("x,y,k\n1,1,0\n".getBytes(StandardCharsets.UTF_8));
        b.writeBytes(new byte[] {'2', ',', '1', ',', (byte) 0xE9, '\n'});
        Path p = bytes(b.toByteArray());
        DataException e = fail(p);
        assertThat(e).hasMessage(p + ":3: column 'k': invalid UTF-8 byte at byte offset 4 of the line, found \"0xE9\"");
        assertThat(e.reason()).isEqualTo(DataException.Reason.INVALID_UTF8);
        // valid multi-byte UTF-8 is fine, so the decoder is strict, not ASCII-only
        Path ok = file("x,y,k,name\n1,1,0,Amélie\n");
        assertThat(CsvDataset.builder(ok, SPEC).build().size()).isEqualTo(1);
    }

    @Test
    void unterminatedQuote() throws Exception {
        Path p = file("x,y,k\n1,1,\"0\n");
        assertThat(fail(p)).hasMessage(p + ":2: column 'k': unterminated quote (a quoted cell must end on the same line), found \"\"0\"");
    }

    @Test
    void inMemoryRowsNameTheirRow() {
        List<Map<String, String>> rows = List.of(Map.of("x", "1", "y", "1", "k", "0"), Map.of("x", "oops", "y", "1", "k", "0"));
        assertThatThrownBy(() -> InMemoryDataset.fromRows(SPEC, rows)).isInstanceOf(DataException.class)
                .hasMessage("in-memory rows:2: column 'x': dense input 'x' needs a number, found \"oops\"");
    }

    @Test
    void skipAndCountSkipsEveryRowLevelProblemAndCountsItByReason() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(String.join("\n", "x,y,k", "1,1,0", "2,0", "abc,1,0", "NaN,1,0", "3,2,0", "4,1,7", "5,0,2",
                "6,1,\"1").getBytes(StandardCharsets.UTF_8));
        b.writeBytes(new byte[] {'\n', '7', (byte) 0xFF, ',', '1', ',', '0', '\n', '8', ',', '0', ',', '1', '\n'});
        Path p = bytes(b.toByteArray());
        CsvDataset ds = CsvDataset.builder(p, SPEC).badRows(BadRowPolicy.SKIP_AND_COUNT).build();
        assertThat(ds.size()).isEqualTo(3);
        Map<String, Long> expected = Map.of("wrong-column-count", 1L, "unparsable-number", 1L, "non-finite", 1L,
                "bad-binary-label", 1L, "class-out-of-range", 1L, "bad-cell", 1L, "invalid-utf8", 1L);
        assertThat(ds.skippedRows()).isEqualTo(expected);
        List<Float> xs = new ArrayList<>();
        try (BatchStream s = ds.batches(2, false, 0)) {
            while (s.hasNext()) {
                Batch batch = s.next();
                for (float x : ((Feature.Dense) batch.feature("x")).values()) {
                    xs.add(x);
                }
            }
        }
        assertThat(xs).containsExactly(1f, 5f, 8f);
        assertThat(ds.skippedRows()).isEqualTo(expected);
        // problems with the file as a whole are never skipped
        Path dup = file("x,y,k,x\n1,1,0,1\n");
        assertThatThrownBy(() -> CsvDataset.builder(dup, SPEC).badRows(BadRowPolicy.SKIP_AND_COUNT).build())
                .hasMessage(dup + ":1: column 'x' appears twice in the header (cells 1 and 4)");
        Path allBad = file("x,y,k\nzz,1,0\n");
        assertThatThrownBy(() -> CsvDataset.builder(allBad, SPEC).badRows(BadRowPolicy.SKIP_AND_COUNT).build())
                .hasMessage(allBad + ": file has a header but no data rows (all 1 rows were skipped as bad: "
                        + "{unparsable-number=1})");
    }

    @Test
    void specProblemsNameTheTaskOrInputs() throws Exception {
        Path p = file("rating,y,k\n4,1,0\n");
        ModelSpec badExpr = Specs.spec(List.of(), List.of(TaskSpec.binary("liked", "rating >> 4")));
        assertThatThrownBy(() -> CsvDataset.builder(p, badExpr).build()).isInstanceOf(MtlException.class)
                .hasMessage("task 'liked' label expression \"rating >> 4\" is not <column> <op> <number> "
                        + "(op one of >=, >, <=, <, ==, !=; e.g. \"rating >= 4\")");
        ModelSpec notNumber = Specs.spec(List.of(), List.of(TaskSpec.binary("liked", "rating >= four")));
        assertThatThrownBy(() -> CsvDataset.builder(p, notNumber).build())
                .hasMessage("task 'liked' label expression \"rating >= four\" compares with \"four\", which is not a "
                        + "number (op one of >=, >, <=, <, ==, !=; e.g. \"rating >= 4\")");
        ModelSpec regression = Specs.spec(List.of(), List.of(TaskSpec.regression("r", "rating > 3")));
        assertThatThrownBy(() -> CsvDataset.builder(p, regression).build())
                .hasMessage("task 'r' has the label expression \"rating > 3\", which yields 0/1, but is regression; "
                        + "expressions need a binary task");
        ModelSpec exprColumn = Specs.spec(List.of(), List.of(TaskSpec.binary("liked", "stars >= 4")));
        assertThatThrownBy(() -> CsvDataset.builder(p, exprColumn).build())
                .hasMessage(p + ":1: column 'stars' named by task 'liked' (label \"stars >= 4\") is not in the header "
                        + "(header: rating, y, k)");
        ModelSpec cat = Specs.spec(List.of(new CategoricalInput("item", "y", 2, null, null)), List.of());
        assertThatThrownBy(() -> CsvDataset.builder(p, cat).vocabularies(Map.of()).build())
                .hasMessage("the vocabularies given for " + p + " lack input 'item' (given: [])");
        ModelSpec clash = Specs.spec(List.of(new CategoricalInput("item", "y", 2, VocabularySpec.built(10, 1), "items"),
                new SequenceInput("hist", "k", "|", 3, VocabularySpec.hashed(5), "items", null)), List.of());
        assertThatThrownBy(() -> CsvDataset.builder(p, clash).build())
                .hasMessage("inputs 'item' and 'hist' share embedding table 'items' but declare different vocabularies "
                        + "(VocabularySpec[maxSize=10, minCount=1, hashBuckets=0] vs "
                        + "VocabularySpec[maxSize=100000, minCount=1, hashBuckets=5])");
    }
}
