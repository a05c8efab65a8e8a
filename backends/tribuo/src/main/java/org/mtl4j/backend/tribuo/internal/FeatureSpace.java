package org.mtl4j.backend.tribuo.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Feature;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.CategoricalInput;
import org.mtl4j.api.spec.DenseInput;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.MultiHotInput;
import org.mtl4j.api.spec.Pooling;

/**
 * The factorization machine's feature space (Rendle 2010, section II: x in R^n, sparse): every
 * embedding table contributes one feature per vocabulary row (index 0, padding, is never active;
 * index 1 is the learned out-of-vocabulary row), every dense column one real-valued feature.
 * A categorical id becomes a one-hot feature with value 1; a multi-hot bag one feature per member
 * with value 1/|bag| (mean pooling, the FM's equivalent of averaging embeddings) or 1 (sum); a dense
 * value x becomes (x - mean) / std when the input asks to be standardised.
 *
 * <p>Inputs sharing an embedding table share its feature rows. Feature names follow Tribuo's
 * field-processor convention: {@code column@token} for ids, the column name for dense values.
 */
public final class FeatureSpace {
    /**
     * The most features (id rows of all tables + dense columns) the Tribuo backend accepts, unless the
     * system property {@code mtl4j.tribuo.maxFeatures} says otherwise. Every feature costs a Tribuo name
     * string and per-row parameter, gradient and optimiser arrays of doubles: measured on the funnel
     * recipe (factors of 16, Adam), a model of 198k features peaked at 1047 MiB RSS against 444 MiB for 6k
     * features, so a million features needs several GB. Larger catalogues belong to the dl4j backend
     * (float tables with sparse row gradients) or to hashed vocabularies.
     */
    public static final int MAX_FEATURES = 1_000_000;
    /** One input's place in the feature space. */
    private record Slot(InputSpec input, int offset, int width, Vocabulary vocabulary, double[] mean, double[] std) {
    }

    private final List<Slot> slots = new ArrayList<>();
    private final int size;
    private final Map<String, Slot> byColumn = new HashMap<>();
    private final Map<String, Integer> denseColumn = new HashMap<>();
    private final int[] stamp;
    private int stampValue;

    public FeatureSpace(ModelSpec spec, Map<String, Vocabulary> vocabularies, Map<String, Dataset.DenseStats> denseStats) {
        Map<String, Integer> tableOffset = new LinkedHashMap<>();
        Map<String, Integer> tableSize = new LinkedHashMap<>();
        for (InputSpec in : spec.inputs()) {
            if (in instanceof CategoricalInput || in instanceof MultiHotInput) {
                Vocabulary v = vocabularies.get(in.name());
                if (v == null) {
                    throw new MtlException("tribuo backend: input '" + in.name() + "' (" + in.kind()
                            + ") has no vocabulary (vocabularies given: " + new java.util.TreeSet<>(vocabularies.keySet()) + ")");
                }
                tableSize.merge(in.embeddingTable(), v.size(), Math::max);
            }
        }
        int n = 0;
        for (Map.Entry<String, Integer> e : tableSize.entrySet()) {
            tableOffset.put(e.getKey(), n);
            n += e.getValue();
        }
        int limit = Integer.getInteger("mtl4j.tribuo.maxFeatures", MAX_FEATURES);
        if (n > limit) {
            StringBuilder tables = new StringBuilder();
            tableSize.forEach((t, rows) -> tables.append(tables.length() == 0 ? "" : ", ").append(t).append(' ').append(rows));
            throw new MtlException("tribuo backend: model '" + spec.name() + "' has " + n + " id features (tables: " + tables
                    + "), more than the backend's limit of " + limit + " (its parameters, gradient and optimiser state grow with every id;"
                    + " use backend 'dl4j', hashed vocabularies or a smaller vocabulary maxSize, or raise"
                    + " -Dmtl4j.tribuo.maxFeatures)");
        }
        for (InputSpec in : spec.inputs()) {
            if (in instanceof CategoricalInput || in instanceof MultiHotInput) {
                String table = in.embeddingTable();
                Slot s = new Slot(in, tableOffset.get(table), tableSize.get(table), vocabularies.get(in.name()), null, null);
                slots.add(s);
                byColumn.put(in.sourceColumns().get(0), s);
            } else if (in instanceof DenseInput d) {
                Dataset.DenseStats st = denseStats == null ? null : denseStats.get(d.name());
                double[] mean = new double[d.dimension()];
                double[] std = new double[d.dimension()];
                Arrays.fill(std, 1);
                if (d.standardize() && st != null) {
                    for (int j = 0; j < d.dimension(); j++) {
                        mean[j] = st.mean()[j];
                        std[j] = st.std()[j] > 0 ? st.std()[j] : 1;
                    }
                }
                Slot s = new Slot(d, n, d.dimension(), null, mean, std);
                slots.add(s);
                for (int j = 0; j < d.dimension(); j++) {
                    byColumn.put(d.columns().get(j), s);
                    denseColumn.put(d.columns().get(j), j);
                }
                n += d.dimension();
            } else {
                throw new MtlException("tribuo backend cannot encode input '" + in.name() + "' of kind " + in.kind()
                        + " (it encodes dense, categorical and multi-hot inputs)");
            }
        }
        this.size = n;
        this.stamp = new int[n];
    }

    /**
     * One input's columns of the feature space, for exporters: an id input's table occupies
     * [offset, offset + width) (inputs sharing a table share it), a dense input its standardised columns
     * ({@code mean}, {@code std}: x' = (x - mean) / std; null for id inputs).
     */
    public record Block(InputSpec input, int offset, int width, double[] mean, double[] std) {
    }

    /** Every input's block, in spec order. */
    public List<Block> blocks() {
        List<Block> out = new ArrayList<>();
        for (Slot s : slots) {
            out.add(new Block(s.input, s.offset, s.width, s.mean == null ? null : s.mean.clone(), s.std == null ? null : s.std.clone()));
        }
        return out;
    }

    /**
     * Continual training: the index here of every feature of {@code old}, a space built for the same
     * inputs with vocabularies that may have grown by appending ids (old ids keep their index); -1
     * for none.
     *
     * @throws MtlException when the inputs differ or a table shrank
     */
    public int[] mapFrom(FeatureSpace old) {
        if (old.slots.size() != slots.size()) {
            throw new MtlException("tribuo backend: the saved model has " + old.slots.size() + " input slots, this spec " + slots.size());
        }
        int[] map = new int[old.size];
        java.util.Arrays.fill(map, -1);
        for (int i = 0; i < slots.size(); i++) {
            Slot o = old.slots.get(i);
            Slot s = slots.get(i);
            if (!o.input.name().equals(s.input.name()) || o.width > s.width || (o.vocabulary == null) != (s.vocabulary == null)
                    || (o.vocabulary == null && o.width != s.width)) {
                throw new MtlException("tribuo backend: input '" + o.input.name() + "' of the saved model (" + o.width
                        + " features) does not fit input '" + s.input.name() + "' here (" + s.width + " features)");
            }
            for (int r = 0; r < o.width; r++) {
                map[o.offset + r] = s.offset + r;
            }
        }
        return map;
    }

    /** Number of features n. */
    public int size() {
        return size;
    }

    /**
     * Feature names, index order, built on each call (a model of a million ids would otherwise keep a
     * million strings, some 40 MB, for the Tribuo task-model views that ask for them).
     */
    public String[] names() {
        String[] names = new String[size];
        for (Slot s : slots) {
            if (s.vocabulary != null) {
                for (int id = 0; id < s.width; id++) {
                    if (names[s.offset + id] == null) {
                        names[s.offset + id] = idName(s, id);
                    }
                }
            } else {
                for (int j = 0; j < s.width; j++) {
                    names[s.offset + j] = s.input.sourceColumns().get(j);
                }
            }
        }
        return names;
    }

    /** Encodes a batch into sparse rows; fails naming the input, row and id for an id out of range. */
    public Csr encode(Batch batch) {
        int rows = batch.size();
        int[] ptr = new int[rows + 1];
        int cap = 16 * Math.max(rows, 1);
        int[] idx = new int[cap];
        double[] val = new double[cap];
        int nnz = 0;
        Feature[] feats = new Feature[slots.size()];
        for (int s = 0; s < slots.size(); s++) {
            feats[s] = batch.feature(slots.get(s).input.name());
        }
        for (int r = 0; r < rows; r++) {
            int start = nnz;
            for (int s = 0; s < slots.size(); s++) {
                Slot slot = slots.get(s);
                Feature f = feats[s];
                // an id is one entry, not its table's width (that grew the arrays to the vocabulary's size every
                // batch: an O(vocabulary) allocation and copy per step, 7 MB a batch at 1M users)
                int need = f instanceof Feature.Bag b ? b.offsets()[r + 1] - b.offsets()[r] : f instanceof Feature.Ids ? 1 : slot.width;
                if (nnz + need > idx.length) {
                    int ncap = Math.max(idx.length * 2, nnz + need);
                    idx = Arrays.copyOf(idx, ncap);
                    val = Arrays.copyOf(val, ncap);
                }
                if (f instanceof Feature.Ids ids) {
                    int id = ids.ids()[r];
                    if (id != Vocabulary.PAD) {
                        idx[nnz] = slot.offset + checkId(slot, id, r);
                        val[nnz++] = 1.0;
                    }
                } else if (f instanceof Feature.Bag bag) {
                    int from = bag.offsets()[r];
                    int to = bag.offsets()[r + 1];
                    int count = 0;
                    for (int k = from; k < to; k++) {
                        if (bag.ids()[k] != Vocabulary.PAD) {
                            count++;
                        }
                    }
                    double w = ((MultiHotInput) slot.input).pooling() == Pooling.MEAN && count > 0 ? 1.0 / count : 1.0;
                    for (int k = from; k < to; k++) {
                        int id = bag.ids()[k];
                        if (id != Vocabulary.PAD) {
                            idx[nnz] = slot.offset + checkId(slot, id, r);
                            val[nnz++] = w;
                        }
                    }
                } else if (f instanceof Feature.Dense d) {
                    if (d.dim() != slot.width) {
                        throw new MtlException("tribuo backend: dense input '" + slot.input.name() + "' has dim " + d.dim()
                                + " in the batch, the spec declares " + slot.width);
                    }
                    int base = r * d.dim();
                    for (int j = 0; j < d.dim(); j++) {
                        double x = (d.values()[base + j] - slot.mean[j]) / slot.std[j];
                        if (x != 0) {
                            idx[nnz] = slot.offset + j;
                            val[nnz++] = x;
                        }
                    }
                } else {
                    throw new MtlException("tribuo backend cannot encode input '" + slot.input.name() + "': batch holds "
                            + f.getClass().getSimpleName());
                }
            }
            nnz = start + sortAndMerge(idx, val, start, nnz);
            ptr[r + 1] = nnz;
        }
        return new Csr(rows, ptr, Arrays.copyOf(idx, nnz), Arrays.copyOf(val, nnz), support(idx, nnz));
    }

    private static int checkId(Slot slot, int id, int row) {
        if (id < 0 || id >= slot.width) {
            throw new MtlException("tribuo backend: input '" + slot.input.name() + "' row " + row + " has id " + id
                    + " outside its table of " + slot.width + " rows");
        }
        return id;
    }

    /** Sorts idx[from, to) with its values, summing duplicates; returns the new count. */
    private static int sortAndMerge(int[] idx, double[] val, int from, int to) {
        for (int i = from + 1; i < to; i++) {
            int k = idx[i];
            double v = val[i];
            int j = i - 1;
            while (j >= from && idx[j] > k) {
                idx[j + 1] = idx[j];
                val[j + 1] = val[j];
                j--;
            }
            idx[j + 1] = k;
            val[j + 1] = v;
        }
        int w = from;
        for (int i = from; i < to; i++) {
            if (w > from && idx[w - 1] == idx[i]) {
                val[w - 1] += val[i];
            } else {
                idx[w] = idx[i];
                val[w++] = val[i];
            }
        }
        return w - from;
    }

    private int[] support(int[] idx, int nnz) {
        if (++stampValue == Integer.MAX_VALUE) {
            Arrays.fill(stamp, 0);
            stampValue = 1;
        }
        int[] out = new int[Math.min(nnz, size)];
        int n = 0;
        for (int k = 0; k < nnz; k++) {
            int i = idx[k];
            if (stamp[i] != stampValue) {
                stamp[i] = stampValue;
                out[n++] = i;
            }
        }
        int[] s = Arrays.copyOf(out, n);
        Arrays.sort(s);
        return s;
    }

    /**
     * Encodes one row given as Tribuo features (name, value). Understood names: {@code column@token}
     * of an id input (value used as is: 1 for one-hot, 1/|bag| for a pooled bag member), a dense
     * column's name or {@code column@value}, and an id column's name with a numeric value (as
     * Tribuo's {@code CSVLoader} reads an integer id column). Other names are ignored, as Tribuo
     * models ignore unknown features.
     */
    public Csr encodeRow(Iterable<? extends Map.Entry<String, Double>> features) {
        int[] idx = new int[8];
        double[] val = new double[8];
        int nnz = 0;
        for (Map.Entry<String, Double> e : features) {
            String name = e.getKey();
            double value = e.getValue();
            int at = -1;
            double x = value;
            Slot s = byColumn.get(name);
            Integer canonical = s == null ? nameIndex().get(name) : null;
            if (canonical != null) {
                at = canonical;
            } else if (s != null) {
                if (s.vocabulary == null) {
                    int j = denseColumn.get(name);
                    at = s.offset + j;
                    x = (value - s.mean[j]) / s.std[j];
                } else {
                    at = s.offset + idOf(s, numericToken(value));
                    x = 1.0;
                }
            } else {
                int sep = name.indexOf('@');
                if (sep > 0) {
                    String col = name.substring(0, sep);
                    String token = name.substring(sep + 1);
                    Slot c = byColumn.get(col);
                    if (c != null && c.vocabulary == null && token.equals("value")) {
                        int j = denseColumn.get(col);
                        at = c.offset + j;
                        x = (value - c.mean[j]) / c.std[j];
                    } else if (c != null && c.vocabulary != null) {
                        at = c.offset + idOf(c, token);
                    }
                }
            }
            if (at < 0 || x == 0) {
                continue;
            }
            if (nnz == idx.length) {
                idx = Arrays.copyOf(idx, nnz * 2);
                val = Arrays.copyOf(val, nnz * 2);
            }
            idx[nnz] = at;
            val[nnz++] = x;
        }
        nnz = sortAndMerge(idx, val, 0, nnz);
        int[] i2 = Arrays.copyOf(idx, nnz);
        return new Csr(1, new int[] {0, nnz}, i2, Arrays.copyOf(val, nnz), i2);
    }

    private static int idOf(Slot s, String token) {
        int id = s.vocabulary.index(token);
        if (id == Vocabulary.PAD) {
            return -1 - s.offset; // an empty token: no feature
        }
        return id < s.width ? id : Vocabulary.OOV;
    }

    private Map<String, Integer> nameIndex;

    /** The name of row {@code id} of an id slot's table: {@code column@token} ({@code column@#id} past the vocabulary). */
    private static String idName(Slot s, int id) {
        return s.input.sourceColumns().get(0) + "@" + (id < s.vocabulary.size() ? s.vocabulary.token(id) : "#" + id);
    }

    /** Canonical id-feature names ({@code column@token} as {@link #names()} spells them) to indices. */
    private Map<String, Integer> nameIndex() {
        if (nameIndex == null) {
            Map<String, Integer> m = new HashMap<>(size * 2);
            for (Slot s : slots) {
                if (s.vocabulary != null) {
                    for (int id = 1; id < s.width; id++) {
                        m.put(idName(s, id), s.offset + id);
                    }
                }
            }
            nameIndex = m;
        }
        return nameIndex;
    }

    /** An id column read as a number by Tribuo: 17.0 is the token "17". */
    public static String numericToken(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
