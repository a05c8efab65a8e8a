package org.mtl4j.backend.dl4j.internal.model;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import org.mtl4j.api.MtlException;

/**
 * The threads of a model's data-parallel workers (issue 15): {@code size - 1} helper threads beside the calling
 * thread, which runs part 0 of every section itself.
 *
 * <p>Why not an {@code ExecutorService}: a training step hands work to the workers four times (forward and losses,
 * backward, gradient sum, optimiser) and each section lasts 0.1-2 ms at recommendation sizes. Through a queue, a
 * parked worker is woken by the kernel and a parked caller is woken back: tens of microseconds per hand-off, 0.1-0.2
 * s of idle cores per epoch of the MMoE benchmark (measured: wall time 15-25 % above the workers' CPU time). Here a
 * worker that finished a section spins ({@link Thread#onSpinWait()}) for up to {@link #spinNanos} waiting for the
 * next one before it parks, and the caller spins as long for the workers to finish: at steady state no hand-off
 * goes through the kernel. The spin is bounded, so an idle model costs no CPU; a helper idle for
 * {@link #IDLE_EXIT_SECONDS} seconds ends (a model nobody trains holds no threads) and is restarted on the next
 * section. This is the scheme of OpenMP runtimes' {@code OMP_WAIT_POLICY} / {@code KMP_BLOCKTIME} (spin, then
 * sleep), and of PyTorch's intra-op pool.
 *
 * <p>Spin time: system property {@code mtl4j.workers.spinMicros} (default {@value #DEFAULT_SPIN_MICROS}; 0 parks at
 * once). A spinning worker occupies its core: on a machine with fewer cores than workers plus other busy threads
 * (a CSV reader, other processes) a short spin is better.
 */
final class WorkerCrew {
    static final long DEFAULT_SPIN_MICROS = 500;
    static final int IDLE_EXIT_SECONDS = 30;

    private final long spinNanos;
    private final long idleExitNanos;
    private final String name;
    private final Helper[] helpers;
    /** The calling thread while it waits parked for the helpers; null otherwise. */
    private volatile Thread waiter;
    private long generation;

    WorkerCrew(int size, String name) {
        this(size, name, TimeUnit.MICROSECONDS.toNanos(Long.getLong("mtl4j.workers.spinMicros", DEFAULT_SPIN_MICROS)),
                TimeUnit.SECONDS.toNanos(IDLE_EXIT_SECONDS));
    }

    /** A crew whose workers spin {@code spinNanos} before they park and end after {@code idleExitNanos} idle. */
    WorkerCrew(int size, String name, long spinNanos, long idleExitNanos) {
        if (size < 2) {
            throw new IllegalArgumentException("a crew has at least 2 workers, found " + size);
        }
        this.name = name;
        this.spinNanos = Math.max(0, spinNanos);
        this.idleExitNanos = idleExitNanos;
        helpers = new Helper[size - 1];
        for (int i = 0; i < helpers.length; i++) {
            helpers[i] = new Helper(i + 1);
        }
    }

    /** Workers including the calling thread. */
    int size() {
        return helpers.length + 1;
    }

    /**
     * Runs {@code task(s)} for s in [0, n), n at most {@link #size()}: part 0 on the calling thread, part s on helper s;
     * returns when all are done and rethrows the first failure in part order (the helpers use the caller's buffers,
     * so it waits for every part even when one failed or the caller is interrupted). One section at a time: the
     * model's training and prediction run on one thread.
     */
    void run(int n, IntConsumer task) {
        if (n > size()) {
            throw new IllegalArgumentException("section of " + n + " parts for a crew of " + size());
        }
        long gen = ++generation;
        for (int s = 1; s < n; s++) {
            helpers[s - 1].post(gen, task);
        }
        Throwable first = null;
        try {
            task.accept(0);
        } catch (RuntimeException | Error e) {
            first = e;
        }
        for (int s = 1; s < n; s++) {
            Helper h = helpers[s - 1];
            awaitDone(h, gen);
            Throwable f = h.failure;
            if (f != null) {
                h.failure = null;
                first = first == null ? f : first;
            }
        }
        if (first instanceof RuntimeException r) {
            throw r;
        }
        if (first instanceof Error e) {
            throw e;
        }
        if (first != null) {
            throw new MtlException("dl4j worker failed: " + first, first);
        }
    }

    private void awaitDone(Helper h, long gen) {
        if (h.done == gen) {
            return;
        }
        long start = System.nanoTime();
        for (int i = 1; System.nanoTime() - start < spinNanos; i++) {
            pause(i);
            if (h.done == gen) {
                return;
            }
        }
        waiter = Thread.currentThread();
        try {
            // Dekker: this writes waiter then reads done; the helper writes done then reads waiter (both volatile)
            while (h.done != gen) {
                LockSupport.park(this);
            }
        } finally {
            waiter = null;
        }
    }

    /**
     * One turn of a spin: a CPU pause, and every {@value #YIELD_EVERY} turns a {@link Thread#yield()}, so that on a
     * machine busier than its cores (other processes, a CSV reader) a spinning thread lets the runnable ones run.
     */
    private static void pause(int turn) {
        if (turn % YIELD_EVERY == 0) {
            Thread.yield();
        } else {
            Thread.onSpinWait();
        }
    }

    private static final int YIELD_EVERY = 16;

    /** Threads started so far over all helpers (a helper that ended idle is started again on the next section). */
    int threadsStarted() {
        int n = 0;
        for (Helper h : helpers) {
            synchronized (h) {
                n += h.starts;
            }
        }
        return n;
    }

    /** Helpers whose thread is alive now. */
    int threadsAlive() {
        int n = 0;
        for (Helper h : helpers) {
            synchronized (h) {
                n += h.alive ? 1 : 0;
            }
        }
        return n;
    }

    /** One helper thread; started on the first section and again after it ended idle. */
    private final class Helper implements Runnable {
        private final int index;
        private volatile long posted;
        private volatile long done;
        private volatile IntConsumer task;
        private volatile Throwable failure;
        /** Guarded by this: the thread is alive; it is parked waiting for a section. */
        private boolean alive;
        private boolean sleeping;
        /** Threads started for this helper so far (tests). */
        private int starts;

        Helper(int index) {
            this.index = index;
        }

        void post(long gen, IntConsumer t) {
            task = t;
            posted = gen;
            synchronized (this) {
                if (!alive) {
                    alive = true;
                    starts++;
                    Thread thread = new Thread(this, "mtl4j-dl4j-" + name + "-worker-" + index);
                    thread.setDaemon(true);
                    thread.start();
                } else if (sleeping) {
                    notifyAll();
                }
            }
        }

        @Override
        public void run() {
            long seen = done;
            while (true) {
                if (!awaitPosted(seen)) {
                    return;
                }
                long gen = posted;
                try {
                    task.accept(index);
                } catch (Throwable e) {
                    failure = e;
                }
                task = null;
                done = gen;
                seen = gen;
                Thread w = waiter;
                if (w != null) {
                    LockSupport.unpark(w);
                }
            }
        }

        /** Waits for a section after {@code seen}: spins, then sleeps; false when idle too long (the thread ends). */
        private boolean awaitPosted(long seen) {
            long start = System.nanoTime();
            for (int i = 1; System.nanoTime() - start < spinNanos; i++) {
                if (posted != seen) {
                    return true;
                }
                pause(i);
            }
            synchronized (this) {
                long deadline = System.nanoTime() + idleExitNanos;
                while (posted == seen) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        alive = false; // post() sees this under the same lock and starts a new thread
                        return false;
                    }
                    sleeping = true;
                    try {
                        TimeUnit.NANOSECONDS.timedWait(this, left);
                    } catch (InterruptedException e) {
                        // daemon helpers are not interrupted by the model; keep waiting for the deadline
                    } finally {
                        sleeping = false;
                    }
                }
                return true;
            }
        }
    }
}
