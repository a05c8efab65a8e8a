package org.mtl4j.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code chromium} run headless against a local file: the DOM after scripts ran, or a
 * screenshot. Tests calling {@link #require()} are skipped, with the package named, where it is absent.
 */
public final class HeadlessBrowser {
    private static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome");
    private final Path executable;

    private HeadlessBrowser(Path executable) {
        this.executable = executable;
    }

    /** The browser, or a failed assumption naming the package to install. */
    public static HeadlessBrowser require() {
        Path found = null;
        String path = System.getenv("PATH");
        for (String name : NAMES) {
            for (String dir : (path == null ? "/usr/bin" : path).split(File.pathSeparator)) {
                Path p = Path.of(dir, name);
                if (found == null && Files.isExecutable(p)) {
                    found = p;
                }
            }
        }
        assumeTrue(found != null, "headless browser check skipped: no chromium on PATH (install the Debian package "
                + "'chromium': apt-get install -y chromium)");
        return new HeadlessBrowser(found);
    }

    /** The serialised DOM of the page after load (inline scripts have run). */
    public String dumpDom(Path html) throws IOException, InterruptedException {
        return run(html, List.of("--dump-dom"), null);
    }

    /** A PNG screenshot of the page at the given window size. */
    public Path screenshot(Path html, Path png, int width, int height) throws IOException, InterruptedException {
        run(html, List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
                "--hide-scrollbars"), png);
        return png;
    }

    private String run(Path html, List<String> extra, Path expectFile) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("mtl4j-chromium");
        List<String> cmd = new ArrayList<>(List.of(executable.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile));
        cmd.addAll(extra);
        cmd.add(html.toAbsolutePath().toUri().toString());
        Path out = Files.createTempFile("mtl4j-chromium", ".out");
        Path err = Files.createTempFile("mtl4j-chromium", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("chromium did not finish in 120 s: " + cmd);
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0 || expectFile != null && !Files.exists(expectFile)) {
                throw new IOException("chromium exited with " + p.exitValue() + ": " + Files.readString(err, StandardCharsets.UTF_8));
            }
            return stdout;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
