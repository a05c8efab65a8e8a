package org.mtl4j.onnx.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.CategoricalInput;
import org.mtl4j.api.spec.DenseInput;
import org.mtl4j.api.spec.ImageInput;
import org.mtl4j.api.spec.VectorInput;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.MultiHotInput;
import org.mtl4j.api.spec.SequenceInput;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.TextInput;

/**
 * The JSON written next to an exported graph: how to turn raw values into the graph's inputs (each
 * input's tensor layout, its vocabulary in row order or its hashing parameters, padding and OOV
 * rows) and what each output means. String vocabularies stay out of the graph on purpose: every
 * serving stack has a hash map, few ONNX runtimes have string ops. Format documented in
 * onnx/README.md ("Side file").
 */
public final class SideFile {
    /** Version of the side file's layout. */
    public static final int FORMAT = 1;

    private SideFile() {
    }

    public static byte[] json(ModelSpec spec, Map<String, Vocabulary> vocabularies, String onnxFile, List<String> outputs) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", "mtl4j-onnx-side-file");
        root.put("formatVersion", FORMAT);
        root.put("model", spec.name());
        root.put("onnx", onnxFile);
        root.put("batchAxis", "dimension 0 of every input and output is the dynamic batch axis '" + OnnxGraph.BATCH + "'");
        root.put("idRows", Map.of("padding", Vocabulary.PAD, "oov", Vocabulary.OOV, "firstKnown", 2,
                "outOfRange", "an id < 0 or >= rows is mapped to the OOV row inside the graph"));
        List<Object> ins = new ArrayList<>();
        for (InputSpec in : spec.inputs()) {
            ins.add(input(in, vocabularies));
        }
        root.put("inputs", ins);
        List<Object> outs = new ArrayList<>();
        for (String o : outputs) {
            outs.add(output(spec, o));
        }
        root.put("outputs", outs);
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("side file of '" + spec.name() + "' cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> input(InputSpec in, Map<String, Vocabulary> vocabularies) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", in.name());
        m.put("kind", in.kind());
        m.put("sourceColumns", in.sourceColumns());
        if (in instanceof DenseInput d) {
            m.put("dtype", "float32");
            m.put("shape", List.of("batch", d.dimension()));
            m.put("columns", d.columns());
            m.put("standardize", d.standardize() ? "in the graph: feed raw values" : "no");
            return m;
        }
        if (in instanceof VectorInput v) {
            m.put("dtype", "float32");
            m.put("shape", List.of("batch", v.dimension()));
            m.put("layout", v.file() == null ? "the vector of each row (the numbers of its cell)"
                    : "the vector of each row's id from " + v.file() + " (a missing id: " + v.missing().id() + ")");
            m.put("standardize", v.adapter().whiten() ? "in the graph: feed raw vectors" : "no");
            return m;
        }
        if (in instanceof ImageInput img) {
            m.put("dtype", "float32");
            m.put("shape", List.of("batch", img.channels(), img.height(), img.width()));
            m.put("layout", "NCHW, pixel values scaled to [0, 1]");
            return m;
        }
        m.put("dtype", "int64");
        String table;
        if (in instanceof CategoricalInput c) {
            m.put("shape", List.of("batch"));
            m.put("layout", "one row id per example");
            table = c.table();
        } else if (in instanceof MultiHotInput mh) {
            m.put("shape", List.of("batch", "bag_len"));
            m.put("layout", "the row ids of each bag, right-padded with 0 to the longest bag of the request");
            m.put("pooling", mh.pooling().name().toLowerCase(java.util.Locale.ROOT));
            m.put("separator", mh.separator());
            table = mh.table();
        } else if (in instanceof SequenceInput s) {
            m.put("shape", List.of("batch", s.maxLength()));
            m.put("layout", "the last " + s.maxLength() + " row ids, most recent last, left-padded with 0");
            m.put("separator", s.separator());
            table = s.table();
        } else if (in instanceof TextInput t) {
            if (t.encoding() == TextInput.Encoding.SEQUENCE) {
                m.put("shape", List.of("batch", t.maxTokens()));
                m.put("layout", "the last " + t.maxTokens() + " token row ids, left-padded with 0");
            } else {
                m.put("shape", List.of("batch", "text_len"));
                m.put("layout", "the token row ids of each text (at most " + t.maxTokens() + "), padded with 0");
            }
            m.put("tokenizer", "split on non-letters, lower-cased");
            table = t.name();
        } else {
            table = in.name();
        }
        m.put("table", table);
        Vocabulary v = vocabularies.get(in.name());
        if (v == null) {
            v = vocabularies.get(table);
        }
        if (v != null) {
            Map<String, Object> vm = new LinkedHashMap<>();
            vm.put("rows", v.size());
            if (v.hashBuckets() > 0) {
                vm.put("kind", "hashed");
                vm.put("hashBuckets", v.hashBuckets());
                vm.put("row", "2 + floorMod(mix(h), hashBuckets), h = Java String.hashCode of the UTF-16 value (s[0]*31^(n-1) + ... + s[n-1], "
                        + "int32 wrap-around), mix(h) = murmur3 fmix32: h ^= h >>> 16; h *= 0x85ebca6b; h ^= h >>> 13; h *= 0xc2b2ae35; "
                        + "h ^= h >>> 16 (int32 arithmetic); the empty value is padding (row 0)");
            } else {
                vm.put("kind", "list");
                vm.put("row", "2 + position in tokens; a value not listed is row 1 (OOV); the empty value is row 0 (padding)");
                vm.put("tokens", v.tokens());
            }
            m.put("vocabulary", vm);
        }
        return m;
    }

    private static Map<String, Object> output(ModelSpec spec, String name) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        String taskName = name.endsWith(TaskSpec.CONDITIONAL_SUFFIX) ? name.substring(0, name.length() - TaskSpec.CONDITIONAL_SUFFIX.length()) : name;
        int k = spec.taskIndex(taskName);
        if (k < 0) {
            return m;
        }
        TaskSpec ts = spec.tasks().get(k);
        m.put("task", ts.name());
        m.put("dtype", "float32");
        if (!name.equals(taskName)) {
            m.put("shape", List.of("batch", 1));
            m.put("meaning", "p(" + ts.name() + " | " + ts.chainedAfter() + "): the task's own tower (ESMM's pCVR)");
            return m;
        }
        m.put("shape", List.of("batch", ts.outputWidth()));
        m.put("meaning", switch (ts.kind()) {
            case BINARY -> ts.chained() ? "p(" + ts.chainedAfter() + ") x p(" + ts.name() + " | " + ts.chainedAfter() + ") (ESMM's pCTCVR)"
                    : "probability (sigmoid)";
            case MULTICLASS -> "class probabilities (softmax), " + ts.numClasses() + " classes";
            case REGRESSION -> "predicted value";
        });
        return m;
    }
}
