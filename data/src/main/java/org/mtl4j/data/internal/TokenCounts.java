package org.mtl4j.data.internal;

import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;

/**
 * Token counts of the streaming vocabulary pass: the tokens in one UTF-8 byte arena with an
 * open-addressing index of ints and a primitive count per token (about 14 bytes per token plus its
 * text, where a {@code HashMap<String, long[]>} costs over 100), so ten million distinct ids are
 * counted in a few hundred MB. Counting an already seen ASCII token allocates nothing. Not
 * thread-safe.
 */
public final class TokenCounts {
    private byte[] arena = new byte[64];
    private int used;
    private int[] offsets = new int[17];
    private int[] hashes = new int[16];
    private int size;
    private int[] slots = new int[32];

    public TokenCounts() {
        Arrays.fill(slots, -1);
    }

    private long[] counts = new long[16];

    public int size() {
        return size;
    }

    /** Counts one occurrence of {@code token}. */
    public void count(String token) {
        int i = find(token);
        if (i < 0) {
            i = add(token);
            if (i >= counts.length) {
                counts = Arrays.copyOf(counts, counts.length * 2);
            }
        }
        counts[i]++;
    }

    public long count(int i) {
        return counts[i];
    }

    /**
     * The {@code maxSize} most frequent tokens seen at least {@code minCount} times, most frequent
     * first, ties by the tokens' UTF-8 bytes (their code-point order), so the result does not depend on
     * row order. Sorts primitive indices: no object per token. A view over these counts.
     */
    public java.util.List<String> top(int maxSize, long minCount) {
        int n = 0;
        int[] idx = new int[size];
        for (int i = 0; i < size; i++) {
            if (counts[i] >= minCount) {
                idx[n++] = i;
            }
        }
        idx = Arrays.copyOf(idx, n);
        int[] tmp = new int[n];
        mergeSort(idx, tmp, 0, n);
        int keep = Math.min(n, maxSize);
        int[] order = idx;
        // a view decoding one token per get: no String per id is held
        return new AbstractList<>() {
            @Override
            public String get(int i) {
                if (i < 0 || i >= keep) {
                    throw new IndexOutOfBoundsException("token " + i + " of " + keep);
                }
                return TokenCounts.this.get(order[i]);
            }

            @Override
            public int size() {
                return keep;
            }
        };
    }

    private int compare(int a, int b) {
        int c = Long.compare(counts[b], counts[a]);
        if (c != 0) {
            return c;
        }
        int pa = offsets[a];
        int ea = offsets[a + 1];
        int pb = offsets[b];
        int eb = offsets[b + 1];
        while (pa < ea && pb < eb) {
            int x = arena[pa++] & 0xff;
            int y = arena[pb++] & 0xff;
            if (x != y) {
                return Integer.compare(x, y);
            }
        }
        return Integer.compare(ea - pa, eb - pb);
    }

    private void mergeSort(int[] a, int[] tmp, int from, int to) {
        if (to - from < 16) {
            for (int i = from + 1; i < to; i++) {
                int v = a[i];
                int j = i - 1;
                while (j >= from && compare(a[j], v) > 0) {
                    a[j + 1] = a[j];
                    j--;
                }
                a[j + 1] = v;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(a, tmp, from, mid);
        mergeSort(a, tmp, mid, to);
        int i = from;
        int j = mid;
        int k = from;
        while (i < mid && j < to) {
            tmp[k++] = compare(a[i], a[j]) <= 0 ? a[i++] : a[j++];
        }
        while (i < mid) {
            tmp[k++] = a[i++];
        }
        while (j < to) {
            tmp[k++] = a[j++];
        }
        System.arraycopy(tmp, from, a, from, to - from);
    }

    /** Index of {@code s}, or -1. */
    int find(String s) {
        int h = s.hashCode();
        int mask = slots.length - 1;
        for (int p = mix(h) & mask;; p = (p + 1) & mask) {
            int i = slots[p];
            if (i < 0) {
                return -1;
            }
            if (hashes[i] == h && equalsAt(i, s)) {
                return i;
            }
        }
    }

    /** Adds {@code s} (which must be absent) and returns its index. */
    int add(String s) {
        if (size + 1 > slots.length / 2) {
            rehash(slots.length * 2);
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (used + b.length > arena.length) {
            long cap = Math.max((long) used + b.length, (long) arena.length * 2);
            if (cap > Integer.MAX_VALUE - 8) {
                cap = Integer.MAX_VALUE - 8;
                if (used + b.length > cap) {
                    throw new IllegalStateException("vocabulary text exceeds 2 GB");
                }
            }
            arena = Arrays.copyOf(arena, (int) cap);
        }
        if (size + 1 >= offsets.length || size >= hashes.length) {
            int cap = Math.max(offsets.length, hashes.length) * 2;
            offsets = Arrays.copyOf(offsets, cap + 1);
            hashes = Arrays.copyOf(hashes, cap);
        }
        System.arraycopy(b, 0, arena, used, b.length);
        offsets[size] = used;
        used += b.length;
        offsets[size + 1] = used;
        int h = s.hashCode();
        hashes[size] = h;
        int mask = slots.length - 1;
        int p = mix(h) & mask;
        while (slots[p] >= 0) {
            p = (p + 1) & mask;
        }
        slots[p] = size;
        return size++;
    }

    private void rehash(int capacity) {
        slots = new int[capacity];
        Arrays.fill(slots, -1);
        int mask = capacity - 1;
        for (int i = 0; i < size; i++) {
            int p = mix(hashes[i]) & mask;
            while (slots[p] >= 0) {
                p = (p + 1) & mask;
            }
            slots[p] = i;
        }
    }

    String get(int i) {
        return new String(arena, offsets[i], offsets[i + 1] - offsets[i], StandardCharsets.UTF_8);
    }

    /** A read-only list view (each {@code get} decodes one token). */
    List<String> view() {
        return new AbstractList<>() {
            @Override
            public String get(int index) {
                if (index < 0 || index >= size) {
                    throw new IndexOutOfBoundsException("token " + index + " of " + size);
                }
                return TokenCounts.this.get(index);
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    /** Shrinks the arrays to their contents (after the last add). */
    void trim() {
        arena = Arrays.copyOf(arena, used);
        offsets = Arrays.copyOf(offsets, size + 1);
        hashes = Arrays.copyOf(hashes, Math.max(size, 1));
    }

    private boolean equalsAt(int i, String s) {
        int p = offsets[i];
        int end = offsets[i + 1];
        int n = s.length();
        for (int k = 0; k < n; k++) {
            char c = s.charAt(k);
            if (c >= 0x80) {
                byte[] rest = s.substring(k).getBytes(StandardCharsets.UTF_8);
                if (end - p != rest.length) {
                    return false;
                }
                for (byte b : rest) {
                    if (arena[p++] != b) {
                        return false;
                    }
                }
                return true;
            }
            if (p >= end || arena[p++] != c) {
                return false;
            }
        }
        return p == end;
    }

    static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
