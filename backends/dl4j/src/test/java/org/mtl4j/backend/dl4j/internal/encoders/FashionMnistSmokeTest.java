package org.mtl4j.backend.dl4j.internal.encoders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.Feature;
import org.mtl4j.api.spec.ImageInput;
import org.mtl4j.backend.dl4j.internal.nn.EmbeddingTables;
import org.mtl4j.backend.dl4j.internal.nn.Encoder;
import org.mtl4j.backend.dl4j.internal.nn.Param;
import org.mtl4j.backend.dl4j.internal.nn.ParamStore;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Smoke test on real images: Debian's {@code dataset-fashion-mnist} (skipped when not installed).
 * The conv branch plus a logistic head learns footwear (sandal, sneaker, ankle boot: 30% of the
 * images) against everything else from 600 training images.
 */
class FashionMnistSmokeTest {
    private static final Path DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** Reads the first {@code n} images (scaled to [0,1]) of an idx3 file. */
    static float[] images(Path file, int n) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file));
                DataInputStream d = new DataInputStream(in)) {
            int magic = d.readInt();
            if (magic != 2051) {
                throw new IOException(file + ": idx3 magic must be 2051, found " + magic);
            }
            int count = d.readInt();
            int rows = d.readInt();
            int cols = d.readInt();
            if (count < n || rows != 28 || cols != 28) {
                throw new IOException(file + ": expected at least " + n + " 28x28 images, found " + count + " of "
                        + rows + "x" + cols);
            }
            byte[] raw = new byte[n * 784];
            d.readFully(raw);
            float[] px = new float[raw.length];
            for (int i = 0; i < raw.length; i++) {
                px[i] = (raw[i] & 0xff) / 255f;
            }
            return px;
        }
    }

    /** Reads the first {@code n} labels of an idx1 file. */
    static int[] labels(Path file, int n) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file));
                DataInputStream d = new DataInputStream(in)) {
            int magic = d.readInt();
            if (magic != 2049) {
                throw new IOException(file + ": idx1 magic must be 2049, found " + magic);
            }
            d.readInt();
            byte[] raw = new byte[n];
            d.readFully(raw);
            int[] y = new int[n];
            for (int i = 0; i < n; i++) {
                y[i] = raw[i];
            }
            return y;
        }
    }

    private static float[] footwear(int[] classes) {
        float[] y = new float[classes.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = classes[i] == 5 || classes[i] == 7 || classes[i] == 9 ? 1f : 0f;
        }
        return y;
    }

    @Test
    void convBranchLearnsFootwearFromAFewHundredImages() throws IOException {
        Path trainImages = DIR.resolve("train-images-idx3-ubyte.gz");
        assumeTrue(Files.isReadable(trainImages), "dataset-fashion-mnist is not installed");
        int nTrain = 600;
        int nTest = 300;
        float[] xTrain = images(trainImages, nTrain);
        float[] yTrain = footwear(labels(DIR.resolve("train-labels-idx1-ubyte.gz"), nTrain));
        float[] xTest = images(DIR.resolve("t10k-images-idx3-ubyte.gz"), nTest);
        float[] yTest = footwear(labels(DIR.resolve("t10k-labels-idx1-ubyte.gz"), nTest));

        ImageInput spec = new ImageInput("image", null, 1, 28, 28, List.of(8, 16), 3);
        ParamStore store = new ParamStore();
        Encoder enc = ExtraEncoders.create(spec, Map.of(), new EmbeddingTables(store), Param.SHARED, 17);
        store.allocate(17);
        assertThat(enc.outputWidth()).isEqualTo(16 * 7 * 7);
        TestHead head = new TestHead(store, enc.outputWidth(), 2e-3, 18);
        int batch = 50;
        for (int epoch = 0; epoch < 3; epoch++) {
            for (int start = 0; start < nTrain; start += batch) {
                float[] px = java.util.Arrays.copyOfRange(xTrain, start * 784, (start + batch) * 784);
                float[] y = java.util.Arrays.copyOfRange(yTrain, start, start + batch);
                INDArray h = enc.forward(new Batch(batch, Map.of("image", new Feature.Image(1, 28, 28, px)), null, null,
                        null), true);
                head.step(h, y, enc::backward);
            }
        }
        float[] p = head.predict(enc.forward(new Batch(nTest, Map.of("image", new Feature.Image(1, 28, 28, xTest)), null,
                null, null), false));
        double base = 0;
        for (float y : yTest) {
            base += y;
        }
        base = Math.max(base, nTest - base) / nTest;
        double acc = TestHead.accuracy(p, yTest);
        System.out.println("fashion-mnist footwear accuracy " + acc + " (majority " + base + ")");
        assertThat(acc).isGreaterThan(0.95).isGreaterThan(base + 0.2);
    }
}
