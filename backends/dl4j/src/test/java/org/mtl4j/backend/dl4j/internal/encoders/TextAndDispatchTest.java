package org.mtl4j.backend.dl4j.internal.encoders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.Feature;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.CategoricalInput;
import org.mtl4j.api.spec.DenseInput;
import org.mtl4j.api.spec.ImageInput;
import org.mtl4j.api.spec.SequenceInput;
import org.mtl4j.api.spec.TextInput;
import org.mtl4j.api.spec.TransformerSpec;
import org.mtl4j.backend.dl4j.internal.nn.EmbeddingTables;
import org.mtl4j.backend.dl4j.internal.nn.Encoder;
import org.mtl4j.backend.dl4j.internal.nn.Param;
import org.mtl4j.backend.dl4j.internal.nn.ParamStore;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TextAndDispatchTest {
    private static final Vocabulary WORDS = Vocabulary.of("title", List.of("red", "shoe", "bag", "shirt"));

    @Test
    void bagOfWordsIsTheMeanOfTheTokenEmbeddingsAndScattersItsGradient() {
        ParamStore store = new ParamStore();
        store.declare("first", new long[] {4}, "ctr", Param.Init.ONE, 4);
        EmbeddingTables tables = new EmbeddingTables(store);
        TextInput spec = new TextInput("title", "title", TextInput.Encoding.BAG_OF_WORDS, 8, 3, null, null);
        Encoder e = ExtraEncoders.create(spec, Map.of("title", WORDS), tables, "ctr", 1);
        store.allocate(1);
        Param table = e.params().get(0);
        assertThat(table.name()).isEqualTo("embedding:title@ctr");
        float[] rows = new float[6 * 3];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i;
        }
        table.value().assign(Nd4j.createFromArray(rows).reshape(6, 3));
        // row 0: red shoe shoe -> ids 2 3 3; row 1: empty; row 2: bag (and a stray padding id)
        Batch batch = new Batch(3, Map.of("title", new Feature.Bag(new int[] {0, 3, 3, 5}, new int[] {2, 3, 3, 4, 0})),
                null, null, null);
        INDArray out = e.forward(batch, false);
        assertThat(out.toFloatMatrix()).isEqualTo(new float[][] {
            {(6 + 9 + 9) / 3f, (7 + 10 + 10) / 3f, (8 + 11 + 11) / 3f}, {0, 0, 0}, {12, 13, 14}});
        store.zeroGrads();
        e.backward(Nd4j.createFromArray(new float[][] {{3, 6, 9}, {1, 1, 1}, {1, 2, 3}}));
        assertThat(GradCheck.tableGrad(table).toFloatMatrix()).isEqualTo(new float[][] {
            {0, 0, 0}, {0, 0, 0}, {1, 2, 3}, {2, 4, 6}, {1, 2, 3}, {0, 0, 0}});
    }

    @Test
    void bagOfWordsGradientMatchesFiniteDifferences() {
        ParamStore store = new ParamStore();
        store.declare("before", new long[] {7}, Param.SHARED, Param.Init.XAVIER, 7);
        TextInput spec = new TextInput("title", "title", null, 8, 4, null, null);
        Encoder e = ExtraEncoders.create(spec, Map.of("title", WORDS), new EmbeddingTables(store), Param.SHARED, 1);
        store.allocate(2);
        GradCheck.randomise(store, 1.0, 2);
        Batch batch = new Batch(2, Map.of("title", new Feature.Bag(new int[] {0, 2, 5}, new int[] {2, 5, 4, 4, 3})),
                null, null, null);
        GradCheck.assertPasses(GradCheck.run(store, e, () -> e.forward(batch, false), 1e-3, 1e-3, 1e-2, 3), 1e-3);
    }

    @Test
    void tokenSequenceTextRunsTheTransformerOnItsOwnTable() {
        ParamStore store = new ParamStore();
        TextInput spec = new TextInput("title", "title", TextInput.Encoding.SEQUENCE, 5, 4, null, null);
        Encoder e = ExtraEncoders.create(spec, Map.of("title", WORDS), new EmbeddingTables(store), Param.SHARED, 1);
        store.allocate(3);
        assertThat(e).isInstanceOf(TransformerEncoder.class);
        assertThat(e.params().get(0).name()).isEqualTo("embedding:title");
        assertThat(e.params().get(1).name()).isEqualTo("text:title.positions");
        GradCheck.randomise(store, 1.0, 3);
        Batch batch = new Batch(2, Map.of("title", new Feature.Sequence(5, new int[] {0, 0, 2, 3, 4, 0, 5, 5, 2, 3})),
                null, null, null);
        INDArray out = e.forward(batch, false);
        assertThat(out.shape()).containsExactly(2, 4);
        GradCheck.assertPasses(GradCheck.run(store, e, () -> e.forward(batch, false), 1e-3, 2e-3, 2e-2, 4), 1e-2);
    }

    @Test
    void dispatchesByKindAndNamesTheInputInEveryError() {
        ParamStore store = new ParamStore();
        EmbeddingTables tables = new EmbeddingTables(store);
        assertThat(ExtraEncoders.create(new ImageInput("img", null, 1, 4, 4, List.of(2), 3), Map.of(), tables,
                Param.SHARED, 1)).isInstanceOf(ConvImageEncoder.class);
        assertThat(ExtraEncoders.create(new TextInput("title", "t", null, 4, 3, null, null), Map.of("title", WORDS),
                tables, Param.SHARED, 1)).isInstanceOf(BagOfWordsEncoder.class);
        assertThat(ExtraEncoders.create(new SequenceInput("hist", "h", null, 4, null, "title", TransformerSpec.of(1, 1, 3)),
                Map.of("title", WORDS), tables, Param.SHARED, 1)).isInstanceOf(TransformerEncoder.class);

        assertThatThrownBy(() -> ExtraEncoders.create(new DenseInput("price", List.of("price"), false), Map.of(), tables,
                Param.SHARED, 1))
                .isInstanceOf(MtlException.class)
                .hasMessage("input 'price' of kind dense has no extra encoder (these are: sequence, image, text)");
        assertThatThrownBy(() -> ExtraEncoders.create(new CategoricalInput("item", "item", 4, null, null), Map.of(),
                tables, Param.SHARED, 1))
                .isInstanceOf(MtlException.class)
                .hasMessage("input 'item' of kind categorical has no extra encoder (these are: sequence, image, text)");
        assertThatThrownBy(() -> ExtraEncoders.create(new SequenceInput("clicks", "c", null, 4, null, "items", null),
                Map.of("title", WORDS, "brand", WORDS), tables, Param.SHARED, 1))
                .isInstanceOf(MtlException.class)
                .hasMessage("input 'clicks' has no vocabulary (vocabularies exist for: [brand, title])");
        assertThatThrownBy(() -> ExtraEncoders.create(new TextInput("body", "b", TextInput.Encoding.SEQUENCE, 4, 8, null,
                TransformerSpec.of(1, 2, 6)), Map.of("body", WORDS), tables, Param.SHARED, 1))
                .isInstanceOf(MtlException.class)
                .hasMessage("text input 'body': embeddingDim 8 must equal the transformer width 6");
    }
}
