package org.mtl4j.api.balance;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The saved state of a balancer as plain data: named numbers ({@code long}, {@code double}),
 * strings, {@code double[]}, {@code long[]}, {@code double[][]} and nested states. Checkpoints
 * write it in a small tagged binary format ({@link #write}/{@link #read}), so restoring a state
 * creates no object but these: there is nothing to deserialise and nothing to smuggle.
 * Immutable; arrays are copied in and out.
 */
public final class PlainState {
    /** The state of a balancer that keeps none. */
    public static final PlainState EMPTY = new PlainState(Map.of());

    /** Most entries, nesting levels and array elements {@link #read} accepts. */
    public static final int MAX_DEPTH = 16;
    public static final int MAX_ELEMENTS = 1 << 26;

    private static final byte LONG = 1;
    private static final byte DOUBLE = 2;
    private static final byte STRING = 3;
    private static final byte DOUBLES = 4;
    private static final byte LONGS = 5;
    private static final byte MATRIX = 6;
    private static final byte NESTED = 7;

    private final Map<String, Object> values;

    private PlainState(Map<String, Object> values) {
        this.values = values;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link PlainState}; a key may be put once. */
    public static final class Builder {
        private final Map<String, Object> values = new LinkedHashMap<>();

        private Builder() {
        }

        private Builder add(String key, Object v) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(v, key);
            if (values.putIfAbsent(key, v) != null) {
                throw new IllegalArgumentException("state key '" + key + "' put twice");
            }
            return this;
        }

        public Builder put(String key, long v) {
            return add(key, v);
        }

        public Builder put(String key, double v) {
            return add(key, v);
        }

        public Builder put(String key, String v) {
            return add(key, v);
        }

        public Builder put(String key, double[] v) {
            return add(key, v.clone());
        }

        public Builder put(String key, long[] v) {
            return add(key, v.clone());
        }

        public Builder put(String key, double[][] v) {
            double[][] c = new double[v.length][];
            for (int i = 0; i < v.length; i++) {
                c[i] = v[i].clone();
            }
            return add(key, c);
        }

        public Builder put(String key, PlainState v) {
            return add(key, v);
        }

        public PlainState build() {
            return values.isEmpty() ? EMPTY : new PlainState(Collections.unmodifiableMap(new LinkedHashMap<>(values)));
        }
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    public Set<String> keys() {
        return values.keySet();
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    private <T> T get(String key, Class<T> type, String what) {
        Object v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("saved state has no '" + key + "' (keys: " + values.keySet() + ")");
        }
        if (!type.isInstance(v)) {
            throw new IllegalArgumentException("saved state '" + key + "' is " + kind(v) + ", expected " + what);
        }
        return type.cast(v);
    }

    public long getLong(String key) {
        return get(key, Long.class, "a long");
    }

    public double getDouble(String key) {
        return get(key, Double.class, "a double");
    }

    public String getString(String key) {
        return get(key, String.class, "a string");
    }

    public double[] getDoubles(String key) {
        return get(key, double[].class, "a double[]").clone();
    }

    /** A double[] of exactly {@code length} elements. */
    public double[] getDoubles(String key, int length) {
        double[] v = getDoubles(key);
        if (v.length != length) {
            throw new IllegalArgumentException("saved state '" + key + "' has " + v.length + " values, expected " + length);
        }
        return v;
    }

    public long[] getLongs(String key) {
        return get(key, long[].class, "a long[]").clone();
    }

    public double[][] getMatrix(String key) {
        double[][] m = get(key, double[][].class, "a double[][]");
        double[][] c = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            c[i] = m[i].clone();
        }
        return c;
    }

    public PlainState getState(String key) {
        return get(key, PlainState.class, "a nested state");
    }

    private static String kind(Object v) {
        return v instanceof PlainState ? "a nested state" : v.getClass().getSimpleName();
    }

    /** Writes this state in the tagged binary format {@link #read} reads. */
    public void write(DataOutput out) throws IOException {
        out.writeInt(values.size());
        for (Map.Entry<String, Object> e : values.entrySet()) {
            out.writeUTF(e.getKey());
            Object v = e.getValue();
            if (v instanceof Long l) {
                out.writeByte(LONG);
                out.writeLong(l);
            } else if (v instanceof Double d) {
                out.writeByte(DOUBLE);
                out.writeDouble(d);
            } else if (v instanceof String s) {
                out.writeByte(STRING);
                out.writeUTF(s);
            } else if (v instanceof double[] a) {
                out.writeByte(DOUBLES);
                writeDoubles(out, a);
            } else if (v instanceof long[] a) {
                out.writeByte(LONGS);
                out.writeInt(a.length);
                for (long x : a) {
                    out.writeLong(x);
                }
            } else if (v instanceof double[][] m) {
                out.writeByte(MATRIX);
                out.writeInt(m.length);
                for (double[] row : m) {
                    writeDoubles(out, row);
                }
            } else {
                out.writeByte(NESTED);
                ((PlainState) v).write(out);
            }
        }
    }

    private static void writeDoubles(DataOutput out, double[] a) throws IOException {
        out.writeInt(a.length);
        for (double x : a) {
            out.writeDouble(x);
        }
    }

    /**
     * Reads what {@link #write} wrote. Bounded: at most {@link #MAX_DEPTH} nesting levels and
     * {@link #MAX_ELEMENTS} entries or array elements in all; anything else is an {@link IOException}.
     */
    public static PlainState read(DataInput in) throws IOException {
        return read(in, 0, new long[1]);
    }

    private static PlainState read(DataInput in, int depth, long[] budget) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new IOException("saved state nests deeper than " + MAX_DEPTH + " levels");
        }
        int n = count(in, budget);
        Builder b = builder();
        for (int i = 0; i < n; i++) {
            String key = in.readUTF();
            byte tag = in.readByte();
            switch (tag) {
                case LONG -> b.put(key, in.readLong());
                case DOUBLE -> b.put(key, in.readDouble());
                case STRING -> b.put(key, in.readUTF());
                case DOUBLES -> b.add(key, readDoubles(in, budget));
                case LONGS -> {
                    long[] a = new long[count(in, budget)];
                    for (int j = 0; j < a.length; j++) {
                        a[j] = in.readLong();
                    }
                    b.add(key, a);
                }
                case MATRIX -> {
                    double[][] m = new double[count(in, budget)][];
                    for (int j = 0; j < m.length; j++) {
                        m[j] = readDoubles(in, budget);
                    }
                    b.add(key, m);
                }
                case NESTED -> b.add(key, read(in, depth + 1, budget));
                default -> throw new IOException("saved state entry '" + key + "' has unknown type tag " + tag);
            }
        }
        return b.build();
    }

    private static double[] readDoubles(DataInput in, long[] budget) throws IOException {
        double[] a = new double[count(in, budget)];
        for (int j = 0; j < a.length; j++) {
            a[j] = in.readDouble();
        }
        return a;
    }

    private static int count(DataInput in, long[] budget) throws IOException {
        int n = in.readInt();
        if (n < 0 || (budget[0] += n) > MAX_ELEMENTS) {
            throw new IOException("saved state is too large or corrupt (count " + n + ")");
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof PlainState p) || !p.values.keySet().equals(values.keySet())) {
            return false;
        }
        for (Map.Entry<String, Object> e : values.entrySet()) {
            if (!Objects.deepEquals(e.getValue(), p.values.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 0;
        for (Map.Entry<String, Object> e : values.entrySet()) {
            h += e.getKey().hashCode() ^ Arrays.deepHashCode(new Object[] {e.getValue()});
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, Object> e : values.entrySet()) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            Object v = e.getValue();
            sb.append(e.getKey()).append('=').append(v instanceof Object[] || v.getClass().isArray()
                    ? Arrays.deepToString(new Object[] {v}).replaceAll("^\\[|\\]$", "") : v);
        }
        return sb.append('}').toString();
    }
}
