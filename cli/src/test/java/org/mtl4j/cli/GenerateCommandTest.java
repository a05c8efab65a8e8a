package org.mtl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.data.FunnelGenerator;
import org.mtl4j.data.MmoeSyntheticGenerator;
import org.mtl4j.spi.io.SpecCodec;

class GenerateCommandTest {
    @TempDir
    Path dir;

    @Test
    void funnelWritesDataASpecThatTrainsAndTheOracle() throws Exception {
        Path out = dir.resolve("funnel");
        Cli.Result r = Cli.run("generate", "funnel", "--out", out, "--rows", "3000", "--test-rows", "2000");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(Files.readAllLines(out.resolve("train.csv"))).hasSize(3001).first().asString()
                .startsWith("user_id,item_id,category,d0");
        assertThat(Files.readAllLines(out.resolve("test.csv"))).hasSize(2001);
        ModelSpec spec = SpecCodec.fromYaml(Files.readString(out.resolve("spec.yaml")), "spec.yaml");
        assertThat(spec).isEqualTo(FunnelGenerator.demoSpec());
        assertThat(r.out()).contains("funnel world 3: 3000 training and 2000 test rows")
                .containsPattern("oracle \\(true probabilities\\) on the test rows, ctr: auc 0\\.8\\d{3}, logloss 0\\.2\\d{3}")
                .contains("train: mtl4j train --spec " + out.resolve("spec.yaml"));
        Cli.Result trained = Cli.run("train", "--spec", out.resolve("spec.yaml"), "--data", out.resolve("train.csv"), "--valid",
                out.resolve("test.csv"), "--out", dir.resolve("run"), "--no-progress");
        assertThat(trained.code()).as(trained.toString()).isZero();
    }

    @Test
    void funnelWorldKnobsShapeTheData() throws Exception {
        Path out = dir.resolve("big");
        Cli.Result r = Cli.run("generate", "funnel", "--out", out, "--rows", "4000", "--test-rows", "1000", "--seed", "11",
                "--users", "150000", "--items", "30", "--categories", "3", "--zipf", "0", "--target-ctr", "0.3");
        assertThat(r.code()).as(r.toString()).isZero();
        List<String> train = Files.readAllLines(out.resolve("train.csv"));
        java.util.Set<String> users = new java.util.HashSet<>();
        java.util.Set<String> items = new java.util.HashSet<>();
        java.util.Set<String> cats = new java.util.HashSet<>();
        long clicks = 0;
        for (String line : train.subList(1, train.size())) {
            String[] f = line.split(",");
            users.add(f[0]);
            items.add(f[1]);
            cats.add(f[2]);
            clicks += Integer.parseInt(f[11]);
        }
        // uniform over 150k users: 4000 rows nearly all distinct; 30 items all seen; 3 categories at most
        assertThat(users.size()).isGreaterThan(3900);
        assertThat(items).hasSize(30);
        assertThat(cats.size()).isLessThanOrEqualTo(3);
        assertThat(clicks / 4000.0).isCloseTo(0.3, org.assertj.core.data.Offset.offset(0.04));
        ModelSpec spec = SpecCodec.fromYaml(Files.readString(out.resolve("spec.yaml")), "spec.yaml");
        // the user vocabulary can hold the whole world (above the default 100k)
        assertThat(((org.mtl4j.api.spec.CategoricalInput) spec.inputs().get(0)).vocabulary().maxSize()).isEqualTo(150_000);
        usageError("--users, --items, --categories, --latent-dim, --zipf, --share, --target-ctr and --target-cvr are options of"
                + " funnel, not mmoe", "generate", "mmoe", "--users", "10", "--out", dir.resolve("x"));
        usageError("funnel users must be positive, found 0", "generate", "funnel", "--users", "0", "--out", dir.resolve("x"));
    }

    @Test
    void mmoeWithNumpyDrawsWhatNumpyDraws() throws Exception {
        Path out = dir.resolve("rho0");
        Cli.Result r = Cli.run("generate", "mmoe", "--numpy", "--rho", "0", "--out", out, "--rows", "3", "--test-rows", "4",
                "--topology", "shared-bottom");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("mmoe synthetic world 2018 (ple, numpy stream), rho 0.000: 3 training and 4 test rows");
        // numpy.random.default_rng(2018) through gen_synthetic.py --rho 0 --alpha-std 1 --beta-std 1 --n-train 3 --n-test 4
        List<String> train = Files.readAllLines(out.resolve("train.csv"));
        assertThat(train.get(1)).startsWith("-0.33733287,1.0059615,");
        assertThat(Files.readAllLines(out.resolve("test.csv")).get(1)).startsWith("2.5235996,-0.5012591");
        ModelSpec spec = SpecCodec.fromYaml(Files.readString(out.resolve("spec.yaml")), "spec.yaml");
        assertThat(spec).isEqualTo(new MmoeSyntheticGenerator(MmoeSyntheticGenerator.Config.ple(0, 2018)).spec("shared-bottom")
                .withTraining(spec.training()));
    }

    @Test
    void scenariosAndBadOptions() throws Exception {
        Cli.Result r = Cli.run("generate", "scenarios", "--out", dir.resolve("sc"), "--rows", "2000", "--test-rows", "2000");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("multi-scenario world 7").contains("oracle (true probabilities) on the test rows, item: auc");
        assertThat(Files.readAllLines(dir.resolve("sc/train.csv")).get(0)).contains("click_item").contains("click_ad");

        usageError("unknown generator \"movies\" (known: funnel, mmoe, scenarios, task-groups)", "generate", "movies", "--out", dir.resolve("x"));
        usageError("--rho, --setting, --numpy and --topology are options of mmoe, not funnel", "generate", "funnel", "--rho", "0.2",
                "--out", dir.resolve("x"));
        usageError("mmoe synthetic rho must be in [-1.0, 1.0], found 1.5", "generate", "mmoe", "--rho", "1.5", "--out", dir.resolve("x"));
        usageError("--setting must be ple or paper, found \"kdd\"", "generate", "mmoe", "--setting", "kdd", "--out", dir.resolve("x"));
        usageError("--rows and --test-rows must be >= 1, found 0 and 10000", "generate", "funnel", "--rows", "0", "--out",
                dir.resolve("x"));
    }

    private static void usageError(String message, Object... args) {
        Cli.Result r = Cli.run(args);
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains(message);
    }
}
