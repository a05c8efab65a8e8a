package org.mtl4j.backend.dl4j.internal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;

/** The hand-off of data-parallel sections to the worker threads (spin, then park; idle threads end). */
class WorkerCrewTest {
    private static final long MS = 1_000_000L;

    @Test
    void everyPartRunsOnceOnItsOwnThreadInEverySection() {
        for (long spin : new long[] {0, 200_000}) {
            WorkerCrew crew = new WorkerCrew(3, "t", spin, 10_000 * MS);
            for (int section = 0; section < 1_000; section++) {
                int n = 1 + section % 3;
                AtomicLongArray hits = new AtomicLongArray(3);
                String[] threads = new String[3];
                crew.run(n, s -> {
                    hits.incrementAndGet(s);
                    threads[s] = Thread.currentThread().getName();
                });
                for (int s = 0; s < 3; s++) {
                    assertThat(hits.get(s)).as("spin %d, section %d, part %d", spin, section, s).isEqualTo(s < n ? 1 : 0);
                }
                assertThat(threads[0]).isEqualTo(Thread.currentThread().getName());
                for (int s = 1; s < n; s++) {
                    // every part's writes are visible to the caller after run returns
                    assertThat(threads[s]).isEqualTo("mtl4j-dl4j-t-worker-" + s);
                }
            }
            assertThat(crew.threadsStarted()).isEqualTo(2);
        }
    }

    @Test
    void theFirstFailureInPartOrderIsRethrownAfterEveryPartFinished() {
        WorkerCrew crew = new WorkerCrew(3, "t", 0, 10_000 * MS);
        AtomicInteger finished = new AtomicInteger();
        assertThatThrownBy(() -> crew.run(3, s -> {
            if (s == 2) {
                sleep(20);
                finished.incrementAndGet();
                throw new IllegalStateException("part 2");
            }
            finished.incrementAndGet();
            if (s == 1) {
                throw new IllegalArgumentException("part 1");
            }
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("part 1");
        assertThat(finished.get()).isEqualTo(3);
        // an Error from a helper is rethrown as it is, and the crew still works afterwards
        assertThatThrownBy(() -> crew.run(2, s -> {
            if (s == 1) {
                throw new AssertionError("worker 1");
            }
        })).isInstanceOf(AssertionError.class).hasMessage("worker 1");
        AtomicInteger ok = new AtomicInteger();
        crew.run(3, s -> ok.incrementAndGet());
        assertThat(ok.get()).isEqualTo(3);
    }

    @Test
    void idleHelpersEndAndAreStartedAgainOnTheNextSection() {
        WorkerCrew crew = new WorkerCrew(2, "t", 0, 50 * MS);
        AtomicInteger ran = new AtomicInteger();
        crew.run(2, s -> ran.incrementAndGet());
        assertThat(crew.threadsStarted()).isEqualTo(1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (crew.threadsAlive() > 0 && System.nanoTime() < deadline) {
            sleep(10);
        }
        assertThat(crew.threadsAlive()).as("helper ended after 50 ms idle").isZero();
        crew.run(2, s -> ran.incrementAndGet());
        assertThat(ran.get()).isEqualTo(4);
        assertThat(crew.threadsStarted()).isEqualTo(2);
        // many sections racing the idle exit: none is lost
        for (int i = 0; i < 200; i++) {
            if (i % 20 == 0) {
                sleep(55);
            }
            crew.run(2, s -> ran.incrementAndGet());
        }
        assertThat(ran.get()).isEqualTo(404);
    }

    @Test
    void aSectionWiderThanTheCrewIsRefused() {
        WorkerCrew crew = new WorkerCrew(2, "t", 0, 10_000 * MS);
        assertThatThrownBy(() -> crew.run(3, s -> { })).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("section of 3 parts for a crew of 2");
        assertThatThrownBy(() -> new WorkerCrew(1, "t")).isInstanceOf(IllegalArgumentException.class);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
