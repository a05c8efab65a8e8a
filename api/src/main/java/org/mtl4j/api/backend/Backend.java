package org.mtl4j.api.backend;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.ModelSpec;

/** A training engine: compiles a spec into a model it can train, and loads the models it saved. */
public interface Backend {

    String name();

    String version();

    Set<Capability> capabilities();

    default boolean supports(Capability c) {
        return capabilities().contains(c);
    }

    /**
     * Spec fields this backend would ignore or cannot honour beyond what its {@link #capabilities()}
     * say (e.g. per-input widths a single factor width replaces), each as an entry
     * {@code "path = value"} to the reason; the DSL refuses each at {@code build()}
     * ({@code MTL/Unsupported}) and {@link #compile} again. Empty by default.
     */
    default java.util.List<Map.Entry<String, String>> unsupportedFields(ModelSpec spec) {
        return java.util.List.of();
    }

    /**
     * Compiles a validated spec into a freshly initialised model.
     *
     * @param vocabularies sizes of the id inputs come from here
     * @param denseStats standardisation statistics of dense inputs (may be empty)
     */
    TrainableModel compile(ModelSpec spec, Map<String, Vocabulary> vocabularies, Map<String, Dataset.DenseStats> denseStats);

    /** Loads a model this backend saved; fails naming the file if it is not one. */
    TrainableModel load(Path file) throws IOException;
}
