package org.mtl4j.data.internal;

import java.util.AbstractList;
import java.util.Arrays;
import org.mtl4j.api.internal.CompactTokens;

/**
 * Token counts of the streaming vocabulary pass: the tokens in a {@link CompactTokens} (one UTF-8
 * byte arena with an open-addressing index of ints, as a {@code Vocabulary} stores them) and a
 * primitive count per token (about 14 bytes per token plus its
 * text, where a {@code HashMap<String, long[]>} costs over 100), so ten million distinct ids are
 * counted in a few hundred MB. Counting an already seen ASCII token allocates nothing. Not
 * thread-safe.
 */
public final class TokenCounts {
    private final CompactTokens tokens = new CompactTokens();
    private long[] counts = new long[16];

    public int size() {
        return tokens.size();
    }

    /** Counts one occurrence of {@code token}. */
    public void count(String token) {
        int i = tokens.find(token);
        if (i < 0) {
            i = tokens.add(token);
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
        int size = tokens.size();
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
                return tokens.get(order[i]);
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
        return tokens.compareBytes(a, b);
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
}
