package org.mtl4j.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mtl4j.bench.internal.CpuCounter;
import org.mtl4j.bench.internal.ResultsReport;
import org.mtl4j.data.FunnelGenerator;
import org.mtl4j.data.MmoeSyntheticGenerator;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The entry point of {@code ./bench}: generates the data, runs one group of JMH benchmarks and
 * writes its results as a TSV file, or merges the TSV files into the markdown report.
 *
 * <pre>
 * generate --mmoe-train F --mmoe-test F --mmoe-rows N --funnel F --funnel-rows N
 * throughput --csv F [--rows N] [--models a,b] [--batches 256,2048] --out F [--quick]
 * balancers [--tasks 2,3,5] [--balancers a,b] --out F [--quick]
 * tribuo --csv F [--rows N] --out F [--quick]
 * serving [--threads 1,2] [--candidates 1,100,500] --out F [--quick]
 * serving-report --dir D --out F   (replaces only the serving section of F)
 * funnel-world --users N --items N --rows N --test-rows N [--seed 11] --train F --test F
 * scale --backend dl4j|tribuo --users N --items N [--seed 42] --train F --test F --out F
 * workers --workload mmoe|funnel --csv F [--users N --items N] [--batch 2048] [--rows N] [--workers 1,2] [--epochs 3]
 *         [--prefetch 0,2] --out F
 * workers-report --dir D --out F   (replaces only the workers section of F)
 * report --dir D --out F
 * </pre>
 * Every JMH option not given here keeps the benchmark class's annotation; {@code --quick} runs one
 * short warm-up and two short measurement iterations.
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage("no command given");
        }
        Map<String, String> o = options(args);
        switch (args[0]) {
            case "generate":
                generate(o);
                break;
            case "throughput":
                throughput(o);
                break;
            case "balancers":
                balancers(o);
                break;
            case "tribuo":
                tribuo(o);
                break;
            case "serving":
                serving(o);
                break;
            case "serving-report":
                Path out = Path.of(required(o, "out"));
                String old = Files.isRegularFile(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
                String merged = ResultsReport.replaceServing(old, Path.of(required(o, "dir")));
                Files.writeString(out, merged, StandardCharsets.UTF_8);
                System.out.print(merged);
                break;
            case "funnel-world":
                ScaleBench.world(Integer.parseInt(required(o, "users")), Integer.parseInt(required(o, "items")),
                        Long.parseLong(required(o, "rows")), Long.parseLong(required(o, "test-rows")),
                        Long.parseLong(o.getOrDefault("seed", "11")), Path.of(required(o, "train")), Path.of(required(o, "test")));
                break;
            case "scale":
                ScaleBench.run(required(o, "backend"), Integer.parseInt(required(o, "users")), Integer.parseInt(required(o, "items")),
                        Long.parseLong(o.getOrDefault("seed", "42")), Path.of(required(o, "train")), Path.of(required(o, "test")),
                        Path.of(required(o, "out")));
                break;
            case "workers":
                WorkersBench.run(required(o, "workload"), Path.of(required(o, "csv")), Integer.parseInt(o.getOrDefault("users", "0")),
                        Integer.parseInt(o.getOrDefault("items", "0")), Integer.parseInt(o.getOrDefault("batch", "2048")),
                        Long.parseLong(o.getOrDefault("rows", "0")), ints(o.getOrDefault("workers", "1,2")),
                        Integer.parseInt(o.getOrDefault("epochs", "3")), ints(o.getOrDefault("prefetch", "0,2")),
                        Path.of(required(o, "out")));
                break;
            case "workers-report":
                Path wout = Path.of(required(o, "out"));
                String wold = Files.isRegularFile(wout) ? Files.readString(wout, StandardCharsets.UTF_8) : "";
                String wmerged = WorkersBench.replaceSection(wold, Path.of(required(o, "dir")));
                Files.writeString(wout, wmerged, StandardCharsets.UTF_8);
                System.out.print(WorkersBench.render(Path.of(required(o, "dir"))));
                break;
            case "report":
                String md = ResultsReport.render(Path.of(required(o, "dir")));
                Files.writeString(Path.of(required(o, "out")), md, StandardCharsets.UTF_8);
                System.out.print(md);
                break;
            default:
                usage("unknown command \"" + args[0] + "\"");
        }
    }

    private static void usage(String why) {
        throw new IllegalArgumentException(why + " (commands: generate, throughput, balancers, tribuo, serving, funnel-world, scale, workers, report, serving-report, workers-report; see the"
                + " javadoc of org.mtl4j.bench.BenchMain)");
    }

    /** --key value pairs after the command; a flag without a value (--quick) maps to "true". */
    static Map<String, String> options(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("argument " + i + " (\"" + a + "\") should be an option --name [value]");
            }
            String key = a.substring(2);
            if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                o.put(key, args[++i]);
            } else {
                o.put(key, "true");
            }
        }
        return o;
    }

    private static String required(Map<String, String> o, String key) {
        String v = o.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing option --" + key);
        }
        return v;
    }

    private static void generate(Map<String, String> o) {
        long mmoeRows = Long.parseLong(o.getOrDefault("mmoe-rows", "100000"));
        MmoeSyntheticGenerator mmoe = new MmoeSyntheticGenerator(MmoeSyntheticGenerator.Config.paper(0.5, 2018));
        long t0 = System.nanoTime();
        mmoe.writeCsv(Path.of(required(o, "mmoe-train")), mmoeRows, 1);
        mmoe.writeCsv(Path.of(required(o, "mmoe-test")), Math.max(1000, mmoeRows / 10), 2);
        long funnelRows = Long.parseLong(o.getOrDefault("funnel-rows", "100000"));
        new FunnelGenerator().writeCsv(Path.of(required(o, "funnel")), funnelRows, 1);
        System.out.printf(Locale.ROOT, "[bench] generated MMoE synthetic (rho 0.5) %d + %d rows and funnel %d rows in %.1fs%n",
                mmoeRows, Math.max(1000, mmoeRows / 10), funnelRows, (System.nanoTime() - t0) / 1e9);
    }

    /** JMH options for one benchmark class; side results (CPU time, peak memory) go to {@code side}. */
    private static ChainedOptionsBuilder jmh(Map<String, String> o, Class<?> bench, Path side) {
        // forks get the property on their command line, an in-process run (--forks 0) from here
        System.setProperty(CpuCounter.SIDE_FILE_PROPERTY, side.toString());
        ChainedOptionsBuilder b = new OptionsBuilder().include(bench.getName() + "\\.").shouldFailOnError(true)
                .jvmArgsAppend("-D" + CpuCounter.SIDE_FILE_PROPERTY + "=" + side);
        if (o.containsKey("quick")) {
            b.warmupIterations(2).warmupTime(TimeValue.seconds(1)).measurementIterations(3)
                    .measurementTime(TimeValue.seconds(1));
        }
        if (o.containsKey("forks")) {
            b.forks(Integer.parseInt(o.get("forks")));
        }
        return b;
    }

    private static void throughput(Map<String, String> o) throws RunnerException, IOException {
        Path side = Files.createTempFile("mtl4j-bench-side", ".tsv");
        ChainedOptionsBuilder b = jmh(o, ThroughputBench.class, side).param("csv", required(o, "csv"))
                .param("rows", o.getOrDefault("rows", "0"));
        if (o.containsKey("models")) {
            b.param("model", o.get("models").split(","));
        }
        if (o.containsKey("batches")) {
            b.param("batch", o.get("batches").split(","));
        }
        Collection<RunResult> results = new Runner(b.build()).run();
        Map<String, String[]> sides = side(side, "throughput", 2);
        String threads = System.getenv("OMP_NUM_THREADS");
        List<String> out = new ArrayList<>();
        for (RunResult r : results) {
            String model = r.getParams().getParam("model");
            int batch = Integer.parseInt(r.getParams().getParam("batch"));
            Result<?> res = r.getPrimaryResult();
            String[] sd = sides.get(model + "/" + batch);
            double cpuNs = sd == null ? Double.NaN : number(sd[5]);
            out.add(String.format(Locale.ROOT, "%s\t%d\t%s\t%.1f\t%.1f\t%s\t%.1f", model, batch, threads == null ? "default" : threads,
                    res.getScore() * batch, finite(res.getScoreError()) * batch, sd == null ? "NaN" : sd[4], batch / (cpuNs / 1e9)));
        }
        append(Path.of(required(o, "out")), out);
    }

    private static void balancers(Map<String, String> o) throws RunnerException, IOException {
        Path side = Files.createTempFile("mtl4j-bench-side", ".tsv");
        ChainedOptionsBuilder b = jmh(o, BalancerCostBench.class, side);
        if (o.containsKey("tasks")) {
            b.param("tasks", o.get("tasks").split(","));
        }
        if (o.containsKey("balancers")) {
            b.param("balancer", o.get("balancers").split(","));
        }
        Collection<RunResult> results = new Runner(b.build()).run();
        Map<String, String[]> sides = side(side, "balancer", 2);
        List<String> out = new ArrayList<>();
        for (RunResult r : results) {
            String name = r.getParams().getParam("balancer");
            String tasks = r.getParams().getParam("tasks");
            Result<?> res = r.getPrimaryResult();
            String[] sd = sides.get(tasks + "/" + name);
            out.add(String.format(Locale.ROOT, "%s\t%s\t%s\t%.2f\t%.2f\t%.2f", tasks, name,
                    BalancerCostBench.isAggregator(name) ? "aggregator" : "weighting", res.getScore(), finite(res.getScoreError()),
                    sd == null ? Double.NaN : number(sd[3]) / 1e3));
        }
        append(Path.of(required(o, "out")), out);
    }

    private static void tribuo(Map<String, String> o) throws RunnerException, IOException {
        String rows = o.getOrDefault("rows", "0");
        Path side = Files.createTempFile("mtl4j-bench-side", ".tsv");
        ChainedOptionsBuilder b = jmh(o, TribuoFmBench.class, side).param("csv", required(o, "csv")).param("rows", rows);
        Collection<RunResult> results = new Runner(b.build()).run();
        Map<String, String[]> sides = side(side, "tribuo", 1);
        List<String> out = new ArrayList<>();
        for (RunResult r : results) {
            String method = r.getParams().getBenchmark();
            String name = method.endsWith("jointEpoch") ? "mtl4j joint FM (ctr + ctcvr, batch " + r.getParams().getParam("batch") + ")"
                    : "Tribuo FMClassificationTrainer, task " + r.getParams().getParam("task");
            Result<?> res = r.getPrimaryResult();
            String[] sd = sides.get(method.endsWith("jointEpoch") ? "joint" : r.getParams().getParam("task"));
            out.add(String.format(Locale.ROOT, "%s\t%s\t%s\t%.2f\t%.2f\t%.2f", method.endsWith("jointEpoch") ? "joint" : "single",
                    name, rows, res.getScore(), finite(res.getScoreError()), sd == null ? Double.NaN : number(sd[2]) / 1e6));
        }
        append(Path.of(required(o, "out")), out);
    }

    /**
     * Serving latency: per client-thread count one JMH run of the Predictor (text and typed requests)
     * and one of ONNX Runtime on the same model; TSV candidates, threads, p50, p99, p99.9, mean (us),
     * samples, api. Then per request CPU time and allocation of each Predictor API on one thread
     * ({@code serving-cpu.tsv}) and the interleaved Predictor-versus-ONNX-Runtime comparison
     * ({@link ServingComparison}, {@code serving-vs-ort.tsv}).
     */
    private static void serving(Map<String, String> o) throws Exception {
        Path side = Files.createTempFile("mtl4j-bench-side", ".tsv");
        List<String> out = new ArrayList<>();
        String[] candidates = o.getOrDefault("candidates", "1,100,500").split(",");
        for (String th : o.getOrDefault("threads", "1,2").split(",")) {
            int threads = Integer.parseInt(th.trim());
            ChainedOptionsBuilder b = jmh(o, ServingLatencyBench.class, side).threads(threads).param("candidates", candidates);
            ChainedOptionsBuilder ort = jmh(o, OnnxRuntimeLatencyBench.class, side).threads(threads).param("candidates", candidates)
                    .exclude(OnnxRuntimeLatencyBench.class.getName() + "\\." + (threads == 1 ? "score2Threads" : "score1Thread"));
            List<RunResult> results = new ArrayList<>(new Runner(b.build()).run());
            results.addAll(new Runner(ort.build()).run());
            for (RunResult r : results) {
                Result<?> res = r.getPrimaryResult();
                var st = res.getStatistics();
                String label = r.getParams().getBenchmark();
                String api = label.contains("OnnxRuntime") ? "onnxruntime" : label.endsWith("scoreTyped") ? "typed" : "text";
                out.add(String.format(Locale.ROOT, "%s\t%s\t%.1f\t%.1f\t%.1f\t%.1f\t%d\t%s", r.getParams().getParam("candidates"),
                        th.trim(), st.getPercentile(50), st.getPercentile(99), st.getPercentile(99.9), st.getMean(), st.getN(), api));
            }
        }
        Files.deleteIfExists(side);
        append(Path.of(required(o, "out")), out);
        // per request on the calling thread, in-process: CPU time (insensitive to other processes' load) and bytes allocated
        int calls = o.containsKey("quick") ? 500 : 3000;
        List<String> cpu = new ArrayList<>();
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (String n : candidates) {
            ServingLatencyBench b = new ServingLatencyBench();
            b.candidates = Integer.parseInt(n.trim());
            b.setUp();
            ServingLatencyBench.Typed typed = new ServingLatencyBench.Typed();
            typed.make(b);
            try {
                for (String api : List.of("text", "typed")) {
                    Runnable call = api.equals("text") ? b::score : () -> b.scoreTyped(typed);
                    for (int i = 0; i < calls; i++) {
                        call.run();
                    }
                    long tid = Thread.currentThread().getId();
                    long cpu0 = mx.getCurrentThreadCpuTime();
                    long alloc0 = mx.getThreadAllocatedBytes(tid);
                    for (int i = 0; i < calls; i++) {
                        call.run();
                    }
                    double cpuUs = (mx.getCurrentThreadCpuTime() - cpu0) / 1e3 / calls;
                    double bytes = (double) (mx.getThreadAllocatedBytes(tid) - alloc0) / calls;
                    cpu.add(String.format(Locale.ROOT, "%s\t%.1f\t%.0f\t%d\t%s", n.trim(), cpuUs, bytes, calls, api));
                }
            } finally {
                b.tearDown();
            }
        }
        append(Path.of(required(o, "out")).resolveSibling("serving-cpu.tsv"), cpu);
        int[] ns = java.util.Arrays.stream(candidates).mapToInt(x -> Integer.parseInt(x.trim())).toArray();
        int[] ths = java.util.Arrays.stream(o.getOrDefault("threads", "1,2").split(",")).mapToInt(x -> Integer.parseInt(x.trim())).toArray();
        List<String> vs = ServingComparison.run(ns, ths, o.containsKey("quick") ? 3 : 12);
        append(Path.of(required(o, "out")).resolveSibling("serving-vs-ort.tsv"), vs);
    }

    /**
     * The side file's lines of one kind, keyed by their next {@code keyFields} fields joined with "/"
     * (the file is deleted after reading).
     */
    private static Map<String, String[]> side(Path file, String kind, int keyFields) throws IOException {
        Map<String, String[]> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String[] p = line.split("\t");
            if (p.length > keyFields && p[0].equals(kind)) {
                out.put(String.join("/", java.util.Arrays.asList(p).subList(1, 1 + keyFields)), p);
            }
        }
        Files.deleteIfExists(file);
        return out;
    }

    private static double number(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : Double.NaN;
    }

    private static void append(Path file, List<String> lines) {
        try {
            Files.write(file, lines, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write results to " + file, e);
        }
    }

    private static List<Integer> ints(String csv) {
        List<Integer> out = new ArrayList<>();
        for (String p : csv.split(",")) {
            out.add(Integer.parseInt(p.trim()));
        }
        return out;
    }
}
