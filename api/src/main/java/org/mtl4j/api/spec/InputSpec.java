package org.mtl4j.api.spec;

/**
 * One model input, bound by name to one or more source columns. Every encoder of DESIGN.md has a
 * record here: dense features, categorical ids (embeddings), multi-hot bags, id sequences
 * (Transformer encoder), images (conv branch) and text.
 */
public sealed interface InputSpec
        permits DenseInput, CategoricalInput, MultiHotInput, SequenceInput, ImageInput, TextInput, VectorInput {
    /** Unique input name. */
    String name();

    /** Stable kind name used in JSON/YAML: dense, categorical, multi-hot, sequence, image, text, vector. */
    String kind();

    /** The source columns this input reads. */
    java.util.List<String> sourceColumns();

    /** The embedding table this input looks ids up in, or null for inputs without one. */
    default String embeddingTable() {
        return null;
    }
}
