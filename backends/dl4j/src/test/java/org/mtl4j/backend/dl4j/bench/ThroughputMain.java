package org.mtl4j.backend.dl4j.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.backend.TrainingStep;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.Feature;
import org.mtl4j.api.spec.DenseInput;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.backend.dl4j.Dl4jBackend;

/**
 * Training throughput on the MMoE paper's synthetic data (a CSV from the PyTorch peer's
 * gen_synthetic.py) with the paper's model sizes, measured like the peer: examples/s of the
 * optimisation loop per epoch, mean over epochs >= 2. Not a test; run it beside the peer:
 *
 * <pre>
 * OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 java -cp ... org.mtl4j.backend.dl4j.bench.ThroughputMain train.csv sb|mmoe|ple [epochs] [batch]
 * </pre>
 */
public final class ThroughputMain {
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    private static final boolean SPLIT = Boolean.getBoolean("bench.split");
    private static final long[] split = new long[3];

    private ThroughputMain() {
    }

    public static void main(String[] args) throws IOException {
        Path csv = Path.of(args[0]);
        String model = args.length > 1 ? args[1] : "mmoe";
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int batchSize = args.length > 3 ? Integer.parseInt(args[3]) : 256;
        List<float[]> rows = new ArrayList<>();
        int d;
        try (BufferedReader r = Files.newBufferedReader(csv)) {
            String[] header = r.readLine().split(",");
            d = header.length - 2;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] p = line.split(",");
                float[] v = new float[p.length];
                for (int i = 0; i < p.length; i++) {
                    v[i] = Float.parseFloat(p[i]);
                }
                rows.add(v);
            }
        }
        int n = rows.size();
        float[] x = new float[n * d];
        float[] y1 = new float[n];
        float[] y2 = new float[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(rows.get(i), 0, x, i * d, d);
            y1[i] = rows.get(i)[d];
            y2[i] = rows.get(i)[d + 1];
        }
        List<String> cols = new ArrayList<>();
        for (int j = 0; j < d; j++) {
            cols.add("x" + j);
        }
        Topology topo = switch (model) {
            case "sb" -> new Topology.SharedBottom(List.of(113));
            case "ple" -> new Topology.Ple(1, 4, 2, List.of(16));
            default -> new Topology.Mmoe(8, List.of(16), List.of());
        };
        List<TaskSpec> tasks = List.of(TaskSpec.regression("y1", "y1"), TaskSpec.regression("y2", "y2"));
        ModelSpec spec = new ModelSpec("bench", List.of(new DenseInput("x", cols, false)), tasks, topo, null, null, null,
                OptimizerSpec.adam(1e-3), new TrainingSpec(epochs, batchSize, 0, 0, null, 0, 1000), "dl4j");
        TrainableModel m = new Dl4jBackend().compile(spec, Map.of(), Map.of());
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        Random rng = new Random(0);
        double[] w = {1, 1};
        List<Double> rates = new ArrayList<>();
        float[] bx = new float[batchSize * d];
        float[] b1 = new float[batchSize];
        float[] b2 = new float[batchSize];
        for (int e = 1; e <= epochs; e++) {
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
            double loss = 0;
            long t0 = System.nanoTime();
            long c0 = THREADS.getCurrentThreadCpuTime();
            long p0 = OS.getProcessCpuTime();
            for (int s = 0; s < n; s += batchSize) {
                int bs = Math.min(batchSize, n - s);
                float[] xb = bs == batchSize ? bx : new float[bs * d];
                float[] yb1 = bs == batchSize ? b1 : new float[bs];
                float[] yb2 = bs == batchSize ? b2 : new float[bs];
                for (int r = 0; r < bs; r++) {
                    int src = perm[s + r];
                    System.arraycopy(x, src * d, xb, r * d, d);
                    yb1[r] = y1[src];
                    yb2[r] = y2[src];
                }
                Map<String, float[]> labels = new HashMap<>();
                labels.put("y1", yb1);
                labels.put("y2", yb2);
                Batch b = new Batch(bs, Map.of("x", new Feature.Dense(d, xb)), labels, null, null);
                long a0 = SPLIT ? THREADS.getCurrentThreadCpuTime() : 0;
                TrainingStep st = m.step(b);
                long a1 = SPLIT ? THREADS.getCurrentThreadCpuTime() : 0;
                st.backward(w);
                long a2 = SPLIT ? THREADS.getCurrentThreadCpuTime() : 0;
                m.applyUpdate();
                if (SPLIT) {
                    long a3 = THREADS.getCurrentThreadCpuTime();
                    split[0] += a1 - a0;
                    split[1] += a2 - a1;
                    split[2] += a3 - a2;
                }
                loss += (st.losses().losses()[0] + st.losses().losses()[1]) * bs;
            }
            double sec = (System.nanoTime() - t0) / 1e9;
            double cpu = (THREADS.getCurrentThreadCpuTime() - c0) / 1e9;
            double pcpu = (OS.getProcessCpuTime() - p0) / 1e9;
            double rate = n / sec;
            if (e > 1 || epochs == 1) {
                rates.add(rate);
            }
            if (SPLIT) {
                System.out.printf("[dl4j] cpu split: forward %.3fs backward %.3fs update %.3fs%n", split[0] / 1e9, split[1] / 1e9, split[2] / 1e9);
                java.util.Arrays.fill(split, 0);
            }
            System.out.printf("[dl4j] %s epoch %d train %.2fs (cpu main %.2fs, process %.2fs, load %.1f) %,.0f ex/s loss %.5f%n", model, e, sec, cpu,
                    pcpu, OS.getSystemLoadAverage(), rate, loss / n);
        }
        if (Boolean.getBoolean("bench.threads")) {
            long sum = 0;
            for (long id : THREADS.getAllThreadIds()) {
                java.lang.management.ThreadInfo ti = THREADS.getThreadInfo(id);
                long c = THREADS.getThreadCpuTime(id);
                sum += Math.max(c, 0);
                if (ti != null && c > 50_000_000L) {
                    System.out.printf("[dl4j] thread %-40s cpu %.2fs%n", ti.getThreadName(), c / 1e9);
                }
            }
            System.out.printf("[dl4j] java threads %.2fs, process %.2fs%n", sum / 1e9, OS.getProcessCpuTime() / 1e9);
            try (java.util.stream.Stream<Path> procTasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path t : (Iterable<Path>) procTasks::iterator) {
                    String stat = Files.readString(t.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    if (ticks > 5) {
                        String ctx = Files.readAllLines(t.resolve("status")).stream().filter(l -> l.contains("ctxt_switches"))
                                .map(l -> l.replaceAll("\\s+", " ")).reduce("", (u, v) -> u + " " + v);
                        System.out.printf("[dl4j] task %-20s %.2fs%s%n", Files.readString(t.resolve("comm")).trim(), ticks / 100.0, ctx);
                    }
                }
            }
        }
        System.out.printf("[dl4j] %s steady %,.0f ex/s (mean of epochs >= 2), %,.0f ex/s (mean of the last half, JIT warm)%n", model,
                rates.stream().mapToDouble(Double::doubleValue).average().orElse(0),
                rates.subList(rates.size() / 2, rates.size()).stream().mapToDouble(Double::doubleValue).average().orElse(0));
    }
}
