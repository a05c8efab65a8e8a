package org.mtl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.cli.internal.cmd.ServeCommand;
import picocli.CommandLine;

/** {@code mtl4j serve} answers what {@code mtl4j predict} wrote for the same rows (an ESMM model: pCTR, pCTCVR, pCVR). */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ServeCommandTest {
    @TempDir
    Path dir;

    @Test
    void serveScoresEqualPredictOnTheSameRows() throws Exception {
        Path spec = Fixtures.spec(dir, "esmm.yaml");
        Path train = Fixtures.funnel(dir, "train.csv", 3000, 1);
        Path rows = Fixtures.funnel(dir, "rows.csv", 60, 9);
        Path run = dir.resolve("run");
        Cli.Result t = Cli.run("train", "--spec", spec, "--data", train, "--out", run, "--no-progress");
        assertThat(t.code()).as(t.toString()).isZero();
        Path model = run.resolve("model.mtl");
        Path scores = dir.resolve("scores.csv");
        Cli.Result p = Cli.run("predict", "--model", model, "--data", rows, "--out", scores);
        assertThat(p.code()).as(p.toString()).isZero();
        List<String> predicted = Files.readAllLines(scores);
        List<String> lines = Files.readAllLines(rows);
        String[] header = lines.get(0).split(",");

        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(new StringWriter(), true));
        ServeCommand serve = cl.getSubcommands().get("serve").getCommand();
        ExecutorService bg = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> code = bg.submit(() -> cl.execute("serve", "--model", model.toString(), "--port", "0", "--threads", "2"));
            Matcher m = Pattern.compile("on http://127\\.0\\.0\\.1:(\\d+) ").matcher("");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!m.reset(out.toString()).find()) {
                assertThat(code.isDone()).as("serve ended early: " + out).isFalse();
                assertThat(System.nanoTime()).as("serve did not start: " + out).isLessThan(deadline);
                Thread.sleep(20);
            }
            URI base = URI.create("http://127.0.0.1:" + m.group(1));
            ObjectMapper json = new ObjectMapper();
            ObjectNode req = json.createObjectNode();
            ArrayNode cands = req.putArray("candidates");
            Set<String> labels = Set.of("click", "conversion", "p_click", "p_cvr", "p_ctcvr");
            for (String line : lines.subList(1, lines.size())) {
                String[] cells = line.split(",");
                ObjectNode c = cands.addObject();
                for (int i = 0; i < header.length; i++) {
                    if (!labels.contains(header[i])) {
                        c.put(header[i], cells[i]);
                    }
                }
            }
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(base.resolve("/score"))
                    .POST(HttpRequest.BodyPublishers.ofString(req.toString())).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode answer = json.readTree(r.body());
            String[] outCols = predicted.get(0).split(",");
            assertThat(outCols).containsExactly("ctr", "ctcvr", "ctcvr.conditional");
            for (int i = 1; i < predicted.size(); i++) {
                String[] v = predicted.get(i).split(",");
                for (int c = 0; c < outCols.length; c++) {
                    assertThat(answer.get("scores").get(i - 1).get(outCols[c]).floatValue()).as("row %d %s", i, outCols[c])
                            .isCloseTo(Float.parseFloat(v[c]), org.assertj.core.api.Assertions.within(1e-6f));
                }
            }
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(base.resolve("/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.body()).contains("\"status\":\"ok\"");
            serve.stop();
            assertThat(code.get(30, TimeUnit.SECONDS)).isZero();
        } finally {
            serve.stop();
            bg.shutdownNow();
        }
    }

    @Test
    void aMissingModelFileIsADataError() {
        Cli.Result r = Cli.run("serve", "--model", dir.resolve("nope.mtl"), "--port", "0");
        assertThat(r.code()).isEqualTo(ExitCodes.DATA);
        assertThat(r.err()).isEqualTo("mtl4j serve: model file not found: " + dir.resolve("nope.mtl") + "\n");
    }
}
