package org.mtl4j.bench.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Merges the TSV files of one {@code ./bench} run into the markdown report: {@code meta.tsv} (key, value),
 * {@code throughput.tsv} (model, batch, threads, ex/s, error, peak RSS MiB, ex per CPU-second),
 * {@code peer.tsv} (model, batch, threads, ex/s, peak RSS MiB, ex per CPU-second), {@code balancers.tsv}
 * (tasks, balancer, kind, us/step, error, CPU us/step) and {@code tribuo.tsv} (kind, name, rows, ms/epoch,
 * error, CPU ms/epoch). A missing file leaves its section saying so.
 */
public final class ResultsReport {
    private ResultsReport() {
    }

    /** The report for the results in {@code dir}. */
    public static String render(Path dir) {
        StringBuilder md = new StringBuilder();
        Map<String, String> meta = new LinkedHashMap<>();
        for (String[] r : read(dir.resolve("meta.tsv"))) {
            if (r.length >= 2) {
                // a results folder filled by several runs (--results) lists each run's value
                meta.merge(r[0], r[1], (a, b) -> a.equals(b) ? a : a + "; then " + b);
            }
        }
        md.append("# mtl4j benchmark results\n\n");
        md.append("Measured by `").append(meta.getOrDefault("command", "./bench")).append("` on ")
                .append(meta.getOrDefault("date", "?")).append(": ").append(meta.getOrDefault("cpu", "?")).append(", ")
                .append(meta.getOrDefault("cores", "?")).append(" cores, **load average ")
                .append(meta.getOrDefault("load_start", "?")).append(" at the start, ").append(meta.getOrDefault("load_end", "?"))
                .append(" at the end** (a shared machine: compare ratios measured side by side, not absolute numbers); ")
                .append(meta.getOrDefault("java", "?")).append("; peer: ").append(meta.getOrDefault("peer", "not run"))
                .append(meta.containsKey("threads") ? "; threads: " + meta.get("threads") : "").append(".\n\n");
        throughput(md, dir, meta);
        balancers(md, dir);
        tribuo(md, dir);
        scale(md, dir);
        md.append(SERVING_START).append('\n').append(serving(dir)).append(SERVING_END).append('\n');
        return md.toString();
    }

    static final String SERVING_START = "<!-- serving:start -->";
    static final String SERVING_END = "<!-- serving:end -->";

    /**
     * {@code report} with its serving section (between the serving markers) replaced by the one of
     * {@code dir}, or that section appended: {@code ./bench --parts serving} leaves the other tables as they were.
     */
    public static String replaceServing(String report, Path dir) {
        return replaceSection(report, SERVING_START, SERVING_END, serving(dir));
    }

    /**
     * {@code report} with the text between the markers {@code start} and {@code end} replaced by {@code body}, or the
     * marked section appended: a {@code --parts} run that rewrites only its own section.
     */
    public static String replaceSection(String report, String start, String end, String body) {
        String section = start + "\n" + body + end;
        int a = report.indexOf(start);
        int b = report.indexOf(end);
        if (a >= 0 && b > a) {
            return report.substring(0, a) + section + report.substring(b + end.length());
        }
        if (report.isEmpty()) {
            return "# mtl4j benchmark results\n\n" + section + "\n";
        }
        return report + (report.endsWith("\n") ? "\n" : "\n\n") + section + "\n";
    }

    /**
     * The serving latency section: {@code serving.tsv} (candidates, threads, p50, p99, p99.9, mean us,
     * samples, api: text, typed or onnxruntime), {@code serving-cpu.tsv} (candidates, CPU us per request,
     * bytes allocated per request, requests, api) and {@code serving-vs-ort.tsv} (candidates, threads,
     * side, mean, p50, p99 wall us, mean CPU us, calls, max |diff|), the interleaved comparison.
     */
    static String serving(Path dir) {
        StringBuilder md = new StringBuilder("## Serving latency (Predictor.score, MMoE funnel model)\n\n");
        Map<String, String> meta = new LinkedHashMap<>();
        for (String[] r : read(dir.resolve("meta.tsv"))) {
            if (r.length >= 2) {
                meta.merge(r[0], r[1], (x, y) -> x.equals(y) ? x : x + "; then " + y);
            }
        }
        List<String[]> rows = read(dir.resolve("serving.tsv"));
        if (rows.isEmpty()) {
            return md.append("Not run.\n\n").toString();
        }
        md.append("Measured by `").append(meta.getOrDefault("command", "./bench --parts serving")).append("` on ")
                .append(meta.getOrDefault("date", "?")).append(", ").append(meta.getOrDefault("cores", "?"))
                .append(" cores, **load average ").append(meta.getOrDefault("load_start", "?")).append(" at the start and ")
                .append(meta.getOrDefault("load_end", "?")).append(" at the end** (a shared machine: wall-clock figures and"
                        + " tails are noisy; the interleaved table below is the load-independent comparison). One request"
                        + " = one user and N candidates (item, category, 8 dense features), scored in one batched pass, with"
                        + " the MMoE ESMM funnel model (`ServingLatencyBench.spec()`: embeddings of 8, MMoE 4 experts of [32],"
                        + " towers [8], ctcvr chained after ctr). API `text`: `Predictor.score(Map, List)`, cells parsed as"
                        + " CSV cells; `typed`: `Predictor.score(TypedRequest)`, numeric ids and float features filled from"
                        + " the client's arrays every call; `onnxruntime`: ONNX Runtime on the same model exported by"
                        + " `mtl4j-onnx` (`OnnxRuntimeLatencyBench`, intra-op threads 1, input rows pre-mapped by the client)."
                        + " JMH sample mode; threads = concurrent clients (predictor concurrency 2, one shared ORT session);"
                        + " OMP_NUM_THREADS=1. Goals: p99 <= 2 ms for 500 candidates on one core; at least ONNX Runtime's"
                        + " throughput.\n\n");
        md.append("| candidates | threads | api | p50 ms | p99 ms | p99.9 ms | mean ms | samples |\n");
        md.append("|---:|---:|---|---:|---:|---:|---:|---:|\n");
        for (String[] r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.3f | %.3f | %.3f | %.3f | %s |%n", r[0], r[1],
                    r.length > 7 ? r[7] : "text", num(r[2]) / 1e3, num(r[3]) / 1e3, num(r[4]) / 1e3, num(r[5]) / 1e3, r[6]));
        }
        md.append('\n');
        List<String[]> cpu = read(dir.resolve("serving-cpu.tsv"));
        if (!cpu.isEmpty()) {
            md.append("Per request on one thread, in-process after warm-up (CPU time of the calling thread; bytes the thread"
                    + " allocated: for `text` the parsed cells and the batch's columns, for both the result and the model's"
                    + " output arrays):\n\n");
            md.append("| candidates | api | CPU ms / request | allocated KiB / request | requests |\n|---:|---|---:|---:|---:|\n");
            for (String[] r : cpu) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %.3f | %.1f | %s |%n", r[0], r.length > 4 ? r[4] : "text",
                        num(r[1]) / 1e3, num(r[2]) / 1024, r[3]));
            }
            md.append('\n');
        }
        List<String[]> vs = read(dir.resolve("serving-vs-ort.tsv"));
        if (!vs.isEmpty()) {
            md.append("**Interleaved, same JVM, same model** (`ServingComparison`): each client thread alternates one request"
                    + " through each side, the order rotating every round, so load, JIT and caches hit all sides alike; CPU ="
                    + " the calling thread's CPU time per request (`ThreadMXBean`), the load-independent figure. ratio ="
                    + " Predictor typed / ONNX Runtime (below 1: the Predictor is faster). max diff = largest |pCTR or"
                    + " pCTCVR difference| between the typed Predictor and ONNX Runtime on the request.\n\n");
            md.append("| candidates | threads | side | mean ms | p50 ms | p99 ms | CPU ms | calls | ratio wall | ratio CPU | max diff |\n");
            md.append("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            Map<String, String[]> ort = new LinkedHashMap<>();
            for (String[] r : vs) {
                if (r[2].equals("onnxruntime")) {
                    ort.put(r[0] + "/" + r[1], r);
                }
            }
            for (String[] r : vs) {
                String[] o = ort.get(r[0] + "/" + r[1]);
                boolean typed = r[2].equals("predictor-typed");
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.3f | %.3f | %.3f | %.3f | %s | %s | %s | %s |%n", r[0], r[1],
                        r[2], num(r[3]) / 1e3, num(r[4]) / 1e3, num(r[5]) / 1e3, num(r[6]) / 1e3, r[7],
                        typed && o != null ? String.format(Locale.ROOT, "%.2f", num(r[3]) / num(o[3])) : "",
                        typed && o != null ? String.format(Locale.ROOT, "%.2f", num(r[6]) / num(o[6])) : "", typed ? r[8] : ""));
            }
            md.append('\n');
            // the verdict per measure: CPU time per request (what a core can serve; other processes' load
            // hardly moves it), and wall clock (mean and median), which the machine's load also measures
            List<String> cpuSlower = new ArrayList<>();
            List<String> meanSlower = new ArrayList<>();
            List<String> medianSlower = new ArrayList<>();
            double cpuLo = Double.POSITIVE_INFINITY;
            double cpuHi = 0;
            for (String[] r : vs) {
                String[] o = ort.get(r[0] + "/" + r[1]);
                if (!r[2].equals("predictor-typed") || o == null) {
                    continue;
                }
                String at = r[0] + " candidates / " + r[1] + (r[1].equals("1") ? " thread" : " threads");
                double cpuRatio = num(r[6]) / num(o[6]);
                cpuLo = Math.min(cpuLo, cpuRatio);
                cpuHi = Math.max(cpuHi, cpuRatio);
                if (cpuRatio > 1) {
                    cpuSlower.add(String.format(Locale.ROOT, "%s (x%.2f)", at, cpuRatio));
                }
                if (num(r[3]) > num(o[3])) {
                    meanSlower.add(String.format(Locale.ROOT, "%s (x%.2f)", at, num(r[3]) / num(o[3])));
                }
                if (num(r[4]) > num(o[4])) {
                    medianSlower.add(String.format(Locale.ROOT, "%s (x%.2f)", at, num(r[4]) / num(o[4])));
                }
            }
            md.append("At least ONNX Runtime's throughput (typed requests, interleaved): CPU time per request ")
                    .append(cpuSlower.isEmpty() ? String.format(Locale.ROOT, "**met** at every size and thread count (x%.2f-%.2f)", cpuLo, cpuHi)
                            : "**NOT met** at " + String.join(", ", cpuSlower))
                    .append("; wall-clock median ").append(medianSlower.isEmpty() ? "**met** everywhere" : "**NOT met** at " + String.join(", ", medianSlower))
                    .append("; wall-clock mean ").append(meanSlower.isEmpty() ? "**met** everywhere" : "**NOT met** at " + String.join(", ", meanSlower))
                    .append(" (wall-clock means include the time a request waits for a core: compare them with the load above).\n\n");
        }
        String ortP99 = "";
        for (String[] r : rows) {
            if (r[0].equals("500") && r[1].equals("1") && r.length > 7 && r[7].equals("onnxruntime")) {
                ortP99 = String.format(Locale.ROOT, " (ONNX Runtime in the same run: %.3f ms)", num(r[3]) / 1e3);
            }
        }
        for (String[] r : rows) {
            if (r[0].equals("500") && r[1].equals("1") && (r.length <= 7 || !r[7].equals("onnxruntime"))) {
                double p99 = num(r[3]) / 1e3;
                md.append(String.format(Locale.ROOT, "500 candidates, 1 thread, %s: p99 %.3f ms%s, goal <= 2 ms %s.%n%n",
                        r.length > 7 ? r[7] : "text", p99, ortP99, p99 <= 2 ? "**met**" : "**NOT met**"));
            }
        }
        return md.toString();
    }

    /**
     * Issue 13's scale table from {@code scale.tsv} (system, users, items, training rows, rows/s,
     * peak RSS MiB, CTR AUC, CTCVR AUC, seen users, seen items[, state MiB, nominal MiB[, evaluation rows/s]]), only when
     * that file exists.
     */
    private static void scale(StringBuilder md, Path dir) {
        List<String[]> rows = read(dir.resolve("scale.tsv"));
        if (rows.isEmpty()) {
            return;
        }
        md.append("## Embedding tables at scale (issue 13)\n\n");
        md.append("Funnel recipe: embeddings user 16 / item 16 / category 8 (the peer: 16 for all three), 8 dense,"
                + " shared-bottom [128, 64], towers [32], batch 512, Adam 1e-3, one epoch, one thread, the same CSVs for every"
                + " system. rows/s = training rows / wall time of the epoch; RSS = peak resident memory of the process."
                + " mtl4j's vocabularies hold the ids seen in training; the peer's tables hold max id + 1 rows."
                + " State: the Java heap the vocabularies and the compiled model hold (after full GCs; the FM only, ND4J keeps"
                + " dl4j's tensors in native memory) against the issue's yardstick, parameters + Adam state + vocabulary"
                + " (parameters x value size x 3 + the vocabularies' heap; goal for Tribuo: within 2x). Eval rows/s: the"
                + " test rows, preloaded as batches, through the trained model's evaluation (predictions and AUCs), timed alone.\n\n");
        md.append("| users / items | rows | system | rows/s | peak RSS | CTR AUC | CTCVR AUC | seen users / items | state / yardstick"
                + " | eval rows/s |\n|---|---:|---|---:|---:|---:|---:|---|---:|---:|\n");
        Map<String, Double> rate = new LinkedHashMap<>();
        List<String> worlds = new ArrayList<>();
        for (String[] r : rows) {
            String world = r[1];
            if (!worlds.contains(world)) {
                worlds.add(world);
            }
            rate.put(r[0] + "/" + world, num(r[4]));
            double state = col(r, 10);
            double nominal = col(r, 11);
            md.append(String.format(Locale.ROOT, "| %s / %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", count(num(r[1])), count(num(r[2])),
                    count(num(r[3])), r[0], count(num(r[4])), mib(num(r[5])), r[6], r[7],
                    r.length > 9 && !r[8].isEmpty() ? count(num(r[8])) + " / " + count(num(r[9])) : "n/a",
                    Double.isFinite(state) && Double.isFinite(nominal)
                            ? mib(state) + " / " + mib(nominal) + " = " + ratio(state / nominal) + "x" : "n/a",
                    count(col(r, 12))));
        }
        if (!worlds.isEmpty()) {
            String first = worlds.get(0);
            md.append("\nRatios (goals: dl4j at 1M users >= 0.67x its rate on the smallest world; >= 1.0x the peer with sparse"
                    + " embeddings):\n\n| users | dl4j / dl4j smallest | dl4j / peer sparse | tribuo / tribuo smallest |\n"
                    + "|---|---:|---:|---:|\n");
            for (String w : worlds) {
                double d = rate.getOrDefault("dl4j/" + w, Double.NaN);
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", count(num(w)),
                        ratio(d / rate.getOrDefault("dl4j/" + first, Double.NaN)),
                        ratio(d / rate.getOrDefault("peer-sparse/" + w, Double.NaN)),
                        ratio(rate.getOrDefault("tribuo/" + w, Double.NaN) / rate.getOrDefault("tribuo/" + first, Double.NaN))));
            }
            md.append('\n');
        }
    }

    private static void throughput(StringBuilder md, Path dir, Map<String, String> meta) {
        md.append("## DL4J training throughput vs the PyTorch peer\n\n");
        List<String[]> ours = read(dir.resolve("throughput.tsv"));
        if (ours.isEmpty()) {
            md.append("Not run.\n\n");
            return;
        }
        Map<String, String[]> peer = new LinkedHashMap<>();
        for (String[] p : read(dir.resolve("peer.tsv"))) {
            peer.put(p[0] + "/" + p[1] + "/" + p[2], p);
        }
        md.append("MMoE paper's synthetic data (rho 0.5, ").append(meta.getOrDefault("mmoe_rows", "?"))
                .append(" training rows) and model sizes (d = 100; shared-bottom 113 units; MMoE 8 experts of 16; PLE/CGC"
                        + " 4 shared + 2 per task experts of 16; towers of 8), Adam 1e-3. Examples/s of the optimisation"
                        + " loop (forward, losses, backward, update), wall clock, and per CPU-second of the process (less"
                        + " sensitive to the load; with several threads it counts every thread's CPU); ratio = mtl4j /"
                        + " peer (goal: >= 1); +- is JMH's 99.9% confidence half-width over the measurement iterations"
                        + " (5 iterations of 2 s; wide on a loaded machine). Peak RSS: the benchmark JVM's VmHWM (-Xmx1g)"
                        + " and the peer process's max RSS.\n\n");
        md.append("| model | batch | threads | mtl4j ex/s | peer ex/s | ratio | mtl4j ex/CPU-s | peer ex/CPU-s | CPU ratio"
                + " | peak RSS mtl4j | peak RSS peer |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String[] r : ours) {
            String[] p = peer.get(r[0] + "/" + r[1] + "/" + r[2]);
            double us = num(r[3]);
            double them = p == null ? Double.NaN : num(p[3]);
            double usCpu = col(r, 6);
            double themCpu = p == null ? Double.NaN : col(p, 5);
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", r[0], r[1], r[2],
                    plusMinus(us, num(r[4])), count(them), ratio(us / them), count(usCpu), count(themCpu),
                    ratio(usCpu / themCpu), mib(num(r[5])), p == null ? "n/a" : mib(num(p[4]))));
        }
        md.append('\n');
    }

    private static void balancers(StringBuilder md, Path dir) {
        md.append("## Balancer cost per training step, relative to `equal`\n\n");
        List<String[]> rows = read(dir.resolve("balancers.tsv"));
        if (rows.isEmpty()) {
            md.append("Not run.\n\n");
            return;
        }
        Set<Integer> taskCounts = new TreeSet<>();
        Map<String, String> kinds = new LinkedHashMap<>();
        Map<String, double[]> score = new LinkedHashMap<>();
        Map<String, double[]> cpu = new LinkedHashMap<>();
        for (String[] r : rows) {
            taskCounts.add(Integer.parseInt(r[0]));
        }
        List<Integer> ts = new ArrayList<>(taskCounts);
        Set<String> names = new LinkedHashSet<>();
        names.add("equal");
        for (String[] r : rows) {
            names.add(r[1]);
            kinds.put(r[1], r[2]);
            score.computeIfAbsent(r[1], k -> filled(ts.size()))[ts.indexOf(Integer.parseInt(r[0]))] = num(r[3]);
            cpu.computeIfAbsent(r[1], k -> filled(ts.size()))[ts.indexOf(Integer.parseInt(r[0]))] = col(r, 5);
        }
        md.append("MMoE (paper sizes) over T regression tasks, batch 256, one step = `Trainer` step (loss weighting,"
                + " then one backward pass, or T per-task gradients + aggregation), then the update. Process CPU"
                + " microseconds per step, its ratio to `equal` at the same T (the verdict: gradient aggregators <="
                + " (T + 1)x, loss weightings <= 1.1x: ok / OVER), and the wall-clock ratio, which the machine's load"
                + " makes noisy.\n\n");
        StringBuilder head = new StringBuilder("| balancer | kind |");
        StringBuilder rule = new StringBuilder("|---|---|");
        for (int t : ts) {
            head.append(" T=").append(t).append(" CPU us/step | x equal (CPU) | x equal (wall) |");
            rule.append("---:|---:|---:|");
        }
        md.append(head).append('\n').append(rule).append('\n');
        double[] eq = score.getOrDefault("equal", filled(ts.size()));
        double[] eqCpu = cpu.getOrDefault("equal", filled(ts.size()));
        for (String n : names) {
            double[] s = score.get(n);
            double[] c = cpu.get(n);
            if (s == null) {
                continue;
            }
            boolean agg = "aggregator".equals(kinds.get(n));
            md.append("| ").append(n).append(" | ").append(kinds.get(n)).append(" |");
            for (int i = 0; i < ts.size(); i++) {
                double rel = c[i] / eqCpu[i];
                double goal = agg ? ts.get(i) + 1 : 1.1;
                String verdict = Double.isNaN(rel) ? "" : rel <= goal ? " ok" : " OVER";
                md.append(String.format(Locale.ROOT, " %s | %s%s | %s |", Double.isNaN(c[i]) ? "n/a" : String.format(Locale.ROOT, "%.0f", c[i]),
                        ratio(rel), "equal".equals(n) || Double.isNaN(rel) ? "" : verdict, ratio(s[i] / eq[i])));
            }
            md.append('\n');
        }
        md.append('\n');
    }

    private static void tribuo(StringBuilder md, Path dir) {
        md.append("## Tribuo: joint multi-task FM vs Tribuo's single-task FM per task\n\n");
        List<String[]> rows = read(dir.resolve("tribuo.tsv"));
        if (rows.isEmpty()) {
            md.append("Not run.\n\n");
            return;
        }
        md.append("One training epoch on the funnel data (user, item, category ids + 8 dense features), factors of 8,"
                + " AdaGrad 0.05. Goal: the joint model's epoch costs less than the single-task epochs together.\n\n");
        md.append("| model | rows | ms/epoch (wall) | ex/s (wall) | CPU ms/epoch | ex/CPU-s |\n|---|---:|---:|---:|---:|---:|\n");
        double joint = Double.NaN;
        double jointCpu = Double.NaN;
        double singles = 0;
        double singlesCpu = 0;
        int nSingles = 0;
        for (String[] r : rows) {
            double ms = num(r[3]);
            double msCpu = col(r, 5);
            double n = num(r[2]);
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", r[1], r[2], plusMinus(ms, num(r[4])),
                    count(n / (ms / 1000)), count(msCpu), count(n / (msCpu / 1000))));
            if ("joint".equals(r[0])) {
                joint = ms;
                jointCpu = msCpu;
            } else {
                singles += ms;
                singlesCpu += msCpu;
                nSingles++;
            }
        }
        if (nSingles > 0 && !Double.isNaN(joint)) {
            double rel = joint / singles;
            double relCpu = jointCpu / singlesCpu;
            md.append(String.format(Locale.ROOT, "%nJoint / sum of the %d single-task epochs: wall %.1f ms / %.1f ms = **%.2f**,"
                    + " CPU %.1f ms / %.1f ms = **%.2f** (%s).%n%n", nSingles, joint, singles, rel, jointCpu, singlesCpu, relCpu,
                    rel < 1 && !(relCpu >= 1) ? "goal met" : "goal NOT met"));
        }
    }

    /** Column i as a number, NaN when the row is shorter (files of older runs). */
    private static double col(String[] row, int i) {
        return i < row.length ? num(row[i]) : Double.NaN;
    }

    private static double[] filled(int n) {
        double[] d = new double[n];
        java.util.Arrays.fill(d, Double.NaN);
        return d;
    }

    private static String plusMinus(double v, double err) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return Double.isNaN(err) ? count(v) : count(v) + " ± " + count(err);
    }

    private static String count(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String ratio(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String mib(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.0f MiB", v);
    }

    private static double num(String s) {
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** Tab-separated rows of a file, or none when it does not exist; blank lines and '#' comments skipped. */
    static List<String[]> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            List<String[]> out = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    out.add(line.split("\t", -1));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
    }
}
