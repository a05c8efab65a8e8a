package org.mtl4j.data.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.Feature;
import org.mtl4j.api.spec.CategoricalInput;
import org.mtl4j.api.spec.DenseInput;
import org.mtl4j.api.spec.ImageInput;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.MultiHotInput;
import org.mtl4j.api.spec.SequenceInput;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.TextInput;
import org.mtl4j.api.spec.VectorInput;
import org.mtl4j.api.spec.VocabularySpec;
import org.mtl4j.data.DataException;
import org.mtl4j.data.DataException.Reason;
import org.mtl4j.api.data.TextEmbedders;

/**
 * THE row parser: binds a header to a {@link ModelSpec} by column name, turns the string cells of a
 * row into a {@link ParsedRow}, and assembles parsed rows into a columnar {@link Batch}. Every
 * source (CSV file, in-memory rows, dataset readers) goes through here, so a cell format has one
 * meaning and one error message.
 */
public final class RowBinder {
    /** Key of the per-row group id (the user) in {@link Batch#extras()}, used by per-user metrics. */
    public static final String GROUP_KEY = "user";

    private static final int DENSE = 0;
    private static final int CATEGORICAL = 1;
    private static final int MULTI_HOT = 2;
    private static final int SEQUENCE = 3;
    private static final int TEXT = 4;
    private static final int IMAGE = 5;
    private static final int VECTOR = 6;

    /** An input that needs a vocabulary: categorical, multi-hot, sequence or text. */
    public record IdInput(String input, String table, VocabularySpec vocabulary) {
    }

    private static final class Slot {
        InputSpec spec;
        int kind;
        int[] cols;
        int offset; // into f (dense, image), cat (categorical) or var (bags, sequences, text)
        int idInput = -1;
        String separator;
        int maxLength;
        int width; // floats for dense/image/vector
        Map<String, float[]> vectorFile; // vector from a side file, keyed by the cell's id
        TextVectorCache textVectors; // vector of the cell's text from a pretrained embedder
        VectorInput.Missing missing = VectorInput.Missing.ERROR;
        boolean whiten;
    }

    /** A pretrained text input: its header position and the vector cache of its embedder. */
    public record PretrainedColumn(String input, int column, TextVectorCache cache) {
    }

    private static final class LabelSlot {
        TaskSpec task;
        int col;
        LabelExpression expression;
    }

    private final String source;
    private final char delimiter;
    private final List<String> header;
    private final List<Slot> slots = new ArrayList<>();
    private final List<IdInput> idInputs = new ArrayList<>();
    private final List<LabelSlot> labels = new ArrayList<>();
    private final String[] extraKeys;
    private final int[] extraCols;
    private final boolean[] extraStableId;
    /** Group keys that are not small non-negative integers, numbered -1, -2, ... in order of first sight. */
    private final ConcurrentHashMap<String, Integer> groupKeys = new ConcurrentHashMap<>();
    private final AtomicInteger groupKeyCount = new AtomicInteger();
    private final int labelOffset;
    private final int maskOffset;
    private final int extraOffset;
    private final int floatCount;
    private final int catCount;
    private final int varCount;

    /**
     * @param extras pass-through columns copied into {@link Batch#extras()} under their own name
     * @param groupBy a column whose exact group id ({@link #groupId}) goes into extras under {@link #GROUP_KEY}, or null
     */
    public RowBinder(ModelSpec spec, List<String> header, String source, char delimiter, List<String> extras,
            String groupBy) {
        this.source = source;
        this.delimiter = delimiter;
        this.header = List.copyOf(header);
        Map<String, Integer> colIndex = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            String h = header.get(i);
            Integer prev = colIndex.put(h, i);
            if (prev != null && !h.isEmpty()) {
                throw new DataException(Reason.DUPLICATE_HEADER, source, 1, h, h, source + ":1: column "
                        + DataException.quote(h).replace('"', '\'') + " appears twice in the header (cells " + (prev + 1) + " and " + (i + 1) + ")");
            }
        }
        int f = 0;
        int cat = 0;
        int var = 0;
        Map<String, Integer> tableToIdInput = new LinkedHashMap<>();
        for (InputSpec in : spec.inputs()) {
            Slot s = new Slot();
            s.spec = in;
            List<String> cols = in.sourceColumns();
            s.cols = new int[cols.size()];
            for (int i = 0; i < cols.size(); i++) {
                s.cols[i] = column(colIndex, cols.get(i), "input '" + in.name() + "'");
            }
            if (in instanceof DenseInput d) {
                s.kind = DENSE;
                s.width = d.dimension();
                s.offset = f;
                f += s.width;
            } else if (in instanceof ImageInput im) {
                s.kind = IMAGE;
                s.width = im.pixels();
                s.offset = f;
                f += s.width;
            } else if (in instanceof CategoricalInput c) {
                s.kind = CATEGORICAL;
                s.offset = cat++;
                idInputs.add(new IdInput(in.name(), c.table(), c.vocabulary()));
            } else if (in instanceof MultiHotInput m) {
                s.kind = MULTI_HOT;
                s.separator = m.separator();
                s.offset = var++;
                idInputs.add(new IdInput(in.name(), m.table(), m.vocabulary()));
            } else if (in instanceof SequenceInput q) {
                s.kind = SEQUENCE;
                s.separator = q.separator();
                s.maxLength = q.maxLength();
                s.offset = var++;
                idInputs.add(new IdInput(in.name(), q.table(), q.vocabulary()));
            } else if (in instanceof VectorInput v) {
                s.kind = VECTOR;
                s.width = v.dimension();
                s.offset = f;
                f += s.width;
                s.missing = v.missing();
                s.whiten = v.adapter().whiten();
                if (v.file() != null) {
                    s.vectorFile = VectorFiles.load(v.file(), v.dimension(), v.name());
                }
            } else if (in instanceof TextInput t && t.isPretrained()) {
                s.kind = VECTOR;
                s.textVectors = TextVectorCache.of(TextEmbedders.named(t.pretrained()));
                s.width = s.textVectors.embedder().dimension();
                s.offset = f;
                f += s.width;
                s.whiten = t.adapter().whiten();
            } else if (in instanceof TextInput t) {
                s.kind = TEXT;
                s.maxLength = t.maxTokens();
                s.offset = var++;
                idInputs.add(new IdInput(in.name(), in.name(), t.vocabulary()));
            } else {
                throw new IllegalStateException("unknown input kind " + in.kind());
            }
            if (s.kind != DENSE && s.kind != IMAGE && s.kind != VECTOR) {
                s.idInput = idInputs.size() - 1;
                IdInput mine = idInputs.get(s.idInput);
                Integer other = tableToIdInput.putIfAbsent(mine.table(), s.idInput);
                if (other != null && !idInputs.get(other).vocabulary().equals(mine.vocabulary())) {
                    throw new IllegalArgumentException("inputs '" + idInputs.get(other).input() + "' and '" + mine.input()
                            + "' share embedding table '" + mine.table() + "' but declare different vocabularies ("
                            + idInputs.get(other).vocabulary() + " vs " + mine.vocabulary() + ")");
                }
            }
            slots.add(s);
        }
        for (TaskSpec t : spec.tasks()) {
            LabelSlot l = new LabelSlot();
            l.task = t;
            l.expression = LabelExpression.parse(t.name(), t.label());
            if (l.expression != null && t.kind() != TaskKind.BINARY) {
                throw new IllegalArgumentException("task '" + t.name() + "' has the label expression \"" + t.label()
                        + "\", which yields 0/1, but is " + t.kind().id() + "; expressions need a binary task");
            }
            String col = l.expression == null ? t.label() : l.expression.column();
            l.col = column(colIndex, col, "task '" + t.name() + "' (label \"" + t.label() + "\")");
            labels.add(l);
        }
        int nExtras = extras.size() + (groupBy == null ? 0 : 1);
        extraKeys = new String[nExtras];
        extraCols = new int[nExtras];
        extraStableId = new boolean[nExtras];
        for (int i = 0; i < extras.size(); i++) {
            extraKeys[i] = extras.get(i);
            extraCols[i] = column(colIndex, extras.get(i), "extras");
        }
        if (groupBy != null) {
            extraKeys[nExtras - 1] = GROUP_KEY;
            extraCols[nExtras - 1] = column(colIndex, groupBy, "groupBy");
            extraStableId[nExtras - 1] = true;
        }
        labelOffset = f;
        maskOffset = f + labels.size();
        extraOffset = maskOffset + labels.size();
        floatCount = extraOffset + nExtras;
        catCount = cat;
        varCount = var;
    }

    private int column(Map<String, Integer> colIndex, String col, String by) {
        Integer i = colIndex.get(col);
        if (i == null) {
            throw new DataException(Reason.MISSING_COLUMN, source, 1, col, null, source + ":1: column '" + col
                    + "' named by " + by + " is not in the header (header: " + DataException.names(header) + ")");
        }
        return i;
    }

    public List<String> header() {
        return header;
    }

    /**
     * The header positions of columns to keep as raw cells (ids copied next to predictions); a column
     * not in the header fails naming it and the header.
     */
    public int[] keptColumns(List<String> columns) {
        Map<String, Integer> colIndex = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            colIndex.putIfAbsent(header.get(i), i);
        }
        int[] out = new int[columns.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = column(colIndex, columns.get(i), "the columns to keep");
        }
        return out;
    }

    /** Whether a parsed row carries a label for task {@code t} (spec order). */
    public boolean labelled(ParsedRow row, int t) {
        return row.f()[maskOffset + t] != 0f;
    }

    /** The header column task {@code t}'s label is read from (the column of a label expression). */
    public String labelColumn(int t) {
        return header.get(labels.get(t).col);
    }

    public String source() {
        return source;
    }

    /** Inputs that need a vocabulary, in declaration order. */
    public List<IdInput> idInputs() {
        return idInputs;
    }

    /**
     * Inputs that need training statistics, as (name, offset into {@link ParsedRow#f()}, width): dense
     * inputs, and vector inputs whose adapter whitens.
     */
    public List<Object[]> denseInputs() {
        List<Object[]> out = new ArrayList<>();
        for (Slot s : slots) {
            if (s.kind == DENSE || (s.kind == VECTOR && s.whiten)) {
                out.add(new Object[] {s.spec.name(), s.offset, s.width});
            }
        }
        return out;
    }

    /** Pretrained text inputs, whose distinct texts are best encoded in bulk before the rows are parsed. */
    public List<PretrainedColumn> pretrainedColumns() {
        List<PretrainedColumn> out = new ArrayList<>();
        for (Slot s : slots) {
            if (s.textVectors != null) {
                out.add(new PretrainedColumn(s.spec.name(), s.cols[0], s.textVectors));
            }
        }
        return out;
    }

    /** Parses one row. Throws a row-level {@link DataException} naming the line, column and value. */
    public ParsedRow parse(String[] cells, long line, IdMapper ids) {
        if (cells.length != header.size()) {
            String joined = String.join(String.valueOf(delimiter), cells);
            String col = cells.length < header.size() ? header.get(cells.length) : "cell " + (header.size() + 1);
            throw DataException.cell(Reason.WRONG_COLUMN_COUNT, source, line, col, joined,
                    "row has " + cells.length + " cells but the header has " + header.size());
        }
        float[] f = new float[floatCount];
        int[] cat = new int[catCount];
        int[][] var = new int[varCount][];
        for (Slot s : slots) {
            switch (s.kind) {
                case DENSE:
                    for (int i = 0; i < s.cols.length; i++) {
                        f[s.offset + i] = feature(cells[s.cols[i]], s, s.cols[i], line);
                    }
                    break;
                case IMAGE:
                    pixels(cells[s.cols[0]], f, s, line);
                    break;
                case VECTOR:
                    vector(cells[s.cols[0]], f, s, line);
                    break;
                case CATEGORICAL:
                    cat[s.offset] = ids.map(s.idInput, cells[s.cols[0]].trim());
                    break;
                case MULTI_HOT:
                    var[s.offset] = mapAll(split(cells[s.cols[0]], s.separator, Integer.MAX_VALUE, false), s, ids);
                    break;
                case SEQUENCE:
                    var[s.offset] = mapAll(split(cells[s.cols[0]], s.separator, s.maxLength, true), s, ids);
                    break;
                default:
                    var[s.offset] = mapAll(tokenize(cells[s.cols[0]], s.maxLength), s, ids);
                    break;
            }
        }
        for (int t = 0; t < labels.size(); t++) {
            LabelSlot l = labels.get(t);
            String cell = cells[l.col].trim();
            if (cell.isEmpty()) {
                continue; // label 0, mask 0: this row carries no label for the task
            }
            float v;
            try {
                v = Numbers.parseFloat(cell);
            } catch (NumberFormatException e) {
                throw DataException.cell(Reason.UNPARSABLE_NUMBER, source, line, header.get(l.col), cells[l.col],
                        "label of task '" + l.task.name() + "' is not a number");
            }
            if (l.expression != null) {
                if (Float.isNaN(v)) {
                    throw DataException.cell(Reason.NON_FINITE, source, line, header.get(l.col), cells[l.col],
                            "label expression \"" + l.expression.text() + "\" of task '" + l.task.name()
                                    + "' needs a number");
                }
                v = l.expression.apply(v);
            }
            String problem = LabelChecks.check(l.task, v);
            if (problem != null) {
                Reason r = l.task.kind() == TaskKind.BINARY ? Reason.BAD_BINARY_LABEL
                        : l.task.kind() == TaskKind.MULTICLASS ? Reason.CLASS_OUT_OF_RANGE : Reason.NON_FINITE;
                throw DataException.cell(r, source, line, header.get(l.col), cells[l.col], problem);
            }
            f[labelOffset + t] = v;
            f[maskOffset + t] = 1f;
        }
        for (int e = 0; e < extraKeys.length; e++) {
            String cell = cells[extraCols[e]].trim();
            f[extraOffset + e] = extraStableId[e] ? groupId(cell, line, extraCols[e]) : numberOrId(cell);
        }
        return new ParsedRow(f, cat, var);
    }

    private float feature(String cell, Slot s, int col, long line) {
        float v;
        try {
            v = Numbers.parseFloat(cell);
        } catch (NumberFormatException e) {
            throw DataException.cell(Reason.UNPARSABLE_NUMBER, source, line, header.get(col), cell,
                    s.spec.kind() + " input '" + s.spec.name() + "' needs a number");
        }
        if (!Float.isFinite(v)) {
            throw DataException.cell(Reason.NON_FINITE, source, line, header.get(col), cell,
                    s.spec.kind() + " input '" + s.spec.name() + "' needs a finite number");
        }
        return v;
    }

    /**
     * The vector of a row: the text's embedding (an empty cell is embedded as the empty text), the side
     * file's vector of the cell's id, or the numbers in the cell (separated by spaces, ';' or ',');
     * a missing vector is an error or zeros, by the input's policy.
     */
    private void vector(String cell, float[] f, Slot s, long line) {
        String col = header.get(s.cols[0]);
        if (s.textVectors != null) {
            System.arraycopy(s.textVectors.vector(cell), 0, f, s.offset, s.width);
            return;
        }
        if (s.vectorFile != null) {
            String id = cell.trim();
            float[] v = s.vectorFile.get(id);
            if (v != null) {
                System.arraycopy(v, 0, f, s.offset, s.width);
            } else if (s.missing == VectorInput.Missing.ERROR) {
                throw DataException.cell(Reason.BAD_CELL, source, line, col, cell, "vector input '" + s.spec.name()
                        + "' has no vector for this id in " + ((VectorInput) s.spec).file()
                        + " (set missing: zero to give unknown ids the zero vector)");
            }
            return;
        }
        int n = 0;
        int i = 0;
        int len = cell.length();
        while (true) {
            while (i < len && isVectorSeparator(cell.charAt(i))) {
                i++;
            }
            if (i >= len) {
                break;
            }
            int start = i;
            while (i < len && !isVectorSeparator(cell.charAt(i))) {
                i++;
            }
            if (n < s.width) {
                String tok = cell.substring(start, i);
                float v;
                try {
                    v = Numbers.parseFloat(tok);
                } catch (NumberFormatException e) {
                    throw DataException.cell(Reason.UNPARSABLE_NUMBER, source, line, col, tok,
                            "value " + (n + 1) + " of vector input '" + s.spec.name() + "' is not a number");
                }
                if (!Float.isFinite(v)) {
                    throw DataException.cell(Reason.NON_FINITE, source, line, col, tok,
                            "value " + (n + 1) + " of vector input '" + s.spec.name() + "' is not finite");
                }
                f[s.offset + n] = v;
            }
            n++;
        }
        if (n == 0 && s.missing == VectorInput.Missing.ZERO) {
            return; // an empty cell: the zero vector, as the policy says
        }
        if (n != s.width) {
            throw DataException.cell(Reason.BAD_CELL, source, line, col, n == 0 ? "" : n + " values",
                    "vector input '" + s.spec.name() + "' needs " + s.width + " values");
        }
    }

    private static boolean isVectorSeparator(char c) {
        return c == ' ' || c == ';' || c == ',' || c == '\t';
    }

    /** Space-separated pixel values in [0, 255], scaled to [0, 1]. */
    private void pixels(String cell, float[] f, Slot s, long line) {
        int n = 0;
        int i = 0;
        int len = cell.length();
        String col = header.get(s.cols[0]);
        while (true) {
            while (i < len && Character.isWhitespace(cell.charAt(i))) {
                i++;
            }
            if (i >= len) {
                break;
            }
            int start = i;
            int v = 0;
            boolean digits = true;
            while (i < len && !Character.isWhitespace(cell.charAt(i))) {
                char ch = cell.charAt(i);
                if (ch >= '0' && ch <= '9' && v < 100_000) {
                    v = v * 10 + (ch - '0');
                } else {
                    digits = false;
                }
                i++;
            }
            float value;
            if (digits) {
                value = v;
            } else {
                String tok = cell.substring(start, i);
                try {
                    value = Numbers.parseFloat(tok);
                } catch (NumberFormatException e) {
                    throw DataException.cell(Reason.UNPARSABLE_NUMBER, source, line, col, tok,
                            "pixel " + (n + 1) + " of image input '" + s.spec.name() + "' is not a number");
                }
            }
            if (!(value >= 0 && value <= 255)) {
                throw DataException.cell(Reason.BAD_CELL, source, line, col, cell.substring(start, i),
                        "pixel " + (n + 1) + " of image input '" + s.spec.name() + "' must be in [0, 255]");
            }
            if (n < s.width) {
                f[s.offset + n] = value / 255f;
            }
            n++;
        }
        if (n != s.width) {
            ImageInput im = (ImageInput) s.spec;
            throw DataException.cell(Reason.BAD_CELL, source, line, col, n + " values",
                    "image input '" + s.spec.name() + "' needs " + s.width + " pixel values (" + im.channels() + "x"
                            + im.height() + "x" + im.width() + ")");
        }
    }

    private static int[] mapAll(List<String> tokens, Slot s, IdMapper ids) {
        int[] out = new int[tokens.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ids.map(s.idInput, tokens.get(i));
        }
        return out;
    }

    /**
     * Splits on a literal separator, trims, drops empty tokens; keeps at most {@code max} tokens,
     * the last ones when {@code keepLast} (a history, most recent last) else the first ones.
     */
    public static List<String> split(String cell, String sep, int max, boolean keepLast) {
        List<String> out = new ArrayList<>();
        int from = 0;
        while (from <= cell.length()) {
            int i = cell.indexOf(sep, from);
            int end = i < 0 ? cell.length() : i;
            String tok = cell.substring(from, end).trim();
            if (!tok.isEmpty()) {
                out.add(tok);
            }
            if (i < 0) {
                break;
            }
            from = i + sep.length();
        }
        if (out.size() > max) {
            return keepLast ? out.subList(out.size() - max, out.size()) : out.subList(0, max);
        }
        return out;
    }

    /** Lower-cased tokens split on every non-letter; at most {@code max}, the first ones. */
    public static List<String> tokenize(String text, int max) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n && out.size() < max) {
            while (i < n && !Character.isLetter(text.codePointAt(i))) {
                i += Character.charCount(text.codePointAt(i));
            }
            int start = i;
            while (i < n && Character.isLetter(text.codePointAt(i))) {
                i += Character.charCount(text.codePointAt(i));
            }
            if (i > start) {
                out.add(text.substring(start, i).toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    /**
     * The group id of a {@code groupBy} cell, exact for every value: an integer in [0, 2^24) is itself
     * (so user ids stay readable), any other value gets -1, -2, ... in the order this dataset first
     * sees it (the numbering persists across passes, so every epoch agrees); NaN for an empty cell.
     * Group ids travel as floats, exact up to 2^24: more distinct non-integer values than that fail.
     */
    float groupId(String cell, long line, int col) {
        if (cell.isEmpty()) {
            return Float.NaN;
        }
        if (cell.length() <= 8 && (cell.length() == 1 || cell.charAt(0) != '0')) {
            // plain digits without a leading zero, checked by hand: no exception per non-integer row
            int v = 0;
            for (int i = 0; i < cell.length() && v >= 0; i++) {
                char ch = cell.charAt(i);
                v = ch >= '0' && ch <= '9' ? v * 10 + (ch - '0') : -1;
            }
            if (v >= 0 && v < (1 << 24)) {
                return v;
            }
        }
        int k = groupKeys.computeIfAbsent(cell, c -> groupKeyCount.incrementAndGet());
        if (k > (1 << 24)) {
            throw new IllegalStateException(source + ":" + line + ": column '" + header.get(col) + "': more than "
                    + (1 << 24) + " distinct non-integer group ids (they travel as floats, exact up to 2^24), found \""
                    + cell + "\"");
        }
        return -k;
    }

    /**
     * A vocabulary-free stable id: the integer itself when the cell is an integer of magnitude below
     * 2^24 (exact as a float), otherwise a hash of the text in [0, 2^24); NaN for an empty cell.
     */
    public static float stableId(String cell) {
        if (cell.isEmpty()) {
            return Float.NaN;
        }
        try {
            long v = Long.parseLong(cell);
            if (Math.abs(v) < (1 << 24)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // not an integer: hash below
        }
        int h = cell.hashCode();
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        return h & 0xFFFFFF;
    }

    private static float numberOrId(String cell) {
        if (cell.isEmpty()) {
            return Float.NaN;
        }
        try {
            return Numbers.parseFloat(cell);
        } catch (NumberFormatException e) {
            return stableId(cell);
        }
    }

    /** Assembles parsed rows into one columnar batch. */
    public Batch assemble(List<ParsedRow> rows) {
        int n = rows.size();
        Map<String, Feature> features = new LinkedHashMap<>();
        for (Slot s : slots) {
            switch (s.kind) {
                case DENSE:
                case VECTOR:
                case IMAGE: {
                    float[] v = new float[n * s.width];
                    for (int r = 0; r < n; r++) {
                        System.arraycopy(rows.get(r).f(), s.offset, v, r * s.width, s.width);
                    }
                    if (s.kind != IMAGE) {
                        features.put(s.spec.name(), new Feature.Dense(s.width, v));
                    } else {
                        ImageInput im = (ImageInput) s.spec;
                        features.put(s.spec.name(), new Feature.Image(im.channels(), im.height(), im.width(), v));
                    }
                    break;
                }
                case CATEGORICAL: {
                    int[] ids = new int[n];
                    for (int r = 0; r < n; r++) {
                        ids[r] = rows.get(r).cat()[s.offset];
                    }
                    features.put(s.spec.name(), new Feature.Ids(ids));
                    break;
                }
                case SEQUENCE:
                    features.put(s.spec.name(), sequence(rows, s));
                    break;
                case TEXT:
                    if (((TextInput) s.spec).encoding() == TextInput.Encoding.SEQUENCE) {
                        features.put(s.spec.name(), sequence(rows, s));
                    } else {
                        features.put(s.spec.name(), bag(rows, s));
                    }
                    break;
                default:
                    features.put(s.spec.name(), bag(rows, s));
                    break;
            }
        }
        Map<String, float[]> labelMap = new LinkedHashMap<>();
        Map<String, float[]> maskMap = new LinkedHashMap<>();
        for (int t = 0; t < labels.size(); t++) {
            float[] l = new float[n];
            float[] m = new float[n];
            for (int r = 0; r < n; r++) {
                float[] f = rows.get(r).f();
                l[r] = f[labelOffset + t];
                m[r] = f[maskOffset + t];
            }
            labelMap.put(labels.get(t).task.name(), l);
            maskMap.put(labels.get(t).task.name(), m);
        }
        Map<String, float[]> extras = new LinkedHashMap<>();
        for (int e = 0; e < extraKeys.length; e++) {
            float[] x = new float[n];
            for (int r = 0; r < n; r++) {
                x[r] = rows.get(r).f()[extraOffset + e];
            }
            extras.put(extraKeys[e], x);
        }
        return new Batch(n, features, labelMap, maskMap, extras);
    }

    private static Feature.Sequence sequence(List<ParsedRow> rows, Slot s) {
        int n = rows.size();
        int[] ids = new int[n * s.maxLength];
        for (int r = 0; r < n; r++) {
            int[] v = rows.get(r).var()[s.offset];
            System.arraycopy(v, 0, ids, r * s.maxLength + s.maxLength - v.length, v.length);
        }
        return new Feature.Sequence(s.maxLength, ids);
    }

    private static Feature.Bag bag(List<ParsedRow> rows, Slot s) {
        int n = rows.size();
        int[] offsets = new int[n + 1];
        for (int r = 0; r < n; r++) {
            offsets[r + 1] = offsets[r] + rows.get(r).var()[s.offset].length;
        }
        int[] ids = new int[offsets[n]];
        for (int r = 0; r < n; r++) {
            int[] v = rows.get(r).var()[s.offset];
            System.arraycopy(v, 0, ids, offsets[r], v.length);
        }
        return new Feature.Bag(offsets, ids);
    }
}
