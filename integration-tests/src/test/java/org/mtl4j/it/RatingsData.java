package org.mtl4j.it;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Ratings with known truth, shaped like MovieLens: r = clip(3.5 + b_u + b_i + u . v + noise, 0.5, 5)
 * rounded to halves, with b_u, b_i ~ N(0, 0.45), 4-dim u, v ~ N(0, 0.35) and noise ~ N(0, 0.55).
 * Columns {@code user_id,item_id,rating}; users and items from fixed worlds, rows from a row seed.
 */
final class RatingsData {
    static final int USERS = 400;
    static final int ITEMS = 300;
    private static final int DIM = 4;
    private final double[] bu = new double[USERS];
    private final double[] bi = new double[ITEMS];
    private final double[][] u = new double[USERS][DIM];
    private final double[][] v = new double[ITEMS][DIM];

    RatingsData(long worldSeed) {
        SplittableRandom r = new SplittableRandom(worldSeed);
        for (int i = 0; i < USERS; i++) {
            bu[i] = 0.45 * gauss(r);
            for (int d = 0; d < DIM; d++) {
                u[i][d] = 0.35 * gauss(r);
            }
        }
        for (int i = 0; i < ITEMS; i++) {
            bi[i] = 0.45 * gauss(r);
            for (int d = 0; d < DIM; d++) {
                v[i][d] = 0.35 * gauss(r);
            }
        }
    }

    /** Writes {@code rows} ratings of users [0, users) and items [0, items). */
    Path write(Path file, int rows, long rowSeed, int users, int items) throws IOException {
        SplittableRandom r = new SplittableRandom(rowSeed);
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("user_id,item_id,rating\n");
            for (int n = 0; n < rows; n++) {
                int a = r.nextInt(users);
                int b = r.nextInt(items);
                double dot = 0;
                for (int d = 0; d < DIM; d++) {
                    dot += u[a][d] * v[b][d];
                }
                double y = 3.5 + bu[a] + bi[b] + dot + 0.55 * gauss(r);
                y = Math.max(0.5, Math.min(5.0, Math.round(y * 2) / 2.0));
                w.write(String.format(Locale.ROOT, "u%d,i%d,%.1f%n", a, b, y));
            }
        }
        return file;
    }

    private static double gauss(SplittableRandom r) {
        double a = r.nextDouble();
        double b = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - a)) * Math.cos(2 * Math.PI * b);
    }
}
