package org.mtl4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.mtl4j.data.FunnelGenerator;

/** Small funnel data (a world of 300 users and 150 items) and the test specs. */
public final class Fixtures {
    /** The funnel recipe scaled down so that a few thousand rows show every user and item several times. */
    public static final FunnelGenerator.Config SMALL = new FunnelGenerator.Config(2018L, 300, 150, 10, 8, 8, 0.8, 0.7, 2.0,
            0.5, 0.3, 0.10, 0.20, 20_000);
    private static FunnelGenerator generator;

    private Fixtures() {
    }

    public static synchronized FunnelGenerator generator() {
        if (generator == null) {
            generator = new FunnelGenerator(SMALL);
        }
        return generator;
    }

    /** Writes {@code rows} funnel rows drawn with {@code seed} to {@code dir/name}. */
    public static Path funnel(Path dir, String name, long rows, long seed) {
        Path p = dir.resolve(name);
        generator().writeCsv(p, rows, seed);
        return p;
    }

    /** Copies the test spec {@code specs/<name>} into {@code dir}. */
    public static Path spec(Path dir, String name) throws IOException {
        Path p = dir.resolve(name);
        try (InputStream in = Fixtures.class.getResourceAsStream("/specs/" + name)) {
            if (in == null) {
                throw new IOException("no test spec specs/" + name);
            }
            Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
        }
        return p;
    }
}
