package org.mtl4j.onnx.internal;

import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.onnx.OnnxExportException;
import org.tribuo.util.onnx.ONNXRef;

/**
 * The task heads every backend shares, from per-task logits to the graph's outputs: sigmoid for
 * binary, softmax for multiclass, the value for regression, and ESMM chains (Ma et al., SIGIR 2018,
 * eq. 1-3): a binary task chained after a binary parent outputs p(parent) x sigmoid(own logit) under
 * its name and its own probability as {@code <task>.conditional}.
 */
final class OnnxHeads {
    private OnnxHeads() {
    }

    /** Declares the outputs, in task order, each chained task's conditional right after it. */
    static void outputs(OnnxGraph g, ModelSpec spec, ONNXRef<?>[] logits) {
        int t = spec.tasks().size();
        ONNXRef<?>[] prob = new ONNXRef<?>[t];
        ONNXRef<?>[] own = new ONNXRef<?>[t];
        for (int k = 0; k < t; k++) {
            head(g, spec, k, logits, own, prob);
        }
        for (int k = 0; k < t; k++) {
            TaskSpec ts = spec.tasks().get(k);
            g.output(ts.name(), prob[k], ts.outputWidth());
            if (ts.chained()) {
                g.output(ts.name() + TaskSpec.CONDITIONAL_SUFFIX, own[k], 1);
            }
        }
    }

    private static void head(OnnxGraph g, ModelSpec spec, int k, ONNXRef<?>[] logits, ONNXRef<?>[] own, ONNXRef<?>[] prob) {
        if (prob[k] != null) {
            return;
        }
        TaskSpec ts = spec.tasks().get(k);
        String p = ts.name().replaceAll("[^A-Za-z0-9_.@:-]", "_");
        switch (ts.kind()) {
            case BINARY -> {
                own[k] = g.sigmoid(p + "_own", logits[k]);
                if (ts.chained()) {
                    int parent = spec.taskIndex(ts.chainedAfter());
                    if (parent < 0) {
                        throw new OnnxExportException("cannot export model '" + spec.name() + "': task '" + ts.name()
                                + "' is chained after unknown task '" + ts.chainedAfter() + "'");
                    }
                    head(g, spec, parent, logits, own, prob);
                    prob[k] = g.mul(p + "_chain", prob[parent], own[k]);
                } else {
                    prob[k] = own[k];
                }
            }
            case MULTICLASS -> prob[k] = g.softmax(p + "_prob", logits[k]);
            case REGRESSION -> prob[k] = logits[k];
        }
    }
}
