package org.mtl4j.backend.dl4j.internal.encoders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.Feature;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.SequenceInput;
import org.mtl4j.api.spec.TransformerSpec;
import org.mtl4j.api.spec.TransformerSpec.SequencePooling;
import org.mtl4j.api.spec.VocabularySpec;
import org.mtl4j.backend.dl4j.internal.nn.EmbeddingTables;
import org.mtl4j.backend.dl4j.internal.nn.Encoder;
import org.mtl4j.backend.dl4j.internal.nn.Param;
import org.mtl4j.backend.dl4j.internal.nn.ParamStore;
import org.nd4j.linalg.api.ndarray.INDArray;

class TransformerEncoderTest {
    /** ids 2..11 are tokens t0..t9. */
    private static final Vocabulary ITEMS = Vocabulary.of("items",
            List.of("t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9"));

    private record Built(ParamStore store, EmbeddingTables tables, Encoder encoder) {
    }

    private static Built build(int maxLength, TransformerSpec enc, long seed) {
        ParamStore store = new ParamStore();
        // another parameter first, so that the table is a view at a non-zero offset of the flat buffer
        store.declare("before", new long[] {5, 3}, Param.SHARED, Param.Init.XAVIER, 5);
        EmbeddingTables tables = new EmbeddingTables(store);
        SequenceInput spec = new SequenceInput("history", "history", "|", maxLength, VocabularySpec.DEFAULT, "items", enc);
        Encoder e = ExtraEncoders.create(spec, Map.of("items", ITEMS), tables, Param.SHARED, seed);
        store.allocate(seed);
        return new Built(store, tables, e);
    }

    private static Batch batch(int maxLength, int[] ids) {
        return new Batch(ids.length / maxLength, Map.of("history", new Feature.Sequence(maxLength, ids)), null, null, null);
    }

    /** Three rows of length 4: full, left-padded, and empty. */
    private static final int[] TINY = {2, 5, 7, 3, 0, 0, 9, 4, 0, 0, 0, 0};

    @Test
    void meanPoolingGradientsMatchFiniteDifferencesForEveryParameter() {
        Built b = build(4, new TransformerSpec(2, 2, 4, 6, 0.0, SequencePooling.MEAN), 11);
        GradCheck.randomise(b.store(), 1.0, 11);
        Batch batch = batch(4, TINY);
        List<GradCheck.Result> res = GradCheck.run(b.store(), b.encoder(), () -> b.encoder().forward(batch, false), 1e-3,
                2e-3, 2e-2, 5);
        assertThat(res).extracting(GradCheck.Result::param).contains("embedding:items", "sequence:history.positions",
                "sequence:history.block0.attention.wQkv", "sequence:history.block1.norm2.gamma");
        assertThat(res).hasSize(2 + 2 * 12);
        GradCheck.assertPasses(res, 1e-2);
    }

    @Test
    void lastPoolingGradientsMatchFiniteDifferencesForEveryParameter() {
        Built b = build(4, new TransformerSpec(1, 2, 4, 5, 0.0, SequencePooling.LAST), 12);
        GradCheck.randomise(b.store(), 1.0, 12);
        Batch batch = batch(4, TINY);
        List<GradCheck.Result> res = GradCheck.run(b.store(), b.encoder(), () -> b.encoder().forward(batch, false), 1e-3,
                2e-3, 2e-2, 6);
        GradCheck.assertPasses(res, 1e-2);
    }

    @Test
    void paddingIsMaskedAndAnEmptyRowEncodesToFiniteZeros() {
        Built b = build(4, new TransformerSpec(2, 2, 4, 6, 0.0, SequencePooling.MEAN), 13);
        Batch batch = batch(4, TINY);
        float[] before = b.encoder().forward(batch, false).dup().data().asFloat();
        // the padding row of the shared table is looked up at padded positions: change it wildly
        Param table = b.tables().table("items", ITEMS.size(), 4, Param.SHARED);
        table.value().getRow(0).assign(37.0);
        float[] after = b.encoder().forward(batch, false).dup().data().asFloat();
        assertThat(after).containsExactly(before);
        for (float x : after) {
            assertThat(Float.isFinite(x)).isTrue();
        }
        assertThat(java.util.Arrays.copyOfRange(after, 8, 12)).containsOnly(0f);
        // and no gradient reaches the padding row
        b.store().zeroGrads();
        b.encoder().forward(batch, false);
        b.encoder().backward(org.nd4j.linalg.factory.Nd4j.ones(3, 4));
        assertThat(GradCheck.tableGrad(table).getRow(0).norm2Number().doubleValue()).isZero();
        assertThat(GradCheck.tableGrad(table).getRow(2).norm2Number().doubleValue()).isPositive();
    }

    @Test
    void aRowDependsOnlyOnItsOwnIdsAndLastPoolingOnAnEmptyRowIsZero() {
        Built b = build(4, new TransformerSpec(1, 2, 4, 6, 0.0, SequencePooling.LAST), 14);
        INDArray out1 = b.encoder().forward(batch(4, TINY), false).dup();
        int[] changed = TINY.clone();
        changed[0] = 8; // row 0 only
        INDArray out2 = b.encoder().forward(batch(4, changed), false).dup();
        assertThat(out2.getRow(1).dup().data().asFloat()).containsExactly(out1.getRow(1).dup().data().asFloat());
        assertThat(out2.getRow(2).dup().data().asFloat()).containsOnly(0f);
        assertThat(out2.getRow(0).dup().data().asFloat()).isNotEqualTo(out1.getRow(0).dup().data().asFloat());
    }

    @Test
    void backwardCanRunOncePerTaskAfterOneForwardPass() {
        // per-task gradients: one forward, then one backward per task with that task's output gradient
        Built b = build(4, new TransformerSpec(2, 2, 4, 6, 0.2, SequencePooling.MEAN), 15);
        Batch batch = batch(4, TINY);
        b.encoder().forward(batch, true);
        INDArray g1 = org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 3, 4);
        INDArray g2 = org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 3, 4);
        b.store().zeroGrads();
        b.encoder().backward(g1);
        INDArray first = org.nd4j.linalg.factory.Nd4j.createFromArray(b.store().gradientArray());
        b.store().zeroGrads();
        b.encoder().backward(g2);
        INDArray second = org.nd4j.linalg.factory.Nd4j.createFromArray(b.store().gradientArray());
        b.store().zeroGrads();
        b.encoder().backward(g1.add(g2));
        INDArray both = org.nd4j.linalg.factory.Nd4j.createFromArray(b.store().gradientArray());
        assertThat(first.norm2Number().doubleValue()).isPositive();
        assertThat(both.sub(first.add(second)).norm2Number().doubleValue())
                .isLessThan(1e-5 * both.norm2Number().doubleValue());
    }

    @Test
    void dropoutActsOnlyWhileTrainingAndIsSeeded() {
        TransformerSpec spec = new TransformerSpec(1, 2, 4, 6, 0.3, SequencePooling.MEAN);
        Built a = build(4, spec, 21);
        Built b = build(4, spec, 21);
        Batch batch = batch(4, TINY);
        float[] eval1 = a.encoder().forward(batch, false).dup().data().asFloat();
        float[] eval2 = a.encoder().forward(batch, false).dup().data().asFloat();
        float[] trainA = a.encoder().forward(batch, true).dup().data().asFloat();
        float[] trainB = b.encoder().forward(batch, true).dup().data().asFloat();
        assertThat(eval2).containsExactly(eval1);
        assertThat(trainA).containsExactly(trainB);
        assertThat(trainA).isNotEqualTo(eval1);
    }

    @Test
    void sharesTheNamedEmbeddingTableAndChecksItsWidth() {
        ParamStore store = new ParamStore();
        EmbeddingTables tables = new EmbeddingTables(store);
        Param item = tables.table("items", ITEMS.size(), 8, Param.SHARED);
        SequenceInput spec = new SequenceInput("history", "history", "|", 4, null, "items",
                TransformerSpec.of(1, 2, 8));
        Encoder e = ExtraEncoders.create(spec, Map.of("history", ITEMS), tables, Param.SHARED, 1);
        assertThat(e.params().get(0)).isSameAs(item);
        assertThat(e.outputWidth()).isEqualTo(8);

        SequenceInput wide = new SequenceInput("history2", "history", "|", 4, null, "items",
                TransformerSpec.of(1, 2, 16));
        assertThatThrownBy(() -> ExtraEncoders.create(wide, Map.of("history2", ITEMS), tables, Param.SHARED, 1))
                .isInstanceOf(MtlException.class)
                .hasMessage("sequence input 'history2': embedding table 'items' is used with shape [12, 16] but was "
                        + "declared [12, 8] (a transformer's width must equal the embedding width of its table, and "
                        + "inputs sharing a table must share the vocabulary)");
    }

    @Test
    void rejectsSequencesOfAnotherLengthAndIdsOutsideTheTable() {
        Built b = build(4, TransformerSpec.of(1, 2, 4), 3);
        assertThatThrownBy(() -> b.encoder().forward(batch(3, new int[] {2, 3, 4}), false))
                .isInstanceOf(MtlException.class)
                .hasMessage("input 'history' expects sequences of length 4 for 1 rows, found length 3 with 3 ids");
        assertThatThrownBy(() -> b.encoder().forward(batch(4, new int[] {0, 2, 12, 3}), false))
                .isInstanceOf(MtlException.class)
                .hasMessage("input 'history' row 0 position 2: id 12 is outside the embedding table [0, 12)");
    }

    /** Random histories of 2..8 ids holding A (id 2) and B (id 3) once each; label: A comes before B. */
    private static float[] orderTask(Random rnd, int rows, int len, int[] ids) {
        float[] y = new float[rows];
        for (int r = 0; r < rows; r++) {
            int n = 2 + rnd.nextInt(len - 1);
            int start = len - n;
            for (int p = 0; p < len; p++) {
                ids[r * len + p] = p < start ? 0 : 4 + rnd.nextInt(8);
            }
            int pa = start + rnd.nextInt(n);
            int pb;
            do {
                pb = start + rnd.nextInt(n);
            } while (pb == pa);
            ids[r * len + pa] = 2;
            ids[r * len + pb] = 3;
            y[r] = pa < pb ? 1f : 0f;
        }
        return y;
    }

    /** Histories of 1..8 ids from 3..11; in half of them one earlier id is A (2); the last id is never A. */
    private static float[] containsTask(Random rnd, int rows, int len, int[] ids) {
        float[] y = new float[rows];
        for (int r = 0; r < rows; r++) {
            int n = 2 + rnd.nextInt(len - 1);
            int start = len - n;
            for (int p = 0; p < len; p++) {
                ids[r * len + p] = p < start ? 0 : 3 + rnd.nextInt(9);
            }
            if (rnd.nextBoolean()) {
                ids[r * len + start + rnd.nextInt(n - 1)] = 2;
                y[r] = 1f;
            }
        }
        return y;
    }

    private interface Task {
        float[] make(Random rnd, int rows, int len, int[] ids);
    }

    private static double trainAndTest(SequencePooling pooling, Task task, int steps) {
        int len = 8;
        int rows = 64;
        Built b = build(len, new TransformerSpec(1, 2, 16, 32, 0.0, pooling), 7);
        TestHead head = new TestHead(b.store(), 16, 1e-2, 8);
        Random rnd = new Random(99);
        int[] ids = new int[rows * len];
        List<Double> losses = new ArrayList<>();
        for (int s = 0; s < steps; s++) {
            float[] y = task.make(rnd, rows, len, ids);
            Batch batch = batch(len, ids.clone());
            INDArray h = b.encoder().forward(batch, true);
            losses.add(head.step(h, y, b.encoder()::backward));
        }
        int testRows = 512;
        int[] testIds = new int[testRows * len];
        float[] yTest = task.make(new Random(1234), testRows, len, testIds);
        float[] p = head.predict(b.encoder().forward(batch(len, testIds), false));
        assertThat(losses.get(losses.size() - 1)).isLessThan(losses.get(0));
        double acc = TestHead.accuracy(p, yTest);
        System.out.println("transformer " + pooling + " held-out accuracy " + acc + " after " + steps + " steps");
        return acc;
    }

    @Test
    void learnsWhetherAComesBeforeB() {
        // the label depends only on the order of two ids: position embeddings must carry it
        assertThat(trainAndTest(SequencePooling.MEAN, TransformerEncoderTest::orderTask, 200)).isGreaterThan(0.97);
    }

    @Test
    void lastPositionLearnsByAttentionWhetherTheHistoryHoldsA() {
        // the last id is never A, so with LAST pooling only attention can bring A's presence there
        assertThat(trainAndTest(SequencePooling.LAST, TransformerEncoderTest::containsTask, 200)).isGreaterThan(0.97);
    }
}
