package org.mtl4j.data;

import java.nio.file.Path;
import java.util.List;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.CategoricalInput;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.VocabularySpec;

/**
 * Run in a child JVM with a bounded heap by {@link VocabularyScaleTest}: builds the vocabulary of a
 * {@code user_id} column in the streaming first pass of {@link CsvDataset} and prints facts about it.
 */
public final class VocabularyMain {
    private VocabularyMain() {
    }

    public static void main(String[] args) {
        Path csv = Path.of(args[0]);
        int maxSize = Integer.parseInt(args[1]);
        ModelSpec spec = new ModelSpec("vocab-scale", List.of(new CategoricalInput("user", "user_id", 8,
                VocabularySpec.built(maxSize, 1), null)), List.of(TaskSpec.binary("ctr", "click")),
                new Topology.SharedBottom(List.of(1)), null, null, null, null, null, null);
        CsvDataset ds = CsvDataset.builder(csv, spec).build();
        Vocabulary v = ds.vocabularies().get("user");
        System.gc();
        Runtime rt = Runtime.getRuntime();
        System.out.println("size=" + v.size() + " hot0=" + v.index("hot-0") + " hot1=" + v.index("hot-1") + " first="
                + v.index("user-0") + " last=" + v.index("user-" + (Integer.parseInt(args[2]) - 1)) + " unseen="
                + v.index("never-seen") + " roundtrip=" + v.token(v.index("user-" + (Integer.parseInt(args[2]) - 1))) + " token2=" + v.token(2) + " rows=" + ds.size() + " maxHeap=" + rt.maxMemory()
                + " used=" + (rt.totalMemory() - rt.freeMemory()));
    }
}
