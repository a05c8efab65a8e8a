package org.mtl4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.BatchStream;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Feature;
import org.mtl4j.data.internal.RowBinder;
import org.mtl4j.data.internal.RowCursor;

class FashionMnistReaderTest {
    @TempDir
    Path dir;

    private static final String MISSING = "Fashion-MNIST is not installed: apt-get install -y dataset-fashion-mnist "
            + "(Debian package dataset-fashion-mnist, files in " + FashionMnistReader.DEBIAN_DIR + ")";

    /** Writes a tiny idx pair: images plain, labels gzip-compressed. */
    private void tinyIdx(int[] labels) throws Exception {
        ByteArrayOutputStream img = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(img);
        d.writeInt(0x803);
        d.writeInt(labels.length);
        d.writeInt(28);
        d.writeInt(28);
        for (int n = 0; n < labels.length; n++) {
            for (int p = 0; p < 784; p++) {
                d.writeByte((p * (n + 1)) % 256);
            }
        }
        Files.write(dir.resolve("train-images-idx3-ubyte"), img.toByteArray());
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(dir.resolve("train-labels-idx1-ubyte.gz")));
                DataOutputStream l = new DataOutputStream(o)) {
            l.writeInt(0x801);
            l.writeInt(labels.length);
            for (int x : labels) {
                l.writeByte(x);
            }
        }
    }

    @Test
    void readsIdxFilesIntoImageLabelGroupAndCaption() throws Exception {
        tinyIdx(new int[] {9, 0, 8});
        FashionMnistReader r = FashionMnistReader.of(dir, FashionMnistReader.Part.TRAIN).nameDropRate(0);
        assertThat(r.size()).isEqualTo(3);
        Dataset ds = r.dataset(FashionMnistReader.spec());
        Batch b;
        try (BatchStream s = ds.batches(10, false, 0)) {
            b = s.next();
        }
        Feature.Image im = (Feature.Image) b.feature("image");
        assertThat(im.channels()).isEqualTo(1);
        assertThat(im.height()).isEqualTo(28);
        assertThat(im.pixels()).hasSize(3 * 784);
        assertThat(im.pixels()[784 + 5]).isEqualTo(10 / 255f);
        assertThat(im.pixels()[2 * 784 + 100]).isEqualTo((300 % 256) / 255f);
        assertThat(b.labels("label")).containsExactly(9f, 0f, 8f);
        assertThat(b.labels("group")).containsExactly(2f, 0f, 3f);
        // captions hold the class name's words plus 1-3 noise words, deterministically
        List<String> words = RowBinder.tokenize(r.caption(0, 9), 100);
        assertThat(words).contains("ankle", "boot");
        assertThat(words.size()).isBetween(3, 5);
        assertThat(words.stream().filter(w -> !w.equals("ankle") && !w.equals("boot")))
                .allMatch(FashionMnistReader.NOISE_WORDS::contains);
        assertThat(r.caption(0, 9)).isEqualTo(r.caption(0, 9)).isNotEqualTo(r.captionSeed(5).caption(0, 9));
        assertThat(RowBinder.tokenize(r.nameDropRate(1).caption(1, 0), 100))
                .allMatch(FashionMnistReader.NOISE_WORDS::contains);
        try (RowCursor c = r.rows().open()) {
            assertThat(c.header()).containsExactly("image", "label", "group", "caption");
            assertThat(c.next()[0]).startsWith("0 1 2 3 ");
        }
    }

    @Test
    void aWrongMagicNumberIsNamed() throws Exception {
        tinyIdx(new int[] {1});
        Path labels = dir.resolve("train-labels-idx1-ubyte");
        Files.write(labels, new byte[] {0, 0, 8, 3, 0, 0, 0, 1, 1});
        Files.delete(dir.resolve("train-labels-idx1-ubyte.gz"));
        assertThatThrownBy(() -> FashionMnistReader.of(dir, FashionMnistReader.Part.TRAIN))
                .isInstanceOf(DataException.class)
                .hasMessage(labels + ": not an idx file of the expected kind: magic number 0x00000803, expected 0x00000801");
        assertThatThrownBy(() -> FashionMnistReader.of(dir.resolve("none"), FashionMnistReader.Part.TEST))
                .hasMessage("no t10k-images-idx3-ubyte or t10k-images-idx3-ubyte.gz in " + dir.resolve("none")
                        + " (install Debian's dataset-fashion-mnist: apt-get install -y dataset-fashion-mnist)");
    }

    @Test
    void debianFilesHoldTheFullDataset() {
        assumeTrue(FashionMnistReader.debianDirectory().isPresent(), MISSING);
        Path d = FashionMnistReader.debianDirectory().orElseThrow();
        FashionMnistReader train = FashionMnistReader.of(d, FashionMnistReader.Part.TRAIN);
        FashionMnistReader test = FashionMnistReader.of(d, FashionMnistReader.Part.TEST);
        assertThat(train.size()).isEqualTo(60_000);
        assertThat(test.size()).isEqualTo(10_000);
        Dataset ds = train.limit(1000).dataset(FashionMnistReader.spec());
        assertThat(ds.size()).isEqualTo(1000);
        int[] perClass = new int[10];
        List<Float> first = new ArrayList<>();
        try (BatchStream s = ds.batches(250, false, 0)) {
            while (s.hasNext()) {
                Batch b = s.next();
                float[] labels = b.labels("label");
                float[] groups = b.labels("group");
                for (int r = 0; r < b.size(); r++) {
                    perClass[(int) labels[r]]++;
                    assertThat(groups[r]).isEqualTo((float) FashionMnistReader.group((int) labels[r]));
                    first.add(labels[r]);
                }
                float[] px = ((Feature.Image) b.feature("image")).pixels();
                float min = 1;
                float max = 0;
                for (float v : px) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
                assertThat(min).isEqualTo(0f);
                assertThat(max).isEqualTo(1f);
            }
        }
        // the first training image is an ankle boot (class 9), then a T-shirt/top (class 0)
        assertThat(first.subList(0, 2)).containsExactly(9f, 0f);
        // the classes are balanced overall (6000 each): every class appears among the first 1000
        assertThat(Arrays.stream(perClass).min().orElseThrow()).isGreaterThan(50);
        assertThat(ds.vocabularies().get("caption").tokens()).contains("ankle", "boot", "trouser", "bag");
    }
}
