package org.mtl4j.dsl.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.spec.CategoricalInput;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.MultiHotInput;
import org.mtl4j.api.spec.SequenceInput;
import org.mtl4j.api.spec.TextInput;
import org.mtl4j.api.spec.VocabularySpec;
import org.mtl4j.api.data.TextEmbedders;
import org.mtl4j.dsl.Problem;

/** Checks of the inputs: at least one, unique names, one width and one vocabulary per shared embedding table. */
final class InputChecks {
    private InputChecks() {
    }

    static void check(SpecDraft d, List<Problem> out) {
        if (d.inputs().isEmpty()) {
            out.add(new Problem("MTL/NoInputs", "inputs", "[]", "a model needs at least one input"));
        }
        Map<String, Integer> seen = new HashMap<>();
        Map<String, Integer> tableOwner = new HashMap<>();
        for (int i = 0; i < d.inputs().size(); i++) {
            InputSpec in = d.inputs().get(i);
            if (in == null) {
                continue;
            }
            Integer first = seen.putIfAbsent(in.name(), i);
            if (first != null) {
                out.add(new Problem("MTL/DuplicateInput", "inputs[" + i + "].name", Problem.quote(in.name()),
                        "also inputs[" + first + "]"));
            }
            if (in instanceof TextInput t && t.isPretrained() && !TextEmbedders.names().contains(t.pretrained())) {
                out.add(new Problem("MTL/UnknownEmbedder", "inputs[" + i + "].pretrained", Problem.quote(t.pretrained()),
                        "known: " + String.join(", ", TextEmbedders.names())
                                + "; all-minilm-l6-v2 needs the mtl4j-text-minilm jar on the class path"));
            }
            String table = in.embeddingTable();
            if (table == null) {
                continue;
            }
            Integer owner = tableOwner.putIfAbsent(table, i);
            if (owner == null) {
                continue;
            }
            InputSpec o = d.inputs().get(owner);
            if (tableWidth(in) != tableWidth(o)) {
                out.add(new Problem("MTL/TableWidth", "inputs[" + i + "]." + widthField(in), String.valueOf(tableWidth(in)),
                        "table " + Problem.quote(table) + " is " + tableWidth(o) + " wide in inputs[" + owner + "] ("
                                + o.name() + "); inputs sharing a table need one width"));
            }
            if (!tableVocabulary(in).equals(tableVocabulary(o))) {
                out.add(new Problem("MTL/TableVocabulary", "inputs[" + i + "].vocabulary", describe(tableVocabulary(in)),
                        "table " + Problem.quote(table) + " uses " + describe(tableVocabulary(o)) + " in inputs[" + owner
                                + "] (" + o.name() + "); inputs sharing a table need one vocabulary"));
            }
        }
    }

    private static int tableWidth(InputSpec in) {
        if (in instanceof CategoricalInput) {
            return ((CategoricalInput) in).embeddingDim();
        }
        if (in instanceof MultiHotInput) {
            return ((MultiHotInput) in).embeddingDim();
        }
        return ((SequenceInput) in).encoder().width();
    }

    private static String widthField(InputSpec in) {
        return in instanceof SequenceInput ? "encoder.width" : "embeddingDim";
    }

    private static VocabularySpec tableVocabulary(InputSpec in) {
        if (in instanceof CategoricalInput) {
            return ((CategoricalInput) in).vocabulary();
        }
        if (in instanceof MultiHotInput) {
            return ((MultiHotInput) in).vocabulary();
        }
        return ((SequenceInput) in).vocabulary();
    }

    private static String describe(VocabularySpec v) {
        return v.hashing() ? "hashed(" + v.hashBuckets() + ")" : "built(maxSize " + v.maxSize() + ", minCount " + v.minCount() + ")";
    }
}
