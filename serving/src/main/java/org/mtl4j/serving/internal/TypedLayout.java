package org.mtl4j.serving.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.CategoricalInput;
import org.mtl4j.api.spec.DenseInput;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.ModelSpec;

/**
 * How typed requests ({@code org.mtl4j.serving.TypedRequest}) bind: every column a model reads, as an
 * id column (a categorical input and its vocabulary) or a dense column (input and position in it).
 * Only models whose inputs are all categorical or dense have a layout; the others are scored from text
 * cells. Immutable, shared by every request of a predictor.
 */
public final class TypedLayout {
    /** One request column. {@code slot} is the id input's or the dense input's position in its list. */
    public record Column(String name, boolean id, int slot, int position, Vocabulary vocabulary, String input) {
    }

    private final List<Column> columns;
    private final Map<String, Integer> index = new HashMap<>();
    private final List<CategoricalInput> idInputs;
    private final List<DenseInput> denseInputs;
    private final int[] idColumn;
    private final int[][] denseColumns;

    private TypedLayout(List<Column> columns, List<CategoricalInput> idInputs, List<DenseInput> denseInputs) {
        this.columns = List.copyOf(columns);
        this.idInputs = List.copyOf(idInputs);
        this.denseInputs = List.copyOf(denseInputs);
        for (int c = 0; c < columns.size(); c++) {
            index.put(columns.get(c).name(), c);
        }
        idColumn = new int[idInputs.size()];
        denseColumns = new int[denseInputs.size()][];
        for (int i = 0; i < idInputs.size(); i++) {
            idColumn[i] = index.get(idInputs.get(i).column());
        }
        for (int i = 0; i < denseInputs.size(); i++) {
            List<String> cols = denseInputs.get(i).columns();
            denseColumns[i] = new int[cols.size()];
            for (int j = 0; j < cols.size(); j++) {
                denseColumns[i][j] = index.get(cols.get(j));
            }
        }
    }

    /**
     * The layout of a model, or null with the reason in {@code why[0]} when an input is neither
     * categorical nor dense (or two inputs read one column).
     */
    public static TypedLayout of(ModelSpec spec, Map<String, Vocabulary> vocabularies, String[] why) {
        List<Column> cols = new ArrayList<>();
        List<CategoricalInput> ids = new ArrayList<>();
        List<DenseInput> dense = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (InputSpec in : spec.inputs()) {
            if (in instanceof CategoricalInput c) {
                Vocabulary v = vocabularies.get(c.name());
                if (v == null || !seen.add(c.column())) {
                    why[0] = v == null ? "input '" + c.name() + "' has no vocabulary" : "column '" + c.column() + "' is read twice";
                    return null;
                }
                cols.add(new Column(c.column(), true, ids.size(), 0, v, c.name()));
                ids.add(c);
            } else if (in instanceof DenseInput d) {
                for (int j = 0; j < d.columns().size(); j++) {
                    if (!seen.add(d.columns().get(j))) {
                        why[0] = "column '" + d.columns().get(j) + "' is read twice";
                        return null;
                    }
                    cols.add(new Column(d.columns().get(j), false, dense.size(), j, null, d.name()));
                }
                dense.add(d);
            } else {
                why[0] = "input '" + in.name() + "' is " + in.kind() + "; typed requests bind categorical and dense inputs only";
                return null;
            }
        }
        return new TypedLayout(cols, ids, dense);
    }

    public List<Column> columns() {
        return columns;
    }

    /** The column's position in {@link #columns()}, or -1 when the model does not read it. */
    public int column(String name) {
        Integer c = index.get(name);
        return c == null ? -1 : c;
    }

    public List<CategoricalInput> idInputs() {
        return idInputs;
    }

    public List<DenseInput> denseInputs() {
        return denseInputs;
    }

    /** The column of id input {@code i}. */
    public int idColumn(int i) {
        return idColumn[i];
    }

    /** The columns of dense input {@code i}, in its order. */
    public int[] denseColumns(int i) {
        return denseColumns[i];
    }
}
