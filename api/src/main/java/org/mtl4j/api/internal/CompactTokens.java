package org.mtl4j.api.internal;

import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;

/**
 * Strings in one UTF-8 byte arena with an open-addressing index of ints: about 10 bytes per token
 * plus its text (a {@code HashMap<String, Integer>} costs about 100), so ten million ids take a few
 * hundred MB. Lookups allocate nothing for ASCII tokens. Not thread-safe while tokens are added.
 */
public final class CompactTokens {
    private byte[] arena = new byte[64];
    private int used;
    private int[] offsets = new int[17];
    private int[] hashes = new int[16];
    private int size;
    private int[] slots = new int[32];

    public CompactTokens() {
        Arrays.fill(slots, -1);
    }

    /** Sized for {@code expected} tokens of {@code bytesPerToken} UTF-8 bytes on average (no regrowth). */
    public CompactTokens(int expected, int bytesPerToken) {
        int cap = Integer.highestOneBit(Math.max(16, expected) * 2 - 1) << 1;
        slots = new int[cap];
        Arrays.fill(slots, -1);
        offsets = new int[expected + 2];
        hashes = new int[expected + 1];
        arena = new byte[(int) Math.min(Integer.MAX_VALUE - 8, Math.max(64L, (long) expected * bytesPerToken))];
    }

    public int size() {
        return size;
    }

    /** Index of {@code s}, or -1. */
    public int find(String s) {
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

    /**
     * {@code Long.toString(v).hashCode()} without making the string: the digits from the least
     * significant, the k-th from the end weighted by 31^k (int arithmetic wraps as String's does); one
     * division by 10 per digit, on the negative magnitude (Long.MIN_VALUE has no positive one).
     */
    public static int decimalHash(long v) {
        long n = v < 0 ? v : -v;
        int h = 0;
        int pow = 1;
        do {
            long q = n / 10;
            h += ('0' + (int) (q * 10 - n)) * pow;
            pow *= 31;
            n = q;
        } while (n != 0);
        return v < 0 ? h + '-' * pow : h;
    }

    /** The length of {@code Long.toString(v)}. */
    private static int decimalLength(long v) {
        int len = v < 0 ? 2 : 1;
        for (long q = v / 10; q != 0; q /= 10) {
            len++;
        }
        return len;
    }

    /** Whether the token at {@code i}, known to be {@code len} bytes long, is {@code Long.toString(v)}: compared from its last digit. */
    private boolean decimalEquals(int i, long v, int len) {
        int o = offsets[i];
        int p = o + len - 1;
        long n = v < 0 ? v : -v;
        do {
            long q = n / 10;
            if (arena[p--] != '0' + (int) (q * 10 - n)) {
                return false;
            }
            n = q;
        } while (n != 0);
        return v >= 0 || arena[o] == '-';
    }

    /** Index of the token {@code Long.toString(v)}, or -1: {@link #find(String)} of a numeric id without a string. */
    public int findDecimal(long v) {
        int h = decimalHash(v);
        int len = -1;
        int mask = slots.length - 1;
        for (int p = mix(h) & mask;; p = (p + 1) & mask) {
            int i = slots[p];
            if (i < 0) {
                return -1;
            }
            if (hashes[i] == h) {
                if (len < 0) {
                    len = decimalLength(v);
                }
                if (offsets[i + 1] - offsets[i] == len && decimalEquals(i, v, len)) {
                    return i;
                }
            }
        }
    }

    /** Adds {@code s} (which must be absent) and returns its index. */
    public int add(String s) {
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

    public String get(int i) {
        return new String(arena, offsets[i], offsets[i + 1] - offsets[i], StandardCharsets.UTF_8);
    }

    /** A read-only list view (each {@code get} decodes one token). */
    public List<String> view() {
        return new AbstractList<>() {
            @Override
            public String get(int index) {
                if (index < 0 || index >= size) {
                    throw new IndexOutOfBoundsException("token " + index + " of " + size);
                }
                return CompactTokens.this.get(index);
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    /** Shrinks the arrays to their contents (after the last add). */
    public void trim() {
        arena = Arrays.copyOf(arena, used);
        offsets = Arrays.copyOf(offsets, size + 1);
        hashes = Arrays.copyOf(hashes, Math.max(size, 1));
    }

    /** Compares tokens {@code a} and {@code b} by their UTF-8 bytes (unsigned): their code-point order. */
    public int compareBytes(int a, int b) {
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
