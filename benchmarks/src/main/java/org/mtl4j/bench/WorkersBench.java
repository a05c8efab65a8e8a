package org.mtl4j.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.api.train.EpochSummary;
import org.mtl4j.api.train.TrainingListener;
import org.mtl4j.backend.dl4j.Dl4jBackend;
import org.mtl4j.backend.dl4j.internal.model.Dl4jModel;
import org.mtl4j.bench.internal.PreloadedDataset;
import org.mtl4j.data.CsvDataset;
import org.mtl4j.data.MmoeSyntheticGenerator;
import org.mtl4j.training.Trainer;

/**
 * Data-parallel workers (issue 15, {@code ./bench --parts workers}): the dl4j backend's training
 * throughput with 1 and N workers on the same batches, and how much of an epoch goes to input.
 *
 * <ul>
 * <li>{@code preloaded}: the rows are read into batches first (as the PyTorch peer holds its data in
 * memory), then {@code epochs} epochs are trained per worker count on a fresh model with the same seed;
 * rows/s is the median epoch of the second half ({@link #steadyEpoch}: the steady state after the JIT's
 * warm-up). The final training losses are printed too: they agree between worker counts up to float
 * rounding.</li>
 * <li>{@code csv-prefetch-P}: one epoch streamed from the CSV (parsing, vocabulary look-ups and the
 * shuffle buffer on the way), with P batches prefetched by a reader thread (0: read on the training
 * thread, the behaviour before issue 15); the input read time and the time training waited for it
 * come from the run's provenance.</li>
 * </ul>
 * Workloads: {@code mmoe} (the MMoE paper's synthetic sizes: 100 inputs, 8 experts of 16, towers of 8)
 * and {@code funnel} (issue 13's funnel recipe: embeddings 16/16/8 + 8 dense, shared-bottom [128, 64],
 * towers [32], Adam 1e-3). Appends {@code workload mode batch workers rows seconds rows_per_s input_read_s|cpu_s
 * input_wait_s ctr_loss load1} lines to {@code out}; preloaded rows give the process CPU seconds of the epoch in the
 * input-read column and, in the input-wait column, the epoch's estimated wall time on idle cores: the training
 * thread's CPU outside the worker sections (serial: reduction, optimiser, balancers, loop) plus, per section, the
 * CPU time of its slowest worker ({@link Dl4jModel#workerCpuNanos()}); GC and JIT threads are not in it. On a machine shared with other
 * jobs that estimate is the figure that does not depend on how the scheduler shared the cores.
 */
final class WorkersBench {
    static final String START = "<!-- workers:start -->";
    static final String END = "<!-- workers:end -->";

    private WorkersBench() {
    }

    static ModelSpec spec(String workload, int batch, int users, int items) {
        ModelSpec base = switch (workload) {
            case "mmoe" -> new MmoeSyntheticGenerator(MmoeSyntheticGenerator.Config.paper(0.5, 2018)).spec("mmoe");
            case "funnel" -> ScaleBench.spec(users, items, "dl4j", 42);
            default -> throw new IllegalArgumentException("workload must be mmoe or funnel, found " + workload);
        };
        TrainingSpec t = base.training();
        return base.withTraining(new TrainingSpec(1, batch, 42L, 0.0, null, 0, t.shuffleBuffer(), 1));
    }

    static void run(String workload, Path csv, int users, int items, int batch, long rows, List<Integer> workers, int epochs,
            List<Integer> prefetch, Path out) throws IOException {
        ModelSpec spec = spec(workload, batch, users, items);
        CsvDataset data = CsvDataset.builder(csv, spec).build();
        PreloadedDataset pre = PreloadedDataset.load(data, batch, 7L, true, rows);
        long n = pre.batchList().stream().mapToLong(b -> b.size()).sum();
        for (int w : workers) {
            ModelSpec s = spec.withTraining(new TrainingSpec(epochs, batch, 42L, 0.0, null, 0, spec.training().shuffleBuffer(), w));
            TrainableModel model = new Dl4jBackend().compile(s, data.vocabularies(), data.denseStats());
            List<EpochSummary> done = new ArrayList<>();
            List<Long> cpu = new ArrayList<>();
            List<long[]> section = new ArrayList<>();
            Dl4jModel dm = (Dl4jModel) model;
            // BENCH_WORKERS_SERIAL_UPDATE=1: the optimiser step on the training thread (the step before it was split)
            dm.serialUpdate("1".equals(System.getenv("BENCH_WORKERS_SERIAL_UPDATE")));
            List<long[]> profile = new ArrayList<>();
            profile.add(dm.serialCpuNanos());
            cpu.add(processCpuNanos());
            section.add(dm.workerCpuNanos());
            List<Long> mainCpu = new ArrayList<>();
            mainCpu.add(THREADS.getCurrentThreadCpuTime());
            Trainer.builder().prefetch(0).listener(new TrainingListener() {
                @Override
                public void onEpochEnd(EpochSummary e) {
                    done.add(e);
                    cpu.add(processCpuNanos());
                    section.add(dm.workerCpuNanos());
                    profile.add(dm.serialCpuNanos());
                    mainCpu.add(THREADS.getCurrentThreadCpuTime()); // listeners run on the training thread
                }
            }).build().fit(model, pre, null);
            int epoch = steadyEpoch(done);
            double loss = done.get(done.size() - 1).trainLoss().values().iterator().next();
            double cpuSeconds = (cpu.get(epoch + 1) - cpu.get(epoch)) / 1e9;
            long[] a = section.get(epoch);
            long[] b = section.get(epoch + 1);
            // idle-core estimate: the training thread's CPU outside worker sections (serial) plus each section's slowest
            // worker; GC and JIT threads are left out (they run beside the training thread)
            double serial = (mainCpu.get(epoch + 1) - mainCpu.get(epoch) - (b[2] - a[2])) / 1e9;
            double idle = serial + (b[1] - a[1]) / 1e9;
            write(out, workload, "preloaded", batch, w, n, done.get(epoch).seconds(), cpuSeconds, idle, loss);
            long[] pa = profile.get(epoch);
            long[] pb = profile.get(epoch + 1);
            // the training thread's serial CPU split: shard-gradient reduction, optimiser step (dense / table rows when
            // serial; with a parallel step, the caller's part of it is in the worker sections), the rest (balancers, loop)
            double reduction = (pb[0] - pa[0]) / 1e9;
            double update = (pb[1] - pa[1]) / 1e9;
            String line = String.format(Locale.ROOT, "%s\t%d\t%s\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%s%n", workload, w,
                    dm.workers() > 1 && !"1".equals(System.getenv("BENCH_WORKERS_SERIAL_UPDATE")) ? "parallel-update" : "serial-update",
                    idle, (b[1] - a[1]) / 1e9, serial, reduction, update, (pb[2] - pa[2]) / 1e9, (pb[3] - pa[3]) / 1e9, load1());
            System.out.print("profile " + line);
            Files.writeString(out.resolveSibling("workers-profile.tsv"), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
        // input: one epoch streamed from the CSV, at the largest worker count, per prefetch depth
        int w = workers.get(workers.size() - 1);
        for (int p : prefetch) {
            ModelSpec s = spec.withTraining(new TrainingSpec(1, batch, 42L, 0.0, null, 0, spec.training().shuffleBuffer(), w));
            TrainableModel model = new Dl4jBackend().compile(s, data.vocabularies(), data.denseStats());
            long t0 = System.nanoTime();
            Trainer.builder().prefetch(p).build().fit(model, data, null);
            double seconds = (System.nanoTime() - t0) / 1e9;
            Map<String, String> sum = model.provenance().summary();
            write(out, workload, "csv-prefetch-" + p, batch, w, data.size(), seconds, Double.parseDouble(sum.get("inputReadSeconds")),
                    Double.parseDouble(sum.get("inputWaitSeconds")), Double.NaN);
        }
    }

    /**
     * The epoch that stands for the steady state: the median epoch (by time) of the second half of the run. The
     * JIT keeps compiling the per-step methods (called a few hundred times an epoch) into the tenth epoch of
     * the MMoE workload, and with N workers on N cores each compilation stalls a worker and so the whole step:
     * 2-worker epochs fall from 1.48 s to ~0.61 s over epochs 0-9 and then stay at 0.59-0.65 s (24-epoch run,
     * 2026-12-03), while one worker (the compiler on the idle core) settles by epoch 2. The best epoch after
     * the first, used before, was an epoch of that warm-up with 4 epochs and a lucky one with many.
     */
    static int steadyEpoch(List<EpochSummary> done) {
        int from = done.size() / 2;
        List<Integer> idx = new ArrayList<>();
        for (int e = from; e < done.size(); e++) {
            idx.add(e);
        }
        idx.sort((x, y) -> Double.compare(done.get(x).seconds(), done.get(y).seconds()));
        return idx.get((idx.size() - 1) / 2);
    }

    private static void write(Path out, String workload, String mode, int batch, int workers, long rows, double seconds, double read,
            double wait, double loss) throws IOException {
        String line = String.format(Locale.ROOT, "%s\t%s\t%d\t%d\t%d\t%.2f\t%.0f\t%.2f\t%.2f\t%.6f\t%s%n", workload, mode, batch, workers,
                rows, seconds, rows / seconds, read, wait, loss, load1());
        System.out.print(line);
        Files.writeString(out, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    /** CPU time of the whole process (every thread, GC and JIT included). */
    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean s ? s.getProcessCpuTime() : -1;
    }

    private static String load1() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /**
     * {@code report} with its workers section replaced by the one rendered from {@code dir} (workers.tsv,
     * peer-workers.tsv, meta.tsv), or that section appended.
     */
    static String replaceSection(String report, Path dir) throws IOException {
        return org.mtl4j.bench.internal.ResultsReport.replaceSection(report, START, END, render(dir));
    }

    private static List<String[]> read(Path f) throws IOException {
        List<String[]> out = new ArrayList<>();
        if (Files.isRegularFile(f)) {
            for (String l : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                if (!l.isBlank()) {
                    out.add(l.split("\t", -1));
                }
            }
        }
        return out;
    }

    static String render(Path dir) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        for (String[] r : read(dir.resolve("meta.tsv"))) {
            meta.put(r[0], r.length > 1 ? r[1] : "");
        }
        StringBuilder md = new StringBuilder("## Data-parallel workers (issue 15)\n\n");
        md.append("Command: `").append(meta.getOrDefault("command", "./bench --parts workers")).append("`; ")
                .append(meta.getOrDefault("date", "?")).append("; ").append(meta.getOrDefault("cpu", "?")).append(", ")
                .append(meta.getOrDefault("cores", "?")).append(" cores; load average (1/5/15 min) at start ")
                .append(meta.getOrDefault("load_start", "?")).append(", at end ").append(meta.getOrDefault("load_end", "?"))
                .append(". The machine was shared with other jobs: the load column is the 1-minute load when each row finished.\n\n");
        Map<String, Double> oneWorker = new LinkedHashMap<>();
        Map<String, Double> oneIdle = new LinkedHashMap<>();
        List<String[]> rows = read(dir.resolve("workers.tsv"));
        md.append("Training throughput, dl4j, batches preloaded (the median epoch of the second half of the run: the steady state"
                + " after the JIT's warm-up):\n\n")
                .append("| workload | batch | workers | rows | s/epoch | rows/s | speed-up (wall) | process CPU s/epoch | "
                        + "est. s/epoch on idle cores | est. speed-up | final first-task loss | load |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (String[] r : rows) {
            if (!"preloaded".equals(r[1])) {
                continue;
            }
            double rps = Double.parseDouble(r[6]);
            double idle = Double.parseDouble(r[8]);
            String key = r[0] + "/" + r[2];
            if ("1".equals(r[3])) {
                oneWorker.put(key, rps);
                oneIdle.put(key, idle);
            }
            Double base = oneWorker.get(key);
            Double baseIdle = oneIdle.get(key);
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %,.0f | %s | %s | %.2f | %s | %s | %s |%n", r[0], r[2], r[3], r[4],
                    r[5], rps, base == null ? "" : String.format(Locale.ROOT, "%.2fx", rps / base), r[7], idle,
                    baseIdle == null ? "" : String.format(Locale.ROOT, "%.2fx", baseIdle / idle), r[9], r[10]));
        }
        md.append("\n`est. s/epoch on idle cores` does not depend on the load: the training thread's CPU time outside the "
                + "worker sections (the serial part: reduction, loss weighting, optimiser, loop) plus, for each parallel section, "
                + "the CPU time of its slowest worker (`Dl4jModel.workerCpuNanos`); GC and JIT threads are left out. With one worker "
                + "it is the training thread's CPU time. Wall-clock speed-up on a machine whose load exceeds its cores measures the "
                + "scheduler, not the code.\n");
        List<String[]> peer = read(dir.resolve("peer-workers.tsv"));
        if (!peer.isEmpty()) {
            md.append("\nPyTorch peer (`shared/peer/mtl_peer.py`, same CSV and rows, `--threads` 1 vs 2, OPENBLAS_NUM_THREADS=1; "
                    + "ex/s = mean of the epochs after the first):\n\n")
                    .append("| workload | batch | threads | rows | rows/s | speed-up | load |\n|---|---|---|---|---|---|---|\n");
            Map<String, Double> peerOne = new LinkedHashMap<>();
            for (String[] r : peer) {
                double rps = Double.parseDouble(r[4]);
                String key = r[0] + "/" + r[1];
                if ("1".equals(r[2])) {
                    peerOne.put(key, rps);
                }
                Double base = peerOne.get(key);
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %,.0f | %s | %s |%n", r[0], r[1], r[2], r[3], rps,
                        base == null ? "" : String.format(Locale.ROOT, "%.2fx", rps / base), r.length > 5 ? r[5] : ""));
            }
        }
        md.append("\nInput: one epoch streamed from the CSV (parse, vocabulary look-up, shuffle buffer) at the largest worker "
                + "count; `read` is the time spent producing batches, `waited` the part of it the training loop waited for "
                + "(prefetch 0 = read on the training thread, the behaviour before issue 15):\n\n")
                .append("| workload | batch | workers | mode | s/epoch | rows/s | input read s | training waited s | load |\n")
                .append("|---|---|---|---|---|---|---|---|---|\n");
        for (String[] r : rows) {
            if (!r[1].startsWith("csv-")) {
                continue;
            }
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %,.0f | %s | %s | %s |%n", r[0], r[2], r[3], r[1], r[5],
                    Double.parseDouble(r[6]), r[7], r[8], r[10]));
        }
        md.append('\n');
        return md.toString();
    }
}
