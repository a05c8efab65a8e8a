package org.mtl4j.api.spec;

import java.util.List;
import java.util.Locale;
import org.mtl4j.api.Checks;

/**
 * A fixed-length float vector per row, produced by another system (an audio, image or text
 * embedding): read from a cell ({@code file == null}: numbers separated by spaces, {@code ;} or
 * {@code ,}) or from a side file keyed by an id column ({@code file != null}: {@code column} holds the
 * id; the file is a CSV {@code id,v1,...,vd} or a {@code .npy} matrix with its ids, one per line, in
 * {@code <file>.ids}). The vectors are frozen; a trainable {@link Adapter} maps them into the model.
 *
 * @param name input name
 * @param column the cell holding the vector, or the id column when a side file is given
 * @param dimension the vector length; every vector must have it
 * @param file the side file, or null (paths are relative to the working directory)
 * @param missing what an id absent from the side file, or an empty cell, gets
 * @param adapter the trainable layer over the vectors (null takes {@link Adapter#DEFAULT})
 */
public record VectorInput(String name, String column, int dimension, String file, Missing missing, Adapter adapter)
        implements InputSpec {
    /** The largest vector accepted (a spec is refused above it before anything is allocated). */
    public static final int MAX_DIMENSION = 1 << 16;

    public VectorInput {
        Checks.name("input name", name);
        Checks.notNull("vector input '" + name + "' column", column);
        Checks.positive("vector input '" + name + "' dimension", dimension);
        if (dimension > MAX_DIMENSION) {
            throw new IllegalArgumentException("vector input '" + name + "' dimension must be at most " + MAX_DIMENSION
                    + ", found " + dimension);
        }
        if (file != null && file.isBlank()) {
            throw new IllegalArgumentException("vector input '" + name + "' file must name a file, found \"\"");
        }
        missing = missing == null ? Missing.ERROR : missing;
        adapter = adapter == null ? Adapter.DEFAULT : adapter;
    }

    /** The width this input adds to the fused input: the adapter's width, or the vector's when it has none. */
    public int outputWidth() {
        return adapter.outputWidth(dimension);
    }

    @Override
    public String kind() {
        return "vector";
    }

    @Override
    public List<String> sourceColumns() {
        return List.of(column);
    }

    /** What a row without a vector gets. */
    public enum Missing {
        /** The row is bad: a data error naming the file, line, column and id (or the bad-row policy skips it). */
        ERROR,
        /** The zero vector (an out-of-vocabulary vector: after whitening it is the training mean). */
        ZERO;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The trainable layer between frozen vectors and the sharing topology: {@code y = W z + b} with
     * {@code z} the vector, z-scored per dimension with training statistics when {@code whiten} (the
     * non-parametric half of UniSRec's whitening, Hou et al. KDD 2022), and {@code width} outputs;
     * width 0 passes {@code z} through unchanged (no parameters).
     */
    public record Adapter(int width, boolean whiten) {
        /** A 32-wide linear adapter over whitened vectors. */
        public static final Adapter DEFAULT = new Adapter(32, true);

        public Adapter {
            Checks.nonNegative("adapter width", width);
            if (width > MAX_DIMENSION) {
                throw new IllegalArgumentException("adapter width must be at most " + MAX_DIMENSION + ", found " + width);
            }
        }

        public int outputWidth(int inputDimension) {
            return width == 0 ? inputDimension : width;
        }
    }
}
