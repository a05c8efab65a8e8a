package org.mtl4j.serving.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.mtl4j.api.backend.Predictions;
import org.mtl4j.api.backend.TrainedModel;
import org.mtl4j.api.data.Batch;

/**
 * Thread-safe prediction over models that are not: a pool of replicas of one saved model, each
 * used by one thread at a time. A backend model keeps its activation buffers sized for the last batch
 * size and re-allocates them when the size changes (the DL4J backend does), so requests are padded to
 * a power-of-two <em>bucket</em> and every bucket has its own idle replicas: in steady state a replica
 * always sees the batch size its buffers were made for, and the model pass allocates nothing but its
 * outputs. At most {@code concurrency} requests predict at once (a fair semaphore); replicas are
 * created lazily, at most {@code maxReplicas}; when that many exist and a bucket has none idle, an idle
 * replica of another bucket moves over (re-allocating its buffers once).
 */
public final class ReplicaPool {
    private final Supplier<TrainedModel> loader;
    private final List<ConcurrentLinkedQueue<TrainedModel>> idle;
    private final Semaphore permits;
    private final int concurrency;
    private final int maxReplicas;
    private final AtomicInteger created = new AtomicInteger();
    private volatile boolean closed;

    /**
     * @param first a loaded replica (kept for bucket {@code firstBucket}'s use), so loading problems show at once
     */
    public ReplicaPool(Supplier<TrainedModel> loader, TrainedModel first, int buckets, int concurrency, int maxReplicas) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be >= 1, found " + concurrency);
        }
        if (maxReplicas < concurrency) {
            throw new IllegalArgumentException("max replicas (" + maxReplicas + ") must be >= concurrency (" + concurrency + ")");
        }
        this.loader = loader;
        this.concurrency = concurrency;
        this.maxReplicas = maxReplicas;
        this.permits = new Semaphore(concurrency, true);
        List<ConcurrentLinkedQueue<TrainedModel>> queues = new ArrayList<>(buckets);
        for (int b = 0; b < buckets; b++) {
            queues.add(new ConcurrentLinkedQueue<>());
        }
        this.idle = List.copyOf(queues);
        idle.get(0).add(first);
        created.set(1);
    }

    /** The bucket of a request of {@code n} rows: the smallest b with 2^b >= n. */
    public static int bucket(int n) {
        return n <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(n - 1);
    }

    /** Rows of a bucket's batches. */
    public static int rows(int bucket) {
        return 1 << bucket;
    }

    /** Replicas created so far. */
    public int replicas() {
        return created.get();
    }

    /**
     * Predicts a batch of {@code rows(bucket)} rows on a replica of this pool; the outputs hold its first
     * {@code rows} rows (the request's candidates, without the padding).
     *
     * @throws PoolClosedException when the pool was closed (the caller may retry on a newer model)
     */
    public Predictions predict(Batch batch, int bucket, int rows) throws InterruptedException {
        if (closed) {
            throw new PoolClosedException();
        }
        permits.acquire();
        try {
            if (closed) {
                throw new PoolClosedException();
            }
            TrainedModel m = take(bucket);
            try {
                return m.predict(batch, rows);
            } finally {
                idle.get(bucket).add(m);
            }
        } finally {
            permits.release();
        }
    }

    private TrainedModel take(int bucket) {
        TrainedModel m = idle.get(bucket).poll();
        if (m != null) {
            return m;
        }
        if (created.incrementAndGet() <= maxReplicas) {
            try {
                return loader.get();
            } catch (RuntimeException | Error e) {
                created.decrementAndGet();
                throw e;
            }
        }
        created.decrementAndGet();
        // maxReplicas >= concurrency and we hold a permit: some replica is idle or about to be
        while (true) {
            for (int d = 1; d < idle.size(); d++) {
                for (int b : new int[] {bucket - d, bucket + d}) {
                    if (b >= 0 && b < idle.size() && (m = idle.get(b).poll()) != null) {
                        return m;
                    }
                }
            }
            if ((m = idle.get(bucket).poll()) != null) {
                return m;
            }
            Thread.onSpinWait();
        }
    }

    /** Refuses new predictions, waits for the running ones and closes every replica. */
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        permits.acquireUninterruptibly(concurrency);
        try {
            for (ConcurrentLinkedQueue<TrainedModel> q : idle) {
                TrainedModel m;
                while ((m = q.poll()) != null) {
                    m.close();
                }
            }
        } finally {
            // requests queued behind the close now get a permit, see the flag and fail fast (callers retry elsewhere)
            permits.release(concurrency);
        }
    }

    /** Thrown by {@link #predict} once the pool is closed. */
    public static final class PoolClosedException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        public PoolClosedException() {
            super("this model was replaced and its predictor closed");
        }
    }
}
