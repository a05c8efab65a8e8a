package org.mtl4j.cli.internal.cmd;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.mtl4j.api.metric.Evaluation;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.cli.ExitCodes;
import org.mtl4j.api.internal.AtomicFiles;
import org.mtl4j.cli.internal.CliException;
import org.mtl4j.cli.internal.Engine;
import org.mtl4j.data.FunnelGenerator;
import org.mtl4j.data.MmoeSyntheticGenerator;
import org.mtl4j.data.MultiScenarioGenerator;
import org.mtl4j.spi.io.SpecCodec;
import org.mtl4j.data.TaskGroupsGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code mtl4j generate}: writes one of the built-in generators' datasets (known truth) as
 * {@code train.csv} and {@code test.csv}, with a {@code spec.yaml} that trains on them, so the
 * benchmark data of the README and the PyTorch reference can be made without Java code.
 */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write generated data with known truth: train.csv, test.csv and a spec.yaml that trains on them.",
            "funnel:    click -> conversion impressions (ESMM), columns user_id,item_id,category,d0..d7,click,conversion",
            "           and the true p_click,p_cvr,p_ctcvr; prints the oracle's AUC and logloss on the test rows;",
            "           the world: --users, --items, --categories, --latent-dim, --zipf, --share, --target-ctr, --target-cvr.",
            "mmoe:      the MMoE paper's synthetic regression (Ma et al. 2018, sec. 3.2), x0..x99,y1,y2; task",
            "           correlation --rho; --numpy draws exactly what numpy.random.default_rng(seed) draws.",
            "scenarios: item / ad / content clicks on one platform, one masked label column per scenario.",
            "task-groups: six regression tasks in planted groups [[a1, a2, a3], [b1, b2], [f]] (related within,",
            "           a and b conflicting, f unrelated), x0..x15; a shared-bottom spec to probe with `mtl4j affinity`."})
public final class GenerateCommand implements Callable<Integer> {

    /** The generators by name. */
    enum Kind {
        FUNNEL, MMOE, SCENARIOS, TASK_GROUPS;

        String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    @Spec
    CommandSpec command;

    @Parameters(index = "0", paramLabel = "funnel|mmoe|scenarios|task-groups", description = "Which generator.")
    String generator;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for train.csv, test.csv and spec.yaml.")
    Path out;

    @Option(names = "--rows", defaultValue = "100000", paramLabel = "N", description = "Training rows (default ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--test-rows", defaultValue = "10000", paramLabel = "N", description = "Test rows (default ${DEFAULT-VALUE}).")
    long testRows;

    @Option(names = "--seed", paramLabel = "N",
            description = "World seed (default: funnel 3, mmoe 2018, scenarios 7, task-groups 0); the row seeds follow from it.")
    Long seed;

    @Option(names = "--rho", paramLabel = "R", description = "mmoe: task correlation in [-1, 1] (default 0.5).")
    Double rho;

    @Option(names = "--setting", paramLabel = "ple|paper",
            description = "mmoe: ple (alpha, beta ~ N(0, 1), default) or paper (std 0.1: nearly linear sines).")
    String setting;

    @Option(names = "--numpy", description = "mmoe: NumPy's stream: the rows a NumPy script following the recipe draws with this seed.")
    boolean numpy;

    @Option(names = "--topology", paramLabel = "NAME",
            description = "mmoe: the spec's topology: shared-bottom, mmoe (default), ple or independent (paper sizes).")
    String topology;

    @Option(names = "--users", paramLabel = "N", description = "funnel: distinct users of the world (default 5000).")
    Integer users;

    @Option(names = "--items", paramLabel = "N", description = "funnel: distinct items of the world (default 2000).")
    Integer items;

    @Option(names = "--categories", paramLabel = "N", description = "funnel: item categories (default 20).")
    Integer categories;

    @Option(names = "--latent-dim", paramLabel = "N", description = "funnel: dimension of the true user/item factors (default 8).")
    Integer latentDim;

    @Option(names = "--zipf", paramLabel = "S", description = "funnel: Zipf exponent of user and item popularity (default 0.8).")
    Double zipf;

    @Option(names = "--share", paramLabel = "X", description = "funnel: share of the click factors in the conversion factors, [0, 1] (default 0.7).")
    Double share;

    @Option(names = "--target-ctr", paramLabel = "P", description = "funnel: mean click rate (default 0.10).")
    Double targetCtr;

    @Option(names = "--target-cvr", paramLabel = "P", description = "funnel: mean conversion rate of clicks (default 0.20).")
    Double targetCvr;

    /** The funnel world of the options (defaults where an option is absent). */
    FunnelGenerator.Config funnelConfig() {
        FunnelGenerator.Config d = FunnelGenerator.Config.DEFAULT;
        try {
            return new FunnelGenerator.Config(seed == null ? d.seed() : seed, users == null ? d.users() : users,
                    items == null ? d.items() : items, categories == null ? d.categories() : categories, d.denseFeatures(),
                    latentDim == null ? d.latentDim() : latentDim, zipf == null ? d.zipfExponent() : zipf,
                    share == null ? d.share() : share, d.affinityScale(), d.biasStd(), d.denseWeightStd(),
                    targetCtr == null ? d.targetCtr() : targetCtr, targetCvr == null ? d.targetCvr() : targetCvr,
                    d.calibrationRows());
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
    }

    @Override
    public Integer call() throws Exception {
        Kind kind;
        try {
            kind = Kind.valueOf(generator.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "unknown generator \"" + generator
                    + "\" (known: funnel, mmoe, scenarios, task-groups)");
        }
        if (rows < 1 || testRows < 1) {
            throw new CliException(ExitCodes.USAGE, "--rows and --test-rows must be >= 1, found " + rows + " and " + testRows);
        }
        if (kind != Kind.MMOE && (numpy || setting != null || topology != null || rho != null)) {
            throw new CliException(ExitCodes.USAGE, "--rho, --setting, --numpy and --topology are options of mmoe, not " + kind.id());
        }
        if (kind != Kind.FUNNEL && (users != null || items != null || categories != null || latentDim != null || zipf != null
                || share != null || targetCtr != null || targetCvr != null)) {
            throw new CliException(ExitCodes.USAGE, "--users, --items, --categories, --latent-dim, --zipf, --share, --target-ctr and"
                    + " --target-cvr are options of funnel, not " + kind.id());
        }
        Files.createDirectories(org.mtl4j.cli.internal.OutputPaths.runDirectory("--out", out));
        PrintWriter o = command.commandLine().getOut();
        Path train = out.resolve("train.csv");
        Path test = out.resolve("test.csv");
        ModelSpec spec;
        switch (kind) {
            case FUNNEL -> {
                FunnelGenerator.Config c = funnelConfig();
                FunnelGenerator gen = new FunnelGenerator(c);
                spec = FunnelGenerator.demoSpec(c);
                writeWithOracle(o, "funnel", c.seed(), gen::writeCsv, FunnelGenerator::oracle, spec);
            }
            case MMOE -> {
                double r = rho == null ? 0.5 : rho;
                String set = setting == null ? "ple" : setting;
                long world = seed == null ? 2018 : seed;
                MmoeSyntheticGenerator gen;
                MmoeSyntheticGenerator.Config c;
                try {
                    c = switch (set) {
                        case "ple" -> MmoeSyntheticGenerator.Config.ple(r, world);
                        case "paper" -> MmoeSyntheticGenerator.Config.paper(r, world);
                        default -> throw new IllegalArgumentException("--setting must be ple or paper, found \"" + set + "\"");
                    };
                    if (numpy) {
                        c = c.withStream(MmoeSyntheticGenerator.Stream.NUMPY);
                    }
                    gen = new MmoeSyntheticGenerator(c);
                    spec = gen.spec(topology == null ? "mmoe" : topology);
                } catch (IllegalArgumentException e) {
                    throw new CliException(ExitCodes.USAGE, e.getMessage());
                }
                gen.writeSplits(out, rows, testRows);
                o.println(String.format(Locale.ROOT, "mmoe synthetic world %d (%s, %s stream), rho %.3f: %d training and %d test"
                        + " rows; noise floor MSE %.4f", c.seed(), set, c.stream().name().toLowerCase(Locale.ROOT), r,
                        rows, testRows, c.noiseStd() * c.noiseStd()));
            }
            case TASK_GROUPS -> {
                TaskGroupsGenerator.Config c = TaskGroupsGenerator.Config.planted(seed == null ? 0 : seed);
                TaskGroupsGenerator gen = new TaskGroupsGenerator(c);
                spec = gen.spec(new org.mtl4j.api.spec.Topology.SharedBottom(java.util.List.of(8)));
                gen.writeSplits(out, rows, testRows);
                o.println(String.format(Locale.ROOT, "task-groups world %d, planted groups %s: %d training and %d test rows;"
                        + " noise floor MSE %.4f", c.seed(), c.groups(), rows, testRows, c.noiseStd() * c.noiseStd()));
                o.println("affinity: mtl4j affinity --spec " + out.resolve("spec.yaml") + " --data " + train + " --groups 3");
            }
            default -> {
                MultiScenarioGenerator.Config c = seed == null ? MultiScenarioGenerator.Config.DEFAULT
                        : MultiScenarioGenerator.Config.DEFAULT.withSeed(seed);
                MultiScenarioGenerator gen = new MultiScenarioGenerator(c);
                spec = gen.spec();
                writeWithOracle(o, "multi-scenario", c.seed(), gen::writeCsv, MultiScenarioGenerator::oracle, spec);
            }
        }
        Engine.create().check(spec, kind.id() + " spec");
        AtomicFiles.writeString(out.resolve("spec.yaml"), SpecCodec.toYaml(spec));
        o.println("wrote " + train + ", " + test + " and " + out.resolve("spec.yaml"));
        o.println("train: mtl4j train --spec " + out.resolve("spec.yaml") + " --data " + train + " --valid " + test
                + " --out runs/" + kind.id());
        o.flush();
        return ExitCodes.OK;
    }

    /** How a generator with per-file row seeds writes a CSV. */
    @FunctionalInterface
    interface RowWriter {
        long write(Path file, long rows, long rowSeed);
    }

    /** Writes both splits (row seeds 2 x world + 1 and + 2) and prints the oracle's metrics on the test rows. */
    private void writeWithOracle(PrintWriter o, String name, long world, RowWriter writer, Function<Path, Evaluation> oracle,
            ModelSpec spec) {
        Path test = out.resolve("test.csv");
        writer.write(out.resolve("train.csv"), rows, world * 2 + 1);
        writer.write(test, testRows, world * 2 + 2);
        o.println(name + " world " + world + ": " + rows + " training and " + testRows + " test rows");
        printOracle(o, oracle.apply(test), spec);
    }

    private static void printOracle(PrintWriter o, Evaluation oracle, ModelSpec spec) {
        for (String task : spec.taskNames()) {
            if (!oracle.metrics().containsKey(task)) {
                continue;
            }
            o.println(String.format(Locale.ROOT, "oracle (true probabilities) on the test rows, %s: auc %.4f, logloss %.4f", task,
                    oracle.metric(task, "auc"), oracle.metric(task, "logloss")));
        }
    }
}
