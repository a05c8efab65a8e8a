package org.mtl4j.dsl.internal;

import java.util.List;
import org.mtl4j.api.spec.CategoricalInput;
import org.mtl4j.api.spec.ImageInput;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.MultiHotInput;
import org.mtl4j.api.spec.SequenceInput;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.TextInput;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.api.spec.TransformerSpec;
import org.mtl4j.api.spec.VocabularySpec;
import org.mtl4j.dsl.Problem;

/**
 * Upper bounds on every size a spec sets, checked at {@code build()} before anything is allocated:
 * {@code experts: 2000000000} or {@code batchSize: 2147483647} would otherwise end in an
 * OutOfMemoryError (or a native {@code bad_alloc}) in the middle of a run. The bounds are far above
 * any model this library trains well on one machine and far below what overflows an int or the
 * heap; each problem is {@code MTL/TooLarge} with the path, the value and the bound. Derived label
 * expressions are parsed here too ({@code MTL/BadLabelExpression}).
 */
final class SizeChecks {
    static final int MAX_WIDTH = 65_536;
    static final int MAX_EMBEDDING_DIM = 4_096;
    static final int MAX_EXPERTS = 1_024;
    static final int MAX_LEVELS = 64;
    static final int MAX_LAYERS = 64;
    static final int MAX_CLASSES = 1_000_000;
    static final int MAX_BATCH = 1 << 20;
    static final int MAX_SHUFFLE_BUFFER = 1 << 24;
    static final int MAX_VOCABULARY = 1 << 27;
    static final int MAX_SEQUENCE = 1 << 16;
    static final int MAX_EPOCHS = 1_000_000;
    static final int MAX_WORKERS = 1_024;
    /** Embedding rows x width of one table: one flat float buffer, at most 2^31 - 1 elements. */
    static final long MAX_TABLE_ELEMENTS = Integer.MAX_VALUE;

    private SizeChecks() {
    }

    static void check(SpecDraft d, List<Problem> out) {
        for (int i = 0; i < d.inputs().size(); i++) {
            InputSpec in = d.inputs().get(i);
            String p = "inputs[" + i + "]";
            if (in instanceof CategoricalInput c) {
                embedding(p, c.embeddingDim(), c.vocabulary(), out);
            } else if (in instanceof MultiHotInput m) {
                embedding(p, m.embeddingDim(), m.vocabulary(), out);
            } else if (in instanceof SequenceInput s) {
                bound(p + ".maxLength", s.maxLength(), MAX_SEQUENCE, out);
                vocabulary(p + ".vocabulary", s.vocabulary(), out);
                transformer(p + ".encoder", s.encoder(), out);
            } else if (in instanceof TextInput t) {
                bound(p + ".maxTokens", t.maxTokens(), MAX_SEQUENCE, out);
                embedding(p, t.embeddingDim(), t.vocabulary(), out);
                transformer(p + ".encoder", t.encoder(), out);
            } else if (in instanceof ImageInput im) {
                bound(p + ".channels", im.channels(), 4_096, out);
                bound(p + ".height", im.height(), 8_192, out);
                bound(p + ".width", im.width(), 8_192, out);
                if (im.hasNetwork()) {
                    bound(p + ".dimension", im.dimension(), MAX_WIDTH, out);
                } else {
                    widths(p + ".convChannels", im.convChannels(), out);
                }
            }
        }
        for (int i = 0; i < d.tasks().size(); i++) {
            TaskSpec t = d.tasks().get(i);
            if (t != null) {
                labelExpression(i, t, out);
                bound("tasks[" + i + "].numClasses", t.numClasses(), MAX_CLASSES, out);
                widths("tasks[" + i + "].tower", t.tower(), out);
            }
        }
        Topology top = d.topology();
        if (top instanceof Topology.Independent x) {
            widths("topology.layers", x.layers(), out);
        } else if (top instanceof Topology.SharedBottom x) {
            widths("topology.layers", x.layers(), out);
        } else if (top instanceof Topology.Mmoe x) {
            bound("topology.experts", x.experts(), MAX_EXPERTS, out);
            widths("topology.expertLayers", x.expertLayers(), out);
            widths("topology.gateLayers", x.gateLayers(), out);
        } else if (top instanceof Topology.Ple x) {
            bound("topology.levels", x.levels(), MAX_LEVELS, out);
            bound("topology.sharedExperts", x.sharedExperts(), MAX_EXPERTS, out);
            bound("topology.taskExperts", x.taskExperts(), MAX_EXPERTS, out);
            widths("topology.expertLayers", x.expertLayers(), out);
        } else if (top instanceof Topology.CrossStitch x) {
            widths("topology.layers", x.layers(), out);
        }
        parameters(d, out);
        TrainingSpec tr = d.training();
        if (tr != null) {
            bound("training.epochs", tr.epochs(), MAX_EPOCHS, out);
            bound("training.batchSize", tr.batchSize(), MAX_BATCH, out);
            bound("training.shuffleBuffer", tr.shuffleBuffer(), MAX_SHUFFLE_BUFFER, out);
            bound("training.workers", tr.workers(), MAX_WORKERS, out);
        }
    }

    /** A derived label ({@code rating >= 4}) is parsed here, so a malformed one is a spec problem with its line. */
    private static void labelExpression(int i, TaskSpec t, List<Problem> out) {
        if (t.label() == null) {
            return;
        }
        try {
            org.mtl4j.data.internal.LabelExpression.parse(t.name(), t.label());
        } catch (org.mtl4j.api.MtlException e) {
            String m = e.getMessage();
            int cut = m.indexOf("\" ");
            out.add(new Problem("MTL/BadLabelExpression", "tasks[" + i + "].label", Problem.quote(t.label()),
                    cut < 0 ? m : m.substring(cut + 2)));
        }
    }

    /**
     * A lower bound on the dense parameters of the shared part and the towers (products of consecutive
     * layer widths, the first layer fed by the fused input width). Each field may be within its bound
     * while together they are not: 1024 experts of [65536, 65536] are 4e12 weights.
     */
    private static void parameters(SpecDraft d, List<Problem> out) {
        long input = 0;
        for (InputSpec in : d.inputs()) {
            if (in instanceof CategoricalInput c) {
                input += c.embeddingDim();
            } else if (in instanceof MultiHotInput m) {
                input += m.embeddingDim();
            } else if (in instanceof TextInput t) {
                input += t.embeddingDim();
            } else if (in instanceof SequenceInput q && q.encoder() != null) {
                input += q.encoder().width();
            } else if (in instanceof org.mtl4j.api.spec.DenseInput x) {
                input += x.dimension();
            }
        }
        long tasks = d.tasks().size();
        Topology top = d.topology();
        long shared = 0;
        long width = input;
        if (top instanceof Topology.Independent x) {
            shared = sat(tasks, chain(input, x.layers()));
            width = last(input, x.layers());
        } else if (top instanceof Topology.SharedBottom x) {
            shared = chain(input, x.layers());
            width = last(input, x.layers());
        } else if (top instanceof Topology.Mmoe x) {
            shared = sat(sat(x.grouped() ? x.groups().size() : 1, x.experts()), chain(input, x.expertLayers()));
            width = last(input, x.expertLayers());
        } else if (top instanceof Topology.Ple x) {
            long sharedExperts = (long) x.sharedExperts() * (x.grouped() ? x.groups().size() : 1);
            shared = sat(sat(x.levels(), sharedExperts + (long) x.taskExperts() * tasks), chain(input, x.expertLayers()));
            width = last(input, x.expertLayers());
        } else if (top instanceof Topology.CrossStitch x) {
            shared = sat(tasks, chain(input, x.layers()));
            width = last(input, x.layers());
        }
        long total = shared;
        for (TaskSpec t : d.tasks()) {
            if (t != null) {
                total = Math.min(Long.MAX_VALUE / 2, total + chain(width, t.tower()));
            }
        }
        if (total > MAX_TABLE_ELEMENTS) {
            out.add(new Problem("MTL/TooLarge", "topology", top == null ? "null" : top.id(), "the layers hold at least " + total
                    + " weights (input width " + input + "), more than " + MAX_TABLE_ELEMENTS));
        }
    }

    private static long chain(long input, List<Integer> layers) {
        long sum = 0;
        long prev = input;
        for (Integer w : layers == null ? List.<Integer>of() : layers) {
            if (w == null) {
                continue;
            }
            sum = Math.min(Long.MAX_VALUE / 2, sum + sat(prev, w));
            prev = w;
        }
        return sum;
    }

    private static long last(long input, List<Integer> layers) {
        return layers == null || layers.isEmpty() || layers.get(layers.size() - 1) == null ? input : layers.get(layers.size() - 1);
    }

    private static long sat(long a, long b) {
        return a != 0 && Math.abs(b) > (Long.MAX_VALUE / 2) / Math.abs(a) ? Long.MAX_VALUE / 2 : a * b;
    }

    private static void embedding(String p, int dim, VocabularySpec v, List<Problem> out) {
        bound(p + ".embeddingDim", dim, MAX_EMBEDDING_DIM, out);
        vocabulary(p + ".vocabulary", v, out);
        if (v != null && dim <= MAX_EMBEDDING_DIM) {
            long rows = (long) (v.hashing() ? v.hashBuckets() : v.maxSize()) + 1;
            // built vocabularies are sized by the data; only a hashed table's size is known here
            if (v.hashing() && rows * dim > MAX_TABLE_ELEMENTS) {
                out.add(new Problem("MTL/TooLarge", p + ".vocabulary.hashBuckets", Long.toString(v.hashBuckets()),
                        "a table of " + rows + " rows x " + dim + " = " + rows * dim + " values exceeds " + MAX_TABLE_ELEMENTS));
            }
        }
    }

    private static void vocabulary(String p, VocabularySpec v, List<Problem> out) {
        if (v != null) {
            bound(p + ".hashBuckets", v.hashBuckets(), MAX_VOCABULARY, out);
        }
    }

    private static void transformer(String p, TransformerSpec t, List<Problem> out) {
        if (t != null) {
            bound(p + ".layers", t.layers(), MAX_LAYERS, out);
            bound(p + ".heads", t.heads(), 1_024, out);
            bound(p + ".width", t.width(), MAX_EMBEDDING_DIM, out);
            bound(p + ".feedForward", t.feedForward(), MAX_WIDTH, out);
        }
    }

    private static void widths(String p, List<Integer> layers, List<Problem> out) {
        if (layers == null) {
            return;
        }
        if (layers.size() > MAX_LAYERS) {
            out.add(new Problem("MTL/TooLarge", p, layers.size() + " layers", "at most " + MAX_LAYERS + " layers"));
        }
        for (int i = 0; i < layers.size(); i++) {
            Integer w = layers.get(i);
            if (w != null) {
                bound(p + "[" + i + "]", w, MAX_WIDTH, out);
            }
        }
    }

    private static void bound(String path, long value, long max, List<Problem> out) {
        if (value > max) {
            out.add(new Problem("MTL/TooLarge", path, Long.toString(value), "at most " + max));
        }
    }
}
