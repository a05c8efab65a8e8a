package org.mtl4j.api.spec;

import java.util.List;
import org.mtl4j.api.Checks;

/**
 * Real-valued features read from {@code columns}, in that order.
 *
 * @param name input name
 * @param columns source columns, one feature each
 * @param standardize whether the backend z-scores the features with statistics from the training data
 */
public record DenseInput(String name, List<String> columns, boolean standardize) implements InputSpec {
    public DenseInput {
        Checks.name("input name", name);
        columns = List.copyOf(Checks.notNull("dense input '" + name + "' columns", columns));
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("dense input '" + name + "' needs at least one column, found none");
        }
    }

    public int dimension() {
        return columns.size();
    }

    @Override
    public String kind() {
        return "dense";
    }

    @Override
    public java.util.List<String> sourceColumns() {
        return columns;
    }
}
