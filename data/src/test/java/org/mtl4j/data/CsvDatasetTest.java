package org.mtl4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Feature;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.CategoricalInput;
import org.mtl4j.api.spec.DenseInput;
import org.mtl4j.api.spec.ImageInput;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.MultiHotInput;
import org.mtl4j.api.spec.Pooling;
import org.mtl4j.api.spec.SequenceInput;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.TextInput;
import org.mtl4j.api.spec.VocabularySpec;

class CsvDatasetTest {
    @TempDir
    Path dir;

    static final String CSV = String.join("\n",
            "user,item,history,genres,price,title,rating,click,kind,img",
            "u1,i1,,Drama|Comedy,1.0,The Big Sleep!,5,1,2,0 255 51 102",
            "u2,i2,i1,Drama,2.0,big fish,3,0,0,255 255 255 255",
            "u1,i3,i1|i2,,3.0,,4.5,,1,0 0 0 0",
            "u3,i1,i3|i2|i1|i4,Comedy|Horror|Drama,6.0,Sleep,1,1,,0 0 0 0",
            "");

    static ModelSpec fullSpec() {
        return Specs.spec(List.of(
                new CategoricalInput("user", "user", 4, null, null),
                new CategoricalInput("item", "item", 4, null, "items"),
                new SequenceInput("history", "history", "|", 3, null, "items", null),
                new MultiHotInput("genres", "genres", "|", 4, Pooling.MEAN, null, null),
                new DenseInput("price", List.of("price"), true),
                new TextInput("title", "title", TextInput.Encoding.BAG_OF_WORDS, 2, 4, null, null),
                new ImageInput("img", "img", 1, 2, 2, List.of(2), 1)),
                List.of(TaskSpec.binary("click", "click"), TaskSpec.binary("liked", "rating >= 4"),
                        TaskSpec.regression("rating", "rating"), TaskSpec.multiclass("kind", "kind", 3)));
    }

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    private static List<Batch> all(Dataset ds, int batch, boolean shuffle, long seed) {
        List<Batch> out = new ArrayList<>();
        try (BatchStream s = ds.batches(batch, shuffle, seed)) {
            s.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void bindsEveryCellKindByColumnName() throws Exception {
        CsvDataset ds = CsvDataset.builder(write("a.csv", CSV), fullSpec()).extras("price").groupBy("user").build();
        assertThat(ds.size()).isEqualTo(4);
        Map<String, Vocabulary> v = ds.vocabularies();
        // most frequent first, ties by text: u1 (2), then u2, u3
        assertThat(v.get("user").tokens()).containsExactly("u1", "u2", "u3");
        // item and history share table "items": one vocabulary from both columns
        // counts: i1 = 2 (item) + 3 (history) = 5, i2 = 1 + 2, i3 = 1 + 1, i4 = 1
        assertThat(v.get("item").tokens()).containsExactly("i1", "i2", "i3", "i4");
        assertThat(v.get("history")).isSameAs(v.get("item"));
        assertThat(v.get("genres").tokens()).containsExactly("Drama", "Comedy", "Horror");
        // big 2; fish, sleep, the 1 each (ties by text)
        assertThat(v.get("title").tokens()).containsExactly("big", "fish", "sleep", "the");

        List<Batch> batches = all(ds, 3, false, 0);
        assertThat(batches).extracting(Batch::size).containsExactly(3, 1);
        Batch b = batches.get(0);
        assertThat(((Feature.Ids) b.feature("user")).ids()).containsExactly(2, 3, 2);
        assertThat(((Feature.Ids) b.feature("item")).ids()).containsExactly(2, 3, 4);
        // last 3, most recent last, left-padded with 0
        assertThat(((Feature.Sequence) b.feature("history")).ids()).containsExactly(0, 0, 0, 0, 0, 2, 0, 2, 3);
        Feature.Bag g = (Feature.Bag) b.feature("genres");
        assertThat(g.offsets()).containsExactly(0, 2, 3, 3);
        assertThat(g.ids()).containsExactly(2, 3, 2);
        Feature.Bag t = (Feature.Bag) b.feature("title");
        // "The Big Sleep!" -> the, big (max 2 tokens, so "sleep" is neither kept nor counted); "big fish"; ""
        assertThat(t.offsets()).containsExactly(0, 2, 4, 4);
        assertThat(t.ids()).containsExactly(5, 2, 2, 3);
        assertThat(((Feature.Dense) b.feature("price")).values()).containsExactly(1f, 2f, 3f);
        assertThat(((Feature.Image) b.feature("img")).pixels())
                .containsExactly(0f, 1f, 0.2f, 0.4f, 1f, 1f, 1f, 1f, 0f, 0f, 0f, 0f);
        assertThat(b.labels("click")).containsExactly(1f, 0f, 0f);
        assertThat(b.mask("click")).containsExactly(1f, 1f, 0f);
        assertThat(b.labels("liked")).containsExactly(1f, 0f, 1f);
        assertThat(b.labels("rating")).containsExactly(5f, 3f, 4.5f);
        assertThat(b.labels("kind")).containsExactly(2f, 0f, 1f);
        assertThat(b.extras().get("price")).containsExactly(1f, 2f, 3f);
        float[] users = b.extras().get("user");
        assertThat(users[0]).isEqualTo(users[2]).isNotEqualTo(users[1]);

        Batch last = batches.get(1);
        assertThat(((Feature.Sequence) last.feature("history")).ids()).containsExactly(3, 2, 5);
        assertThat(last.mask("kind")).containsExactly(0f);
        assertThat(last.mask("click")).containsExactly(1f);
        // dense statistics: mean 3, population std sqrt(((4 + 1 + 0 + 9) / 4)) of 1, 2, 3, 6
        assertThat(ds.denseStats().get("price").mean()[0]).isCloseTo(3.0, within(1e-9));
        assertThat(ds.denseStats().get("price").std()[0]).isCloseTo(Math.sqrt(3.5), within(1e-9));
    }

    @Test
    void groupByGivesAnExactIdPerUser() throws Exception {
        // user-4720 and user-5423 shared one id when group ids were 24-bit hashes; "007" is not 7
        String csv = "uid,click\n17,1\nalice,0\n17,0\n,1\nuser-4720,1\nuser-5423,0\nalice,1\n007,0\n-3,1\n16777216,0\n";
        ModelSpec spec = Specs.spec(List.of(), List.of(TaskSpec.binary("click", "click")));
        CsvDataset ds = CsvDataset.builder(write("g.csv", csv), spec).groupBy("uid").build();
        for (boolean shuffled : new boolean[] {false, true}) {
            // every pass (the validating one, then each epoch, shuffled or not) numbers keys alike
            Map<Float, Float> userOfClick = new LinkedHashMap<>();
            for (Batch b : all(ds, 4, shuffled, 3)) {
                for (int r = 0; r < b.size(); r++) {
                    userOfClick.merge(b.extras().get("user")[r], 1f, Float::sum);
                }
            }
            assertThat(userOfClick).containsEntry(17f, 2f).containsEntry(-1f, 2f).containsEntry(-2f, 1f)
                    .containsEntry(-3f, 1f).containsEntry(-4f, 1f).containsEntry(-5f, 1f).containsEntry(-6f, 1f)
                    .hasSize(8);
            assertThat(userOfClick.keySet()).anyMatch(k -> k.isNaN());
        }
    }

    @Test
    void vocabularyKeepsTheMostFrequentAboveMinCountOrHashes() throws Exception {
        StringBuilder sb = new StringBuilder("c,h,y\n");
        String[] values = {"a", "a", "a", "b", "b", "c", "c", "d", "e"};
        for (String s : values) {
            sb.append(s).append(',').append(s).append(",1\n");
        }
        ModelSpec spec = Specs.spec(List.of(
                new CategoricalInput("c", "c", 2, VocabularySpec.built(2, 2), null),
                new CategoricalInput("h", "h", 2, VocabularySpec.hashed(7), null)), List.of(TaskSpec.binary("y", "y")));
        CsvDataset ds = CsvDataset.builder(write("v.csv", sb.toString()), spec).build();
        // a (3), b (2), c (2): minCount 2 drops d and e, maxSize 2 keeps a and b (b before c by text)
        assertThat(ds.vocabularies().get("c").tokens()).containsExactly("a", "b");
        assertThat(ds.vocabularies().get("h").hashBuckets()).isEqualTo(7);
        Batch b = all(ds, 100, false, 0).get(0);
        assertThat(((Feature.Ids) b.feature("c")).ids()).containsExactly(2, 2, 2, 3, 3, 1, 1, 1, 1);
        int[] h = ((Feature.Ids) b.feature("h")).ids();
        Vocabulary hv = ds.vocabularies().get("h");
        for (int i = 0; i < values.length; i++) {
            assertThat(h[i]).isEqualTo(hv.index(values[i])).isBetween(2, 8);
        }
    }

    @Test
    void givenVocabulariesMapUnseenValuesToOov() throws Exception {
        CsvDataset train = CsvDataset.builder(write("a.csv", CSV), fullSpec()).build();
        String test = "user,item,history,genres,price,title,rating,click,kind,img\n"
                + "u9,i1,i9|i1,Western,1,fish,4,1,0,0 0 0 0\n";
        CsvDataset ds = CsvDataset.builder(write("b.csv", test), fullSpec()).vocabularies(train.vocabularies())
                .denseStats(train.denseStats()).build();
        assertThat(ds.vocabularies()).isEqualTo(train.vocabularies());
        assertThat(ds.denseStats()).isEqualTo(train.denseStats());
        Batch b = all(ds, 10, false, 0).get(0);
        assertThat(((Feature.Ids) b.feature("user")).ids()).containsExactly(1);
        assertThat(((Feature.Sequence) b.feature("history")).ids()).containsExactly(0, 1, 2);
        assertThat(((Feature.Bag) b.feature("genres")).ids()).containsExactly(1);
    }

    @Test
    void shuffledEpochsVisitEveryRowOnceInASeededOrder() throws Exception {
        StringBuilder sb = new StringBuilder("x,y\n");
        for (int i = 0; i < 1000; i++) {
            sb.append(i).append(",").append(i % 2).append('\n');
        }
        ModelSpec spec = Specs.spec(List.of(new DenseInput("x", List.of("x"), false)),
                List.of(TaskSpec.binary("y", "y")));
        Path f = write("s.csv", sb.toString());
        CsvDataset ds = CsvDataset.builder(f, spec).shuffleBuffer(100).build();
        List<Float> a = order(ds, true, 1);
        List<Float> again = order(ds, true, 1);
        List<Float> other = order(ds, true, 2);
        List<Float> plain = order(ds, false, 1);
        assertThat(new HashSet<>(a)).hasSize(1000);
        assertThat(a).isEqualTo(again).isNotEqualTo(other).isNotEqualTo(plain);
        for (int i = 0; i < 1000; i++) {
            assertThat(plain.get(i)).isEqualTo((float) i);
        }
        // a bounded buffer of 100 rows: row i cannot come out before position i - 100
        for (int pos = 0; pos < 1000; pos++) {
            assertThat(a.get(pos)).isLessThan(pos + 100f);
        }
        CsvDataset one = CsvDataset.builder(f, spec).shuffleBuffer(1).build();
        assertThat(order(one, true, 3)).isEqualTo(plain);
    }

    private static List<Float> order(Dataset ds, boolean shuffle, long seed) {
        List<Float> out = new ArrayList<>();
        for (Batch b : all(ds, 64, shuffle, seed)) {
            for (float x : ((Feature.Dense) b.feature("x")).values()) {
                out.add(x);
            }
        }
        return out;
    }

    @Test
    void tsvQuotesCrlfBomAndGzipAreRead() throws Exception {
        ModelSpec spec = Specs.spec(List.of(new TextInput("t", "title", null, 10, 2, null, null)),
                List.of(TaskSpec.binary("y", "y")));
        Path tsv = write("q.tsv", "\uFEFFtitle\ty\r\n\"a\tb \"\"c\"\"\"\t1\r\n\r\nplain\t0\r\n");
        CsvDataset ds = CsvDataset.builder(tsv, spec).build();
        assertThat(ds.size()).isEqualTo(2);
        assertThat(ds.vocabularies().get("t").tokens()).containsExactly("a", "b", "c", "plain");

        Path gz = dir.resolve("q.csv.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write("title,y\n\"x, y\",1\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(CsvDataset.builder(gz, spec).build().vocabularies().get("t").tokens()).containsExactly("x", "y");
    }

    @Test
    void inMemoryRowsParseExactlyAsTheCsvDoes() throws Exception {
        List<String> lines = CSV.lines().toList();
        String[] header = lines.get(0).split(",");
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < header.length; i++) {
                m.put(header[i], cells[i]);
            }
            rows.add(m);
        }
        InMemoryDataset mem = InMemoryDataset.fromRows(fullSpec(), rows, "price");
        CsvDataset csv = CsvDataset.builder(write("a.csv", CSV), fullSpec()).extras("price").build();
        assertThat(mem.vocabularies()).isEqualTo(csv.vocabularies());
        List<Batch> a = all(mem, 2, true, 9);
        List<Batch> b = all(csv, 2, true, 9);
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i)).usingRecursiveComparison().isEqualTo(b.get(i));
        }
        Set<String> names = a.get(0).features().keySet();
        assertThat(names).containsExactlyInAnyOrder("user", "item", "history", "genres", "price", "title", "img");
    }
}
