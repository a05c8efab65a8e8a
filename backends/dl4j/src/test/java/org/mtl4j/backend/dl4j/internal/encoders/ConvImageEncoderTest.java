package org.mtl4j.backend.dl4j.internal.encoders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.Feature;
import org.mtl4j.api.spec.ImageInput;
import org.mtl4j.backend.dl4j.internal.nn.EmbeddingTables;
import org.mtl4j.backend.dl4j.internal.nn.Encoder;
import org.mtl4j.backend.dl4j.internal.nn.Param;
import org.mtl4j.backend.dl4j.internal.nn.ParamStore;
import org.nd4j.linalg.api.ndarray.INDArray;

class ConvImageEncoderTest {

    private record Built(ParamStore store, Encoder encoder) {
    }

    private static Built build(ImageInput spec, long seed) {
        ParamStore store = new ParamStore();
        Encoder e = ExtraEncoders.create(spec, Map.of(), new EmbeddingTables(store), Param.SHARED, seed);
        store.allocate(seed);
        return new Built(store, e);
    }

    private static Batch batch(ImageInput spec, float[] pixels) {
        int rows = pixels.length / spec.pixels();
        return new Batch(rows, Map.of(spec.name(),
                new Feature.Image(spec.channels(), spec.height(), spec.width(), pixels)), null, null, null);
    }

    private static float[] noise(int n, long seed) {
        Random rnd = new Random(seed);
        float[] p = new float[n];
        for (int i = 0; i < n; i++) {
            p[i] = rnd.nextFloat();
        }
        return p;
    }

    /** Direct definition: conv (same padding, stride 1) + ReLU + 2x2 max-pool, flattened NCHW. */
    private static double[] reference(float[] x, int rows, int c, int h, int w, float[] weight, float[] bias, int oc,
            int k) {
        int pad = (k - 1) / 2;
        double[] conv = new double[rows * oc * h * w];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < oc; o++) {
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < w; j++) {
                        double s = bias[o];
                        for (int ci = 0; ci < c; ci++) {
                            for (int a = 0; a < k; a++) {
                                for (int bb = 0; bb < k; bb++) {
                                    int y = i + a - pad;
                                    int xx = j + bb - pad;
                                    if (y >= 0 && y < h && xx >= 0 && xx < w) {
                                        s += weight[((o * c + ci) * k + a) * k + bb] * x[((r * c + ci) * h + y) * w + xx];
                                    }
                                }
                            }
                        }
                        conv[((r * oc + o) * h + i) * w + j] = Math.max(0, s);
                    }
                }
            }
        }
        int ph = h / 2;
        int pw = w / 2;
        double[] out = new double[rows * oc * ph * pw];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < oc; o++) {
                for (int i = 0; i < ph; i++) {
                    for (int j = 0; j < pw; j++) {
                        double m = Double.NEGATIVE_INFINITY;
                        for (int a = 0; a < 2; a++) {
                            for (int bb = 0; bb < 2; bb++) {
                                m = Math.max(m, conv[((r * oc + o) * h + 2 * i + a) * w + 2 * j + bb]);
                            }
                        }
                        out[((r * oc + o) * ph + i) * pw + j] = m;
                    }
                }
            }
        }
        return out;
    }

    @Test
    void forwardMatchesTheDefinitionOnANonSquareOddSizedImage() {
        ImageInput spec = new ImageInput("img", null, 2, 5, 7, List.of(3), 3);
        Built b = build(spec, 3);
        float[] x = noise(2 * spec.pixels(), 4);
        INDArray out = b.encoder().forward(batch(spec, x), false);
        assertThat(b.encoder().outputWidth()).isEqualTo(3 * 2 * 3);
        assertThat(out.shape()).containsExactly(2, 18);
        Param w = b.encoder().params().get(0);
        Param bias = b.encoder().params().get(1);
        bias.value().assign(org.nd4j.linalg.factory.Nd4j.createFromArray(0.1f, -0.2f, 0.05f));
        out = b.encoder().forward(batch(spec, x), false);
        double[] ref = reference(x, 2, 2, 5, 7, w.value().dup().data().asFloat(), bias.value().dup().data().asFloat(), 3, 3);
        float[] got = out.dup().data().asFloat();
        for (int i = 0; i < ref.length; i++) {
            assertThat((double) got[i]).as("entry " + i).isCloseTo(ref[i], org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Test
    void gradientsMatchFiniteDifferencesForEveryParameter() {
        ImageInput spec = new ImageInput("img", null, 2, 6, 6, List.of(3, 2), 3);
        Built b = build(spec, 5);
        GradCheck.randomise(b.store(), 0.5, 5);
        Batch batch = batch(spec, noise(2 * spec.pixels(), 6));
        List<GradCheck.Result> res = GradCheck.run(b.store(), b.encoder(), () -> b.encoder().forward(batch, false), 1e-3,
                2e-3, 2e-2, 7);
        assertThat(res).extracting(GradCheck.Result::param).containsExactly("image:img.conv0.w", "image:img.conv0.b",
                "image:img.conv1.w", "image:img.conv1.b");
        GradCheck.assertPasses(res, 1e-2);
    }

    @Test
    void rejectsImagesOfAnotherShapeAndTooManyPoolingStages() {
        ImageInput spec = new ImageInput("img", null, 1, 4, 4, List.of(2), 3);
        Built b = build(spec, 1);
        Batch wrong = new Batch(1, Map.of("img", new Feature.Image(1, 4, 5, new float[20])), null, null, null);
        assertThatThrownBy(() -> b.encoder().forward(wrong, false))
                .isInstanceOf(MtlException.class)
                .hasMessage("input 'img' expects 1 images of 1x4x4, found 1x4x5 with 20 pixels");
        ImageInput deep = new ImageInput("tiny", null, 1, 4, 4, List.of(2, 2, 2), 3);
        assertThatThrownBy(() -> build(deep, 1))
                .isInstanceOf(MtlException.class)
                .hasMessage("image input 'tiny': conv stage 3 of 3 would 2x2-pool a 1x1 map to nothing; use fewer "
                        + "convChannels entries or larger images (found 4x4)");
    }

    /** 8x8 noise images with a bright 2x2 square in the left (label 0) or right (label 1) half. */
    private static float[] squares(Random rnd, int rows, float[] pixels) {
        float[] y = new float[rows];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < 64; i++) {
                pixels[r * 64 + i] = rnd.nextFloat() * 0.3f;
            }
            boolean right = rnd.nextBoolean();
            int col = (right ? 4 : 0) + rnd.nextInt(3);
            int row = rnd.nextInt(7);
            for (int a = 0; a < 2; a++) {
                for (int c = 0; c < 2; c++) {
                    pixels[r * 64 + (row + a) * 8 + col + c] = 1f;
                }
            }
            y[r] = right ? 1f : 0f;
        }
        return y;
    }

    @Test
    void learnsWhetherTheBrightSquareIsLeftOrRight() {
        ImageInput spec = new ImageInput("img", null, 1, 8, 8, List.of(4), 3);
        Built b = build(spec, 9);
        TestHead head = new TestHead(b.store(), b.encoder().outputWidth(), 1e-2, 10);
        Random rnd = new Random(11);
        float[] px = new float[32 * 64];
        double first = 0;
        double last = 0;
        for (int s = 0; s < 150; s++) {
            float[] y = squares(rnd, 32, px);
            INDArray h = b.encoder().forward(batch(spec, px.clone()), true);
            last = head.step(h, y, b.encoder()::backward);
            if (s == 0) {
                first = last;
            }
        }
        float[] testPx = new float[400 * 64];
        float[] yTest = squares(new Random(12), 400, testPx);
        float[] p = head.predict(b.encoder().forward(batch(spec, testPx), false));
        assertThat(last).isLessThan(first);
        assertThat(TestHead.accuracy(p, yTest)).isGreaterThan(0.97);
    }
}
