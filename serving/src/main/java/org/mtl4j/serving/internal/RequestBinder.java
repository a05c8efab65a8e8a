package org.mtl4j.serving.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.DenseInput;
import org.mtl4j.api.spec.ImageInput;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.MultiHotInput;
import org.mtl4j.api.spec.SequenceInput;
import org.mtl4j.data.DataException;
import org.mtl4j.data.internal.IdMapper;
import org.mtl4j.data.internal.ParsedRow;
import org.mtl4j.data.internal.RowBinder;
import org.mtl4j.serving.RequestException;
import org.mtl4j.serving.RequestException.Kind;

/**
 * Turns one request (context cells given once, one map of cells per candidate) into a {@link Batch}
 * through the data module's {@link RowBinder}, the parser every CSV row goes through, with the
 * model's vocabularies (an unknown id maps to the OOV row, an empty cell to padding), so a cell means
 * here exactly what it meant in training. Dense standardisation is the model's own business. The
 * context's cells are repeated into every candidate row: the model scores all rows in one pass.
 * Columns the model does not read are ignored, as {@code mtl4j predict} ignores extra CSV columns.
 * Thread-safe (the binder holds no per-row state for feature columns).
 */
public final class RequestBinder {
    /** The source name binding errors would carry; request errors name JSON fields instead. */
    public static final String SOURCE = "request";

    private final List<String> header;
    private final Map<String, Integer> columnIndex = new HashMap<>();
    private final Map<String, String> listSeparators = new HashMap<>();
    private final Map<String, String> neutral = new HashMap<>();
    private final RowBinder binder;
    private final IdMapper ids;

    public RequestBinder(ModelSpec spec, Map<String, Vocabulary> vocabularies) {
        ModelSpec features = spec.withTasks(List.of());
        this.header = List.copyOf(spec.featureColumns());
        for (int i = 0; i < header.size(); i++) {
            columnIndex.put(header.get(i), i);
        }
        for (InputSpec in : spec.inputs()) {
            for (String c : in.sourceColumns()) {
                neutral.put(c, "");
            }
            if (in instanceof DenseInput d) {
                d.columns().forEach(c -> neutral.put(c, "0"));
            } else if (in instanceof ImageInput im) {
                neutral.put(im.column(), String.join(" ", java.util.Collections.nCopies(im.pixels(), "0")));
            }
            if (in instanceof MultiHotInput m) {
                listSeparators.put(m.column(), m.separator());
            } else if (in instanceof SequenceInput q) {
                listSeparators.put(q.column(), q.separator());
            }
        }
        this.binder = new RowBinder(features, header, SOURCE, ',', List.of(), null);
        List<RowBinder.IdInput> idInputs = binder.idInputs();
        Vocabulary[] byIdInput = new Vocabulary[idInputs.size()];
        for (int i = 0; i < byIdInput.length; i++) {
            Vocabulary v = vocabularies.get(idInputs.get(i).input());
            if (v == null) {
                throw new IllegalArgumentException("model '" + spec.name() + "' has no vocabulary for input '"
                        + idInputs.get(i).input() + "' (has: " + vocabularies.keySet() + ")");
            }
            byIdInput[i] = v;
        }
        // the same mapping a dataset bound to the training vocabularies uses
        this.ids = (i, token) -> byIdInput[i].index(token);
    }

    /** The columns a request must give (in the context or in every candidate), in the model's declaration order. */
    public List<String> columns() {
        return header;
    }

    /** Whether the column holds a list (multi-hot or sequence input), and its separator inside one cell; null if not. */
    public String listSeparator(String column) {
        return listSeparators.get(column);
    }

    /**
     * A row every model accepts, for warming up: dense cells 0, black images, empty id cells (the
     * padding row), empty bags, sequences and texts.
     */
    public Map<String, String> neutralRow() {
        return Map.copyOf(neutral);
    }

    public boolean knows(String column) {
        return columnIndex.containsKey(column);
    }

    /**
     * Binds the request into a batch of {@code rows} rows: the candidates, then copies of the last one
     * up to {@code rows} (padding rows whose outputs the caller drops; rows are scored independently).
     *
     * @throws RequestException naming the field ({@code context.<col>} or {@code candidates[i].<col>}) and the value
     */
    public Batch bind(Map<String, String> context, List<Map<String, String>> candidates, int rows) {
        List<ParsedRow> parsed = new ArrayList<>(rows);
        String[] cells = new String[header.size()];
        for (int i = 0; i < candidates.size(); i++) {
            Map<String, String> cand = candidates.get(i);
            for (Map.Entry<String, String> e : cand.entrySet()) {
                if (context.containsKey(e.getKey()) && columnIndex.containsKey(e.getKey())) {
                    throw RequestException.of(Kind.DUPLICATE_COLUMN, field(i, e.getKey()), e.getValue(),
                            "column is given in the context too (\"" + context.get(e.getKey())
                                    + "\"); give it once, in the context or in every candidate");
                }
            }
            for (int c = 0; c < cells.length; c++) {
                String col = header.get(c);
                String v = cand.get(col);
                if (v == null) {
                    v = context.get(col);
                }
                if (v == null) {
                    throw RequestException.of(Kind.MISSING_COLUMN, field(i, col), null,
                            "the model needs column '" + col + "' in the context or in every candidate");
                }
                cells[c] = v;
            }
            try {
                parsed.add(binder.parse(cells, i + 1, ids));
            } catch (DataException e) {
                String col = e.column();
                String where = col != null && context.containsKey(col) ? "context." + col : field(i, col);
                String problem = problem(e);
                throw new RequestException(Kind.BAD_VALUE, where, e.value(), where + ": " + problem);
            }
        }
        ParsedRow last = parsed.get(parsed.size() - 1);
        while (parsed.size() < rows) {
            parsed.add(last);
        }
        return binder.assemble(parsed);
    }

    private static String field(int candidate, String column) {
        return "candidates[" + candidate + "]." + column;
    }

    /** The binder's message less its {@code request:<line>: column '<c>': } prefix (the field names the place). */
    private static String problem(DataException e) {
        String m = e.getMessage();
        String marker = "column '" + e.column() + "': ";
        int at = m.indexOf(marker);
        return at < 0 ? m : m.substring(at + marker.length());
    }
}
