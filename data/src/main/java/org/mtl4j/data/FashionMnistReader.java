package org.mtl4j.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.mtl4j.api.Checks;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.spec.ImageInput;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.TextInput;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.data.DataException.Reason;
import org.mtl4j.data.internal.CsvWriter;
import org.mtl4j.data.internal.RowCursor;
import org.mtl4j.data.internal.RowDataset;
import org.mtl4j.data.internal.RowSource;
import org.mtl4j.data.internal.Rng;

/**
 * Fashion-MNIST (Xiao, Rasul &amp; Vollgraf, 2017) from its idx files, plain or gzip-compressed, as
 * installed by Debian's {@code dataset-fashion-mnist} ({@code apt-get install -y dataset-fashion-mnist},
 * files under {@value #DEBIAN_DIR}). Nothing is downloaded.
 *
 * <p>Each image becomes a row with the columns {@code image} (784 space-separated pixels 0..255,
 * read as a 1x28x28 image scaled to [0,1]), {@code label} (the class 0..9), {@code group} (a coarse
 * class: 0 tops {T-shirt/top, pullover, coat, shirt}, 1 bottoms and dresses {trouser, dress},
 * 2 shoes {sandal, sneaker, ankle boot}, 3 bags {bag}) and {@code caption}: the class name's words
 * plus 1 to 3 noise words from {@link #NOISE_WORDS} at random positions, with the class name left
 * out with probability {@code nameDropRate} (default 0.1) so that the text alone cannot be perfect;
 * the noise is seeded per image by {@code captionSeed} and the image index. These rows go through the
 * same parser as a CSV file (the "line" of an error is the 1-based image index).
 */
public final class FashionMnistReader {
    /** Where Debian's {@code dataset-fashion-mnist} installs the files. */
    public static final String DEBIAN_DIR = "/usr/share/datasets/fashion-mnist";

    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** Coarse group of each class (see the class comment). */
    private static final int[] GROUP = {0, 1, 0, 1, 0, 2, 0, 2, 3, 2};

    public static final List<String> GROUP_NAMES = List.of("tops", "bottoms-dresses", "shoes", "bags");

    /** Words added to captions; none of them is a word of a class name. */
    public static final List<String> NOISE_WORDS = List.of("new", "classic", "soft", "black", "white", "cotton",
            "summer", "sale", "comfortable", "style", "casual", "premium", "blue", "red", "light", "size", "fit",
            "modern", "vintage", "warm", "cheap", "trendy", "slim", "grey");

    /** Which half of the dataset. */
    public enum Part {
        TRAIN("train"),
        TEST("t10k");

        private final String prefix;

        Part(String prefix) {
            this.prefix = prefix;
        }

        public String prefix() {
            return prefix;
        }
    }

    private final Path images;
    private final Path labels;
    private final int count;
    private final int limit;
    private final long captionSeed;
    private final double nameDropRate;

    private FashionMnistReader(Path images, Path labels, int count, int limit, long captionSeed, double nameDropRate) {
        this.images = images;
        this.labels = labels;
        this.count = count;
        this.limit = limit;
        this.captionSeed = captionSeed;
        this.nameDropRate = nameDropRate;
    }

    /** The Debian directory when the package is installed. */
    public static Optional<Path> debianDirectory() {
        Path d = Path.of(DEBIAN_DIR);
        return Files.exists(d.resolve("train-images-idx3-ubyte.gz")) || Files.exists(d.resolve("train-images-idx3-ubyte"))
                ? Optional.of(d) : Optional.empty();
    }

    /**
     * Opens {@code <prefix>-images-idx3-ubyte[.gz]} and {@code <prefix>-labels-idx1-ubyte[.gz]} in
     * {@code dir}, checking their headers (magic numbers, sizes, equal counts).
     */
    public static FashionMnistReader of(Path dir, Part part) {
        Path img = find(dir, part.prefix() + "-images-idx3-ubyte");
        Path lab = find(dir, part.prefix() + "-labels-idx1-ubyte");
        int n;
        try (Idx i = new Idx(img, 0x803); Idx l = new Idx(lab, 0x801)) {
            if (i.count != l.count) {
                throw new DataException(Reason.BAD_CELL, lab.toString(), 0, null, String.valueOf(l.count), lab
                        + ": holds " + l.count + " labels but " + img + " holds " + i.count + " images");
            }
            n = i.count;
        }
        return new FashionMnistReader(img, lab, n, Integer.MAX_VALUE, 2017L, 0.1);
    }

    private static Path find(Path dir, String base) {
        Path plain = dir.resolve(base);
        if (Files.exists(plain)) {
            return plain;
        }
        Path gz = dir.resolve(base + ".gz");
        if (Files.exists(gz)) {
            return gz;
        }
        throw new DataException(Reason.IO, plain.toString(), 0, null, null, "no " + base + " or " + base + ".gz in "
                + dir + " (install Debian's dataset-fashion-mnist: apt-get install -y dataset-fashion-mnist)");
    }

    /** Only the first {@code n} images. */
    public FashionMnistReader limit(int n) {
        return new FashionMnistReader(images, labels, count, Checks.positive("limit", n), captionSeed, nameDropRate);
    }

    public FashionMnistReader captionSeed(long seed) {
        return new FashionMnistReader(images, labels, count, limit, seed, nameDropRate);
    }

    public FashionMnistReader nameDropRate(double p) {
        return new FashionMnistReader(images, labels, count, limit, captionSeed,
                Checks.inRange("nameDropRate", p, 0, 1));
    }

    /** Number of images read (after {@link #limit}). */
    public int size() {
        return Math.min(count, limit);
    }

    public static int group(int label) {
        return GROUP[label];
    }

    /** The caption of image {@code index} (0-based) with class {@code label}. */
    public String caption(int index, int label) {
        Rng r = new Rng(Rng.derive(captionSeed, index));
        List<String> words = new ArrayList<>();
        if (r.uniform() >= nameDropRate) {
            for (String w : CLASS_NAMES.get(label).toLowerCase(java.util.Locale.ROOT).split("[^a-z]+")) {
                if (!w.isEmpty()) {
                    words.add(w);
                }
            }
        }
        int noise = 1 + r.nextInt(3);
        for (int k = 0; k < noise; k++) {
            words.add(r.nextInt(words.size() + 1), NOISE_WORDS.get(r.nextInt(NOISE_WORDS.size())));
        }
        return String.join(" ", words);
    }

    /** The rows as a {@link RowSource} with columns image, label, group, caption. */
    public RowSource rows() {
        return new RowSource() {
            @Override
            public String name() {
                return images.toString();
            }

            @Override
            public RowCursor open() {
                return new Cursor();
            }
        };
    }

    /** A dataset bound to {@code spec} (vocabularies and statistics built from these images). */
    public Dataset dataset(ModelSpec spec) {
        return dataset(spec, null);
    }

    /** A dataset bound to {@code spec} reusing the vocabularies and statistics of {@code train} (when not null). */
    public Dataset dataset(ModelSpec spec, Dataset train) {
        RowDataset.Options o = new RowDataset.Options(train == null ? null : train.vocabularies(),
                train == null ? null : train.denseStats(), BadRowPolicy.FAIL, List.of(), null,
                spec.training().shuffleBuffer(), ',');
        return new RowDataset(rows(), spec, o, "fashion-mnist:" + images + " (" + size() + " images)");
    }

    /** Writes the rows as CSV (atomically); returns the row count. */
    public long writeCsv(Path out) {
        long n = 0;
        try (CsvWriter w = new CsvWriter(out); RowCursor c = rows().open()) {
            w.line(String.join(",", c.header()));
            String[] cells;
            while ((cells = c.next()) != null) {
                w.line(String.join(",", cells));
                n++;
            }
            w.commit();
        }
        return n;
    }

    /**
     * Image classification plus a second task on the same images: a conv branch (8 and 16 channels,
     * 3x3) over {@code image} and a bag of words over {@code caption}, fused under a shared bottom of
     * 64 units; tasks {@code label} (10 classes) and {@code group} (4 coarse classes).
     */
    public static ModelSpec spec() {
        return new ModelSpec("fashion-mnist",
                List.of(new ImageInput("image", "image", 1, 28, 28, List.of(8, 16), 3),
                        new TextInput("caption", "caption", TextInput.Encoding.BAG_OF_WORDS, 8, 8, null, null)),
                List.of(TaskSpec.multiclass("label", "label", 10), TaskSpec.multiclass("group", "group", 4)),
                new Topology.SharedBottom(List.of(64)), null, null, null, OptimizerSpec.adam(1e-3),
                new TrainingSpec(3, 128, 42L, 0.0, null, 50, 100_000), "dl4j");
    }

    private final class Cursor implements RowCursor {
        private final Idx img = new Idx(images, 0x803);
        private final Idx lab;
        private final byte[] pixels;
        private final StringBuilder sb;
        private int index;

        Cursor() {
            try {
                lab = new Idx(labels, 0x801);
            } catch (RuntimeException e) {
                img.close();
                throw e;
            }
            pixels = new byte[img.rows * img.cols];
            sb = new StringBuilder(pixels.length * 4);
        }

        @Override
        public List<String> header() {
            return List.of("image", "label", "group", "caption");
        }

        @Override
        public String[] next() {
            if (index >= size()) {
                return null;
            }
            int label;
            try {
                img.in.readFully(pixels);
                label = lab.in.readUnsignedByte();
            } catch (EOFException e) {
                throw new DataException(Reason.IO, images.toString(), index + 1, null, null,
                        images + ": ends before image " + (index + 1) + " of " + count, e);
            } catch (IOException e) {
                throw new DataException(Reason.IO, images.toString(), index + 1, null, null,
                        images + ": read failed at image " + (index + 1) + ": " + e, e);
            }
            if (label >= CLASS_NAMES.size()) {
                throw DataException.cell(Reason.CLASS_OUT_OF_RANGE, labels.toString(), index + 1, "label",
                        String.valueOf(label), "Fashion-MNIST labels must be in [0, 10)");
            }
            sb.setLength(0);
            for (int p = 0; p < pixels.length; p++) {
                if (p > 0) {
                    sb.append(' ');
                }
                sb.append(pixels[p] & 0xff);
            }
            String[] cells = {sb.toString(), Integer.toString(label), Integer.toString(GROUP[label]), caption(index, label)};
            index++;
            return cells;
        }

        @Override
        public long line() {
            return index;
        }

        @Override
        public void close() {
            try {
                img.close();
            } finally {
                lab.close();
            }
        }
    }

    /** An idx file opened past its header (big-endian magic, count, and for images rows and cols). */
    private static final class Idx implements AutoCloseable {
        final DataInputStream in;
        final int count;
        final int rows;
        final int cols;

        Idx(Path file, int magic) {
            try {
                InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
                raw.mark(2);
                int b0 = raw.read();
                int b1 = raw.read();
                raw.reset();
                in = new DataInputStream(b0 == 0x1f && b1 == 0x8b ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw);
                int m = in.readInt();
                if (m != magic) {
                    in.close();
                    throw new DataException(Reason.BAD_CELL, file.toString(), 0, null, String.format("0x%08X", m),
                            file + ": not an idx file of the expected kind: magic number 0x" + String.format("%08X", m)
                                    + ", expected 0x" + String.format("%08X", magic));
                }
                count = in.readInt();
                rows = magic == 0x803 ? in.readInt() : 1;
                cols = magic == 0x803 ? in.readInt() : 1;
                if (magic == 0x803 && (rows != 28 || cols != 28)) {
                    in.close();
                    throw new DataException(Reason.BAD_CELL, file.toString(), 0, null, rows + "x" + cols,
                            file + ": Fashion-MNIST images are 28x28, found " + rows + "x" + cols);
                }
            } catch (IOException e) {
                throw new DataException(Reason.IO, file.toString(), 0, null, null, file + ": cannot read idx header: " + e, e);
            }
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
