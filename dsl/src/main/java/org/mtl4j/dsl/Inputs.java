package org.mtl4j.dsl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mtl4j.api.spec.CategoricalInput;
import org.mtl4j.api.spec.DenseInput;
import org.mtl4j.api.spec.ImageInput;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.MultiHotInput;
import org.mtl4j.api.spec.Pooling;
import org.mtl4j.api.spec.SequenceInput;
import org.mtl4j.api.spec.TextInput;
import org.mtl4j.api.spec.TransformerSpec;
import org.mtl4j.api.spec.VectorInput;
import org.mtl4j.api.spec.VocabularySpec;
import org.mtl4j.api.spec.Defaults;

/**
 * Static entry points for model inputs. Each returns a builder whose values are checked when the
 * model is built, so that every bad value is reported with the others:
 * <pre>{@code
 * Inputs.dense("ctx", "d0", "d1", "d2")
 * Inputs.categorical("user").column("user_id").dim(16)
 * Inputs.categorical("item").column("item_id").dim(16).table("items")
 * Inputs.multiHot("genres").separator("|").dim(8).sum()
 * Inputs.sequence("history").column("clicked_items").maxLength(50).table("items").transformer(2, 4, 16)
 * Inputs.image("photo", 1, 28, 28).conv(8, 16).kernel(3)
 * Inputs.image("photo", 1, 28, 28).network(myDl4jGraph).dimension(64).fineTuned() // a user's DL4J network
 * Inputs.image("photo", 1, 28, 28).network("photo-net.zip").output("dense1").dimension(64) // frozen, from a file
 * Inputs.text("title").maxTokens(32).dim(16)                     // bag of words
 * Inputs.text("title").maxTokens(32).dim(16).transformer(1, 2, 16) // token sequence
 * Inputs.text("review").pretrained("all-minilm-l6-v2").adapter(32)  // frozen sentence vectors + adapter
 * Inputs.vector("audio", 64).column("audio_emb")                  // 64 numbers in one cell
 * Inputs.vector("photo", 512).file("photo_vectors.npy").key("item_id").missingAsZero()
 * }</pre>
 * Categorical-like inputs read the column named like the input unless {@code column(..)} says
 * otherwise; their embedding width defaults to {@value Defaults#EMBEDDING_DIM}.
 */
public final class Inputs {
    private Inputs() {
    }

    /** Real-valued columns, z-scored with training statistics unless {@code standardize(false)}. */
    public static Dense dense(String name, String... columns) {
        return new Dense(name, columns);
    }

    /** An id looked up in an embedding table. */
    public static Categorical categorical(String name) {
        return new Categorical(name);
    }

    /** A bag of ids in one cell ({@code Drama|Comedy}), embedded and pooled. */
    public static MultiHot multiHot(String name) {
        return new MultiHot(name);
    }

    /** An id sequence (behaviour history, most recent last) encoded by a Transformer. */
    public static Sequence sequence(String name) {
        return new Sequence(name);
    }

    /** An image of {@code channels x height x width} pixels through a conv branch. */
    public static Image image(String name, int channels, int height, int width) {
        return new Image(name, channels, height, width);
    }

    /** Free text: a bag of words by default, a token sequence with {@link Text#transformer}. */
    public static Text text(String name) {
        return new Text(name);
    }

    /**
     * A fixed-length vector per row made by another system (audio, image or text embeddings): from a
     * cell, or from a side file keyed by an id column; frozen, through a trainable adapter.
     */
    public static Vector vector(String name, int dimension) {
        return new Vector(name, dimension);
    }

    /** What every input builder has: a name and the record it builds. */
    public abstract static class Input {
        final String name;

        Input(String name) {
            this.name = name;
        }

        public String name() {
            return name;
        }

        /** The record; throws the record's {@link IllegalArgumentException} on a bad value. */
        public abstract InputSpec toSpec();
    }

    /** Builder of a {@link DenseInput}. */
    public static final class Dense extends Input {
        private final List<String> columns = new ArrayList<>();
        private boolean standardize = Defaults.DENSE_STANDARDIZE;

        Dense(String name, String... columns) {
            super(name);
            this.columns.addAll(Arrays.asList(columns));
        }

        public Dense columns(String... more) {
            columns.addAll(Arrays.asList(more));
            return this;
        }

        public Dense standardize(boolean z) {
            this.standardize = z;
            return this;
        }

        @Override
        public InputSpec toSpec() {
            return new DenseInput(name, columns, standardize);
        }
    }

    /** Vocabulary choices shared by the id inputs. */
    public abstract static class IdInput<B extends IdInput<B>> extends Input {
        String column;
        VocabularySpec vocabulary;
        private int maxSize = VocabularySpec.DEFAULT.maxSize();
        private int minCount = VocabularySpec.DEFAULT.minCount();
        private int hashBuckets;

        IdInput(String name) {
            super(name);
        }

        abstract B self();

        /** The source column (default: the input's name). */
        public B column(String c) {
            this.column = c;
            return self();
        }

        /** Build the vocabulary from training data: the {@code maxSize} most frequent values seen {@code minCount} times. */
        public B vocabulary(int maxSize, int minCount) {
            this.maxSize = maxSize;
            this.minCount = minCount;
            this.hashBuckets = 0;
            return self();
        }

        /** Hash values into {@code buckets} rows instead of building a vocabulary. */
        public B hashed(int buckets) {
            this.hashBuckets = buckets;
            return self();
        }

        String columnOrName() {
            return column == null ? name : column;
        }

        VocabularySpec vocabularySpec() {
            return new VocabularySpec(maxSize, minCount, hashBuckets);
        }
    }

    /** Builder of a {@link CategoricalInput}. */
    public static final class Categorical extends IdInput<Categorical> {
        private int dim = Defaults.EMBEDDING_DIM;
        private String table;

        Categorical(String name) {
            super(name);
        }

        @Override
        Categorical self() {
            return this;
        }

        /** Embedding width. */
        public Categorical dim(int d) {
            this.dim = d;
            return this;
        }

        /** Share the embedding table {@code t} with other inputs naming it (default: own table). */
        public Categorical table(String t) {
            this.table = t;
            return this;
        }

        @Override
        public InputSpec toSpec() {
            return new CategoricalInput(name, columnOrName(), dim, vocabularySpec(), table);
        }
    }

    /** Builder of a {@link MultiHotInput}. */
    public static final class MultiHot extends IdInput<MultiHot> {
        private String separator;
        private int dim = Defaults.EMBEDDING_DIM;
        private Pooling pooling = Pooling.MEAN;
        private String table;

        MultiHot(String name) {
            super(name);
        }

        @Override
        MultiHot self() {
            return this;
        }

        /** Separator inside a cell, a literal string (default {@code |}). */
        public MultiHot separator(String s) {
            this.separator = s;
            return this;
        }

        public MultiHot dim(int d) {
            this.dim = d;
            return this;
        }

        /** Sum the bag's embeddings (default: mean). */
        public MultiHot sum() {
            this.pooling = Pooling.SUM;
            return this;
        }

        public MultiHot mean() {
            this.pooling = Pooling.MEAN;
            return this;
        }

        public MultiHot table(String t) {
            this.table = t;
            return this;
        }

        @Override
        public InputSpec toSpec() {
            return new MultiHotInput(name, columnOrName(), separator, dim, pooling, vocabularySpec(), table);
        }
    }

    /** Transformer settings shared by sequences and token-sequence text. */
    abstract static class Encoded<B extends Encoded<B>> extends IdInput<B> {
        private int layers = Defaults.TRANSFORMER_LAYERS;
        private int heads = Defaults.TRANSFORMER_HEADS;
        private int width = Defaults.TRANSFORMER_WIDTH;
        private Integer feedForward;
        private double dropout;
        private TransformerSpec.SequencePooling pooling = TransformerSpec.SequencePooling.MEAN;
        boolean encoderSet;

        Encoded(String name) {
            super(name);
        }

        /** A Transformer encoder of {@code layers} blocks, {@code heads} heads and model width {@code width}. */
        public B transformer(int layers, int heads, int width) {
            this.layers = layers;
            this.heads = heads;
            this.width = width;
            this.encoderSet = true;
            return self();
        }

        /** Hidden width of each block's feed-forward layer (default 2 x width). */
        public B feedForward(int units) {
            this.feedForward = units;
            this.encoderSet = true;
            return self();
        }

        public B dropout(double p) {
            this.dropout = p;
            this.encoderSet = true;
            return self();
        }

        /** Pool the encoded sequence by its last position (default: mean over the unpadded positions). */
        public B poolLast() {
            this.pooling = TransformerSpec.SequencePooling.LAST;
            this.encoderSet = true;
            return self();
        }

        TransformerSpec encoder() {
            return new TransformerSpec(layers, heads, width, feedForward == null ? 2 * width : feedForward, dropout, pooling);
        }
    }

    /** Builder of a {@link SequenceInput}. */
    public static final class Sequence extends Encoded<Sequence> {
        private String separator;
        private int maxLength = Defaults.SEQUENCE_MAX_LENGTH;
        private String table;

        Sequence(String name) {
            super(name);
        }

        @Override
        Sequence self() {
            return this;
        }

        public Sequence separator(String s) {
            this.separator = s;
            return this;
        }

        /** Keep the last {@code n} ids. */
        public Sequence maxLength(int n) {
            this.maxLength = n;
            return this;
        }

        /** Share an embedding table (e.g. with the candidate item's categorical input). */
        public Sequence table(String t) {
            this.table = t;
            return this;
        }

        @Override
        public InputSpec toSpec() {
            return new SequenceInput(name, columnOrName(), separator, maxLength, vocabularySpec(), table, encoder());
        }
    }

    /** Builder of an {@link ImageInput}. */
    public static final class Image extends Input {
        private final int channels;
        private final int height;
        private final int width;
        private String column;
        private List<Integer> conv;
        private int kernel = Defaults.IMAGE_KERNEL;
        private String network;
        private ImageInput.NetworkMode mode;
        private String output;
        private Integer dimension;
        private Double networkLearningRate;

        Image(String name, int channels, int height, int width) {
            super(name);
            this.channels = channels;
            this.height = height;
            this.width = width;
        }

        public Image column(String c) {
            this.column = c;
            return this;
        }

        /** Output channels of each conv + ReLU + 2x2 max-pool stage (default 8, 16). */
        public Image conv(int... outChannels) {
            this.conv = Arrays.stream(outChannels).boxed().toList();
            return this;
        }

        /** Odd kernel size (default 3). */
        public Image kernel(int k) {
            this.kernel = k;
            return this;
        }

        /**
         * Encode the image with a DL4J network given as an object (a {@code ComputationGraph} or
         * {@code MultiLayerNetwork}, trained in DL4J or imported from Keras with {@code KerasModelImport});
         * the spec holds an in-memory reference to it ({@link org.mtl4j.api.spec.EncoderNetworks}) and a
         * saved model holds the network itself. Frozen unless {@link #fineTuned()}.
         */
        public Image network(Object dl4jNetwork) {
            this.network = org.mtl4j.api.spec.EncoderNetworks.register(name, dl4jNetwork);
            return this;
        }

        /** Encode the image with the DL4J network saved in this model zip ({@code ModelSerializer}). */
        public Image network(String modelFile) {
            this.network = modelFile;
            return this;
        }

        /** The layer (vertex) whose activations are the features (default: the network's output, or the input of its loss layer). */
        public Image output(String layer) {
            this.output = layer;
            return this;
        }

        /** The width of the network's features; the network is refused when it differs. */
        public Image dimension(int width) {
            this.dimension = width;
            return this;
        }

        /** The network's features are computed once per distinct image and it is not trained (the default). */
        public Image frozen() {
            this.mode = ImageInput.NetworkMode.FROZEN;
            return this;
        }

        /** The network is trained with the model: the MTL loss's gradient flows back through it. */
        public Image fineTuned() {
            this.mode = ImageInput.NetworkMode.FINE_TUNED;
            return this;
        }

        /**
         * Fine-tuned, with the network's learning rate {@code multiplier} times the model's (pretrained layers
         * usually want a smaller one than the new layers above them).
         */
        public Image fineTuned(double multiplier) {
            this.mode = ImageInput.NetworkMode.FINE_TUNED;
            this.networkLearningRate = multiplier;
            return this;
        }

        @Override
        public InputSpec toSpec() {
            return new ImageInput(name, column, channels, height, width, conv, kernel, network, mode, output, dimension,
                    networkLearningRate);
        }
    }

    /** Builder of a {@link VectorInput}. */
    public static final class Vector extends Input {
        private final int dimension;
        private String column;
        private String file;
        private VectorInput.Missing missing;
        private int adapterWidth = VectorInput.Adapter.DEFAULT.width();
        private boolean whiten = VectorInput.Adapter.DEFAULT.whiten();

        Vector(String name, int dimension) {
            super(name);
            this.dimension = dimension;
        }

        /** The cell holding the numbers (default: the input's name). */
        public Vector column(String c) {
            this.column = c;
            return this;
        }

        /** Read the vectors from a side file (CSV {@code id,v1..vd} or {@code .npy} + {@code .ids}). */
        public Vector file(String path) {
            this.file = path;
            return this;
        }

        /** The id column looked up in the side file (the same as {@link #column}). */
        public Vector key(String idColumn) {
            this.column = idColumn;
            return this;
        }

        /** Rows whose id has no vector (or whose cell is empty) get the zero vector instead of an error. */
        public Vector missingAsZero() {
            this.missing = VectorInput.Missing.ZERO;
            return this;
        }

        /** The adapter's output width; 0 feeds the vector itself (default 32). */
        public Vector adapter(int width) {
            this.adapterWidth = width;
            return this;
        }

        /** Whether the vectors are z-scored with training statistics before the adapter (default true). */
        public Vector whiten(boolean w) {
            this.whiten = w;
            return this;
        }

        @Override
        public InputSpec toSpec() {
            return new VectorInput(name, column == null ? name : column, dimension, file, missing,
                    new VectorInput.Adapter(adapterWidth, whiten));
        }
    }

    /** Builder of a {@link TextInput}. */
    public static final class Text extends Encoded<Text> {
        private int maxTokens = Defaults.TEXT_MAX_TOKENS;
        private int dim = Defaults.EMBEDDING_DIM;
        private String pretrained;
        private int adapterWidth = VectorInput.Adapter.DEFAULT.width();
        private boolean whiten = VectorInput.Adapter.DEFAULT.whiten();

        Text(String name) {
            super(name);
        }

        @Override
        Text self() {
            return this;
        }

        public Text maxTokens(int n) {
            this.maxTokens = n;
            return this;
        }

        /** Token embedding width. */
        public Text dim(int d) {
            this.dim = d;
            return this;
        }

        /**
         * Embed the whole text with a pretrained sentence encoder found by name (e.g.
         * {@code all-minilm-l6-v2}, from the {@code mtl4j-text-minilm} jar; {@code char-ngrams} is built in).
         * The vectors are frozen; a trainable adapter maps them into the model.
         */
        public Text pretrained(String embedder) {
            this.pretrained = embedder;
            return this;
        }

        /** The width of the adapter over pretrained vectors; 0 feeds them unchanged (default 32). */
        public Text adapter(int width) {
            this.adapterWidth = width;
            return this;
        }

        /** Whether pretrained vectors are z-scored with training statistics before the adapter (default true). */
        public Text whiten(boolean w) {
            this.whiten = w;
            return this;
        }

        @Override
        public InputSpec toSpec() {
            if (pretrained != null) {
                return new TextInput(name, columnOrName(), encoderSet ? TextInput.Encoding.SEQUENCE : null, maxTokens, dim,
                        null, null, pretrained, new VectorInput.Adapter(adapterWidth, whiten));
            }
            TextInput.Encoding enc = encoderSet ? TextInput.Encoding.SEQUENCE : TextInput.Encoding.BAG_OF_WORDS;
            return new TextInput(name, columnOrName(), enc, maxTokens, dim, vocabularySpec(), encoderSet ? encoder() : null);
        }
    }
}
