package org.mtl4j.data.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.data.TextEmbedder;
import org.mtl4j.api.internal.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vectors of a pretrained text embedder (one cache per {@link TextEmbedder#cacheKey()}), one per distinct text, keyed by the first 128 bits of the
 * text's SHA-256: each text is encoded once per JVM (every epoch, dataset and run reuses it) and,
 * when a cache folder is set, once per machine ({@code <folder>/<cacheKey>.vec}, written atomically,
 * read back on the next run; a damaged file is ignored with a warning, it is only a cache).
 *
 * <p>The folder is the system property {@code mtl4j.textCache}, else the environment variable
 * {@code MTL4J_TEXT_CACHE}, else {@code ~/.cache/mtl4j/text-vectors}; {@code none} disables the file.
 */
public final class TextVectorCache {
    private static final Logger LOG = LoggerFactory.getLogger(TextVectorCache.class);
    private static final Map<String, TextVectorCache> BY_EMBEDDER = new ConcurrentHashMap<>();
    private static final byte[] MAGIC = "MTL4JVEC1".getBytes(StandardCharsets.US_ASCII);
    private static final int CHUNK = 64;

    /** 128 bits of a text's SHA-256. */
    record Key(long hi, long lo) {
    }

    private final TextEmbedder embedder;
    private final Path file;
    private final ConcurrentHashMap<Key, float[]> vectors = new ConcurrentHashMap<>();

    private TextVectorCache(TextEmbedder embedder, Path file) {
        this.embedder = embedder;
        this.file = file;
        if (file != null && Files.isRegularFile(file)) {
            load();
        }
    }

    /** The JVM-wide cache of {@code embedder}. */
    public static TextVectorCache of(TextEmbedder embedder) {
        return BY_EMBEDDER.computeIfAbsent(embedder.cacheKey(), n -> new TextVectorCache(embedder, folder() == null ? null
                : folder().resolve(n.replaceAll("[^A-Za-z0-9._-]", "_") + ".vec")));
    }

    static Path folder() {
        String dir = System.getProperty("mtl4j.textCache");
        if (dir == null) {
            dir = System.getenv("MTL4J_TEXT_CACHE");
        }
        if (dir == null) {
            String home = System.getProperty("user.home");
            return home == null ? null : Path.of(home, ".cache", "mtl4j", "text-vectors");
        }
        return dir.isBlank() || dir.equals("none") ? null : Path.of(dir);
    }

    public TextEmbedder embedder() {
        return embedder;
    }

    /** Texts encoded so far (in memory). */
    public int size() {
        return vectors.size();
    }

    /** The vector of {@code text}, encoding it now when it was never seen (a brand-new item at prediction). */
    public float[] vector(String text) {
        Key k = key(text);
        float[] v = vectors.get(k);
        if (v == null) {
            v = checked(embedder.embed(List.of(text)), 1).get(0);
            vectors.putIfAbsent(k, v);
        }
        return v;
    }

    /**
     * Encodes every text not cached yet, in chunks over all cores, logging progress, then saves the
     * cache file once. Returns how many texts were encoded.
     */
    public int encodeMissing(Collection<String> texts, String what) {
        LinkedHashSet<String> missing = new LinkedHashSet<>();
        for (String t : texts) {
            if (!vectors.containsKey(key(t))) {
                missing.add(t);
            }
        }
        if (missing.isEmpty()) {
            LOG.info("{}: all {} distinct texts found in the {} vector cache", what, texts.size(), embedder.name());
            return 0;
        }
        List<String> todo = new ArrayList<>(missing);
        int threads = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), (todo.size() + CHUNK - 1) / CHUNK));
        LOG.info("{}: encoding {} new texts with {} on {} thread(s) ({} already cached)", what, todo.size(),
                embedder.name(), threads, texts.size() - todo.size());
        long start = System.nanoTime();
        AtomicLong done = new AtomicLong();
        AtomicLong lastLog = new AtomicLong(start);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "mtl4j-text-encoder");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int from = 0; from < todo.size(); from += CHUNK) {
                List<String> chunk = todo.subList(from, Math.min(todo.size(), from + CHUNK));
                futures.add(pool.submit(() -> {
                    List<float[]> vs = checked(embedder.embed(chunk), chunk.size());
                    for (int i = 0; i < chunk.size(); i++) {
                        vectors.putIfAbsent(key(chunk.get(i)), vs.get(i));
                    }
                    long d = done.addAndGet(chunk.size());
                    long now = System.nanoTime();
                    long last = lastLog.get();
                    if ((now - last > 5_000_000_000L || d == todo.size()) && lastLog.compareAndSet(last, now)) {
                        double secs = (now - start) / 1e9;
                        LOG.info("{}: encoded {}/{} texts ({}%, {} texts/s)", what, d, todo.size(), 100 * d / todo.size(),
                                String.format(java.util.Locale.ROOT, "%.1f", d / Math.max(secs, 1e-9)));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MtlException(what + ": interrupted while encoding texts", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new MtlException(what + ": the " + embedder.name() + " text embedder failed: " + c, c);
        } finally {
            pool.shutdownNow();
        }
        save();
        return todo.size();
    }

    private List<float[]> checked(List<float[]> vs, int expected) {
        if (vs == null || vs.size() != expected) {
            throw new MtlException("text embedder " + embedder.name() + " returned " + (vs == null ? "null" : vs.size())
                    + " vectors for " + expected + " texts");
        }
        for (float[] v : vs) {
            if (v == null || v.length != embedder.dimension()) {
                throw new MtlException("text embedder " + embedder.name() + " returned a vector of length "
                        + (v == null ? "null" : v.length) + ", expected its dimension " + embedder.dimension());
            }
        }
        return vs;
    }

    static Key key(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            long hi = 0;
            long lo = 0;
            for (int i = 0; i < 8; i++) {
                hi = (hi << 8) | (d[i] & 0xff);
                lo = (lo << 8) | (d[8 + i] & 0xff);
            }
            return new Key(hi, lo);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private void load() {
        int dim = embedder.dimension();
        int n = 0;
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new IOException("not an mtl4j text-vector cache");
            }
            int fileDim = in.readInt();
            if (fileDim != dim) {
                throw new IOException("vectors of length " + fileDim + ", the embedder's are " + dim);
            }
            long count = in.readLong();
            long expected = MAGIC.length + 12L + count * (16L + 4L * dim);
            if (count < 0 || expected != Files.size(file)) {
                throw new IOException("it announces " + count + " vectors but holds " + Files.size(file) + " bytes");
            }
            for (long i = 0; i < count; i++) {
                Key k = new Key(in.readLong(), in.readLong());
                float[] v = new float[dim];
                for (int j = 0; j < dim; j++) {
                    v[j] = in.readFloat();
                }
                vectors.putIfAbsent(k, v);
                n++;
            }
            LOG.info("read {} cached {} text vectors from {}", n, embedder.name(), file);
        } catch (EOFException e) {
            LOG.warn("ignoring the text-vector cache {}: it is truncated", file);
        } catch (IOException e) {
            LOG.warn("ignoring the text-vector cache {}: {}", file, e.getMessage());
        }
    }

    private synchronized void save() {
        if (file == null) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            List<Map.Entry<Key, float[]>> entries = new ArrayList<>(vectors.entrySet());
            AtomicFiles.write(file, raw -> {
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16));
                out.write(MAGIC);
                out.writeInt(embedder.dimension());
                out.writeLong(entries.size());
                for (Map.Entry<Key, float[]> e : entries) {
                    out.writeLong(e.getKey().hi());
                    out.writeLong(e.getKey().lo());
                    for (float x : e.getValue()) {
                        out.writeFloat(x);
                    }
                }
                out.flush();
            });
        } catch (IOException e) {
            LOG.warn("could not save the text-vector cache {}: {} (vectors stay in memory)", file, e.toString());
        }
    }
}
