package org.mtl4j.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mtl4j.api.data.Vocabulary;

/** Operations on a model's vocabularies (keyed by input name). */
public final class Vocabularies {
    private Vocabularies() {
    }

    /**
     * The vocabularies of a saved model grown by the ids of new data (continual training): every old
     * id keeps its index, ids never seen are appended after them in the order {@code fresh} lists
     * them. Hashed vocabularies stay as they are (every id already has a bucket); an input only in
     * {@code fresh} is taken as it is.
     */
    public static Map<String, Vocabulary> grow(Map<String, Vocabulary> old, Map<String, Vocabulary> fresh) {
        Map<String, Vocabulary> out = new LinkedHashMap<>();
        for (Map.Entry<String, Vocabulary> e : old.entrySet()) {
            Vocabulary o = e.getValue();
            Vocabulary f = fresh.get(e.getKey());
            if (o.hashBuckets() > 0 || f == null || f.hashBuckets() > 0) {
                out.put(e.getKey(), o);
                continue;
            }
            Set<String> tokens = new LinkedHashSet<>(o.tokens());
            List<String> added = new ArrayList<>();
            for (String t : f.tokens()) {
                if (tokens.add(t)) {
                    added.add(t);
                }
            }
            out.put(e.getKey(), added.isEmpty() ? o : Vocabulary.of(o.input(), new ArrayList<>(tokens)));
        }
        fresh.forEach(out::putIfAbsent);
        return out;
    }
}
