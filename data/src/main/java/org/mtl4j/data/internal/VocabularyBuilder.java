package org.mtl4j.data.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.VocabularySpec;

/**
 * Counts tokens per embedding table during the first pass and keeps, per table, the
 * {@code maxSize} most frequent tokens seen at least {@code minCount} times (ties broken by the
 * token's UTF-8 bytes, so the result does not depend on row order). Counts are primitive, over a
 * compact token store ({@link TokenCounts}), not a {@code HashMap<String, long[]>} per id. Inputs naming the same table share
 * one vocabulary built from all their columns; hashing tables need no counts.
 */
public final class VocabularyBuilder implements IdMapper {
    private final List<RowBinder.IdInput> inputs;
    private final int[] group;
    private final List<String> tables = new ArrayList<>();
    private final List<VocabularySpec> specs = new ArrayList<>();
    private final List<TokenCounts> counts = new ArrayList<>();

    public VocabularyBuilder(List<RowBinder.IdInput> inputs) {
        this.inputs = List.copyOf(inputs);
        this.group = new int[inputs.size()];
        Map<String, Integer> byTable = new HashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            RowBinder.IdInput in = inputs.get(i);
            Integer g = byTable.get(in.table());
            if (g == null) {
                g = tables.size();
                byTable.put(in.table(), g);
                tables.add(in.table());
                specs.add(in.vocabulary());
                counts.add(new TokenCounts());
            }
            group[i] = g;
        }
    }

    @Override
    public int map(int idInput, String token) {
        int g = group[idInput];
        if (!token.isEmpty() && !specs.get(g).hashing()) {
            counts.get(g).count(token);
        }
        return 0;
    }

    /** The vocabularies keyed by input name (inputs sharing a table get the same instance). */
    public Map<String, Vocabulary> build() {
        List<Vocabulary> perGroup = new ArrayList<>();
        for (int g = 0; g < tables.size(); g++) {
            VocabularySpec spec = specs.get(g);
            if (spec.hashing()) {
                perGroup.add(Vocabulary.hashed(tables.get(g), spec.hashBuckets()));
                continue;
            }
            List<String> tokens = counts.get(g).top(spec.maxSize(), spec.minCount());
            perGroup.add(Vocabulary.of(tables.get(g), tokens));
        }
        Map<String, Vocabulary> out = new LinkedHashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            out.put(inputs.get(i).input(), perGroup.get(group[i]));
        }
        return out;
    }
}
