package org.mtl4j.backend.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.balance.PlainState;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.Feature;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.CategoricalInput;
import org.mtl4j.api.spec.DenseInput;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.api.train.TrainingHistory;
import org.mtl4j.training.internal.Checkpoint;
import org.mtl4j.training.internal.ModelState;

/**
 * A model whose state is three times the heap saves, loads, checkpoints and early-stop-snapshots
 * (issue 13): a child JVM with {@code -Xmx128m} compiles a model with a 2M-row x 16 user table (128 MB
 * of parameters, 384 MB with the two Adam moments, off-heap in ND4J), trains a few steps, saves it,
 * loads it back and predicts bit-identically over ids spread across the whole table; then writes a
 * checkpoint of it, reads it and restores it into a fresh model, again bit-identical. Before the
 * state streamed, save built the state in one {@code byte[]} and died with an OutOfMemoryError.
 */
class LargeStateFileTest {
    /** Table rows: 2M in the test; {@code -Dmtl4j.largeState.rows=12000000} runs the child at the 10M-user scale by hand. */
    static final int ROWS = Integer.getInteger("mtl4j.largeState.rows", 2_000_000);
    static final int DIM = 16;

    @TempDir
    Path dir;

    @Test
    void aStateThreeTimesTheHeapSavesLoadsAndCheckpointsByStreaming() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(javaBin, "-Xmx128m", "-XX:+UseSerialGC",
                "-Dorg.bytedeco.javacpp.maxbytes=2g", "-Dorg.bytedeco.javacpp.maxphysicalbytes=3g",
                "-cp", System.getProperty("java.class.path"), LargeStateMain.class.getName(), dir.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as(out).contains("saved-loaded identical").contains("checkpoint identical");
        System.out.println(out.lines().filter(l -> l.startsWith("large-state")).reduce("", (a, b) -> a + b + "\n"));
    }

    /**
     * A state above the 16 MiB that {@code ModelArchive.read} keeps in memory is streamed on load; a byte
     * flipped in it still fails the load naming the file and the entry (checked as the stream ends).
     */
    @Test
    void aCorruptedStreamedStateFailsTheLoadNamingFileAndEntry() throws Exception {
        int rows = 400_000; // 25.6 MB of table, 77 MB of state with the Adam moments
        ModelSpec spec = LargeStateMain.spec();
        TrainableModel model = new Dl4jBackend().compile(spec, Map.of("user", Vocabulary.hashed("user", rows - 2)), Map.of());
        Path file = dir.resolve("flipped.mtl");
        model.save(file);
        assertThat(org.mtl4j.spi.io.ModelArchive.read(file).entrySize("state.bin")).isGreaterThan(16L << 20);
        byte[] b = Files.readAllBytes(file);
        int at = new String(b, StandardCharsets.ISO_8859_1).indexOf("backend/state.bin") + 5_000_000;
        b[at] ^= 0x55;
        Files.write(file, b);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Dl4jBackend().load(file))
                .isInstanceOf(org.mtl4j.spi.io.ModelFileException.class)
                .hasMessageStartingWith(file + ": corrupt model file: entry 'backend/state.bin' ");
    }

    /** The child: everything in a heap of 128 MB, the ND4J state off-heap. */
    public static final class LargeStateMain {
        public static void main(String[] args) throws Exception {
            Path dir = Path.of(args[0]);
            ModelSpec spec = spec();
            Map<String, Vocabulary> vocab = Map.of("user", Vocabulary.hashed("user", ROWS - 2));
            Dl4jBackend backend = new Dl4jBackend();
            TrainableModel model = backend.compile(spec, vocab, Map.of());
            for (int i = 0; i < 5; i++) {
                model.step(batch(64, 10 + i)).backward(new double[] {1});
                model.applyUpdate();
            }
            Batch probe = batch(256, 99);
            float[] expected = model.predict(probe).outputs().get("ctr");

            Path file = dir.resolve("large.mtl");
            long t0 = System.nanoTime();
            model.save(file);
            long t1 = System.nanoTime();
            TrainableModel loaded = backend.load(file);
            long t2 = System.nanoTime();
            check(expected, loaded.predict(probe).outputs().get("ctr"), "saved-loaded");
            loaded = null;

            ModelState state = ModelState.of(model);
            Checkpoint c = new Checkpoint(List.of("ctr"), 0, 5, 5, Checkpoint.EpochState.zero(1), Checkpoint.EarlyStop.NONE,
                    new TrainingHistory(List.of("ctr"), List.of(), List.of(), null), List.of(PlainState.EMPTY), state);
            Path ckpt = dir.resolve("latest.ckpt");
            long t3 = System.nanoTime();
            c.write(ckpt);
            state = null;
            c = null;
            Checkpoint back = Checkpoint.read(ckpt);
            TrainableModel fresh = backend.compile(spec, vocab, Map.of());
            back.modelState().restore(fresh);
            long t4 = System.nanoTime();
            check(expected, fresh.predict(probe).outputs().get("ctr"), "checkpoint");

            long peak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    peak += pool.getPeakUsage().getUsed();
                }
            }
            System.out.printf("large-state: %d rows x %d, state %d bytes, model file %d bytes, checkpoint %d bytes; save %.1f s, "
                    + "load %.1f s, checkpoint write+read+restore %.1f s; peak heap %.0f MB of %.0f MB%n", ROWS, DIM,
                    back.modelState().size(), Files.size(file), Files.size(ckpt), (t1 - t0) / 1e9, (t2 - t1) / 1e9,
                    (t4 - t3) / 1e9, peak / 1e6, Runtime.getRuntime().maxMemory() / 1e6);
        }

        static ModelSpec spec() {
            return new ModelSpec("large", List.of(new DenseInput("x", List.of("x0", "x1"), false),
                    new CategoricalInput("user", "user", DIM, null, null)),
                    List.of(Fixtures.task("ctr", TaskKind.BINARY, 1, null, null, List.of(4))),
                    new Topology.SharedBottom(List.of(8)), null, null, null, OptimizerSpec.adam(1e-2),
                    new TrainingSpec(1, 64, 7L, 0, null, 0, 1000), "dl4j");
        }

        private static void check(float[] expected, float[] actual, String what) {
            if (!java.util.Arrays.equals(expected, actual)) {
                throw new AssertionError(what + ": predictions differ");
            }
            System.out.println(what + " identical");
        }

        /** Users spread over the whole table, a learnable signal on x. */
        private static Batch batch(int n, long seed) {
            Random rng = new Random(seed);
            float[] x = new float[n * 2];
            int[] users = new int[n];
            float[] y = new float[n];
            for (int r = 0; r < n; r++) {
                x[2 * r] = (float) rng.nextGaussian();
                x[2 * r + 1] = (float) rng.nextGaussian();
                users[r] = 2 + rng.nextInt(ROWS - 2);
                y[r] = x[2 * r] > 0 ? 1f : 0f;
            }
            Map<String, Feature> f = new HashMap<>();
            f.put("x", new Feature.Dense(2, x));
            f.put("user", new Feature.Ids(users));
            float[] mask = new float[n];
            java.util.Arrays.fill(mask, 1f);
            return new Batch(n, f, Map.of("ctr", y), Map.of("ctr", mask), Map.of());
        }
    }
}
