package org.mtl4j.backend.dl4j.internal.encoders;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.spec.EncoderNetworks;
import org.mtl4j.api.spec.ImageInput;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.backend.dl4j.internal.nn.ParamStore;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The DL4J networks that encode a model's inputs ({@link ImageInput#network()}): each read once
 * (from a model zip, an in-memory object registered by the DSL, or a model archive), converted to
 * FLOAT and to a {@link ComputationGraph} (a {@code MultiLayerNetwork} through
 * {@code toComputationGraph()}), cut at the feature layer, with DL4J's workspaces off (the engine
 * allocates its own buffers), and checked against the declared width. The frozen networks' feature
 * caches live here so the encoders of several owners (independent topology) share them.
 */
public final class NetworkSources {
    private final Map<String, Source> sources = new LinkedHashMap<>();
    private final Map<String, FeatureCache> caches = new LinkedHashMap<>();
    private final List<NetworkEncoder> encoders = new ArrayList<>();

    /**
     * A network as read: a graph, and the names its layers go by (a MultiLayerNetwork's converted graph
     * numbers its vertices "0", "1", ...; the user knows them by their layer names).
     */
    record Loaded(ComputationGraph graph, Map<String, String> names) {
        static Loaded of(ComputationGraph g) {
            return new Loaded(g, Map.of());
        }

        static Loaded of(MultiLayerNetwork m) {
            Map<String, String> names = new LinkedHashMap<>();
            Set<String> taken = new HashSet<>();
            for (int i = 0; i < m.getnLayers(); i++) {
                String n = m.getLayer(i).conf().getLayer().getLayerName();
                if (n != null && !n.isBlank() && taken.add(n)) {
                    names.put(String.valueOf(i), n);
                }
            }
            return new Loaded(m.toComputationGraph(), names);
        }
    }

    /** A prepared network: the graph (output = the feature layer) and what it reads. */
    record Source(ComputationGraph graph, String output, long[] inputShape, int width) {
    }

    private NetworkSources() {
    }

    /** The name of the archive entry holding the network of {@code input}. */
    public static String entryName(String input) {
        return "network-" + input + ".zip";
    }

    /** Reads the networks a compiled spec names (model files relative to the working directory, or DSL objects). */
    public static NetworkSources resolve(ModelSpec spec) {
        NetworkSources s = new NetworkSources();
        for (InputSpec in : spec.inputs()) {
            if (in instanceof ImageInput img && img.hasNetwork()) {
                s.add(img, open(img));
            }
        }
        return s;
    }

    /**
     * What is wrong with the network of {@code img} (not readable, no such layer, a loss layer, an input
     * it cannot read, an output width other than the declared dimension), or null when it fits: the
     * check {@link #resolve} makes, run at {@code build()} so that the DSL names the input there.
     */
    public static String problem(ImageInput img) {
        try {
            prepare(img, open(img));
            return null;
        } catch (MtlException e) {
            return e.getMessage();
        }
    }

    /** Reads the networks a model archive holds ({@code entry} returns an entry's bytes or throws naming it). */
    public static NetworkSources fromArchive(ModelSpec spec, Function<String, byte[]> entry) {
        NetworkSources s = new NetworkSources();
        for (InputSpec in : spec.inputs()) {
            if (in instanceof ImageInput img && img.hasNetwork()) {
                String name = entryName(img.name());
                s.add(img, read(entry.apply(name), "model entry '" + name + "'"));
            }
        }
        return s;
    }

    private void add(ImageInput img, Loaded g) {
        sources.put(img.name(), prepare(img, g));
    }

    /** The encoder of {@code img} for {@code owner} (fine-tuned: its own parameters in {@code store}). */
    public NetworkEncoder encoder(ImageInput img, ParamStore store, String prefix, String owner) {
        Source src = sources.get(img.name());
        if (src == null) {
            throw new IllegalStateException("no network was resolved for image input '" + img.name() + "'");
        }
        NetworkEncoder e = new NetworkEncoder(img, src, caches.computeIfAbsent(img.name(), k -> new FeatureCache()), store,
                prefix, owner);
        encoders.add(e);
        return e;
    }

    /** The networks as DL4J model zips ({@code ModelSerializer}), by archive entry name: the first encoder's current weights. */
    public Map<String, byte[]> entries() throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, Source> s : sources.entrySet()) {
            ComputationGraph g = s.getValue().graph();
            for (NetworkEncoder e : encoders) {
                if (e.input().equals(s.getKey())) {
                    g = e.network();
                    break;
                }
            }
            ByteArrayOutputStream bo = new ByteArrayOutputStream();
            ModelSerializer.writeModel(g, bo, false);
            out.put(entryName(s.getKey()), bo.toByteArray());
        }
        return out;
    }

    /** The encoders built so far (tests, diagnostics). */
    public List<NetworkEncoder> encoders() {
        return List.copyOf(encoders);
    }

    private static Loaded open(ImageInput img) {
        String ref = img.network();
        String what = "image input '" + img.name() + "': network " + ref;
        if (EncoderNetworks.isMemory(ref)) {
            Object o = EncoderNetworks.lookup(ref);
            if (o instanceof ComputationGraph g) {
                return Loaded.of(g);
            }
            if (o instanceof MultiLayerNetwork m) {
                return Loaded.of(m);
            }
            throw new MtlException(what + (o == null ? " is not registered in this JVM (a spec holding an in-memory network "
                    + "is compiled in the process that built it; save the network with ModelSerializer and name the file)"
                    : " is a " + o.getClass().getName() + ", not a DL4J ComputationGraph or MultiLayerNetwork"));
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(Path.of(ref));
        } catch (NoSuchFileException e) {
            throw new MtlException(what + ": no such file (paths are relative to the working directory "
                    + Path.of("").toAbsolutePath() + ")", e);
        } catch (IOException e) {
            throw new MtlException(what + ": cannot read it: " + e.getMessage(), e);
        }
        return read(bytes, what);
    }

    /** A DL4J model zip written by {@code ModelSerializer}: a ComputationGraph or a MultiLayerNetwork. */
    static Loaded read(byte[] zip, String what) {
        try {
            String conf = configuration(zip);
            if (conf == null) {
                throw new MtlException(what + " is not a DL4J model zip (no configuration.json entry; write one with "
                        + "ModelSerializer.writeModel)");
            }
            if (conf.contains("\"vertices\"")) {
                return Loaded.of(ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(zip), false));
            }
            return Loaded.of(ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(zip), false));
        } catch (IOException | RuntimeException e) {
            if (e instanceof MtlException m) {
                throw m;
            }
            throw new MtlException(what + " cannot be read as a DL4J model: " + e.getMessage(), e);
        }
    }

    private static String configuration(byte[] zip) throws IOException {
        try (ZipInputStream z = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = z.getNextEntry()) != null;) {
                if (e.getName().equals("configuration.json")) {
                    return new String(z.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        }
        return null;
    }

    /**
     * Cuts the network at the feature layer: {@code img.output()}, else the network's output, else, when
     * that output is a loss layer, the vertex feeding it; rebuilds it in FLOAT without workspaces, its
     * vertices under the names the user knows; checks that it reads one image (NCHW, or flattened) and
     * outputs {@code img.dimension()} numbers.
     */
    static Source prepare(ImageInput img, Loaded loaded) {
        String what = "image input '" + img.name() + "': network " + img.network();
        ComputationGraph g = loaded.graph();
        if (g.getConfiguration().getDataType() != DataType.FLOAT || g.params().dataType() != DataType.FLOAT) {
            g = g.convertDataType(DataType.FLOAT);
        }
        Map<String, String> names = loaded.names();
        Map<String, String> original = new LinkedHashMap<>();
        ComputationGraphConfiguration conf = renamed(g.getConfiguration().clone(), names, original);
        if (conf.getNetworkInputs().size() != 1) {
            throw new MtlException(what + " has " + conf.getNetworkInputs().size() + " inputs " + conf.getNetworkInputs()
                    + "; an encoder network reads one (the image)");
        }
        String out = img.output();
        if (out != null) {
            if (!conf.getVertices().containsKey(out)) {
                throw new MtlException(what + " has no layer '" + out + "' (layers: " + new TreeSet<>(conf.getVertices().keySet())
                        + ")");
            }
        } else {
            if (conf.getNetworkOutputs().size() != 1) {
                throw new MtlException(what + " has " + conf.getNetworkOutputs().size() + " outputs " + conf.getNetworkOutputs()
                        + "; name the feature layer with 'output'");
            }
            out = conf.getNetworkOutputs().get(0);
            if (isLoss(g, original.get(out))) {
                List<String> feeding = conf.getVertexInputs().get(out);
                if (feeding == null || feeding.size() != 1 || !conf.getVertices().containsKey(feeding.get(0))) {
                    throw new MtlException(what + ": its output '" + out + "' is a loss layer fed by " + feeding
                            + "; name the feature layer with 'output'");
                }
                out = feeding.get(0);
            }
        }
        if (isLoss(g, original.get(out))) {
            throw new MtlException(what + ": layer '" + out + "' is a loss layer (its gradient needs labels); name the layer "
                    + "before it with 'output'");
        }
        ComputationGraph cut = cut(g, conf, out, original);
        return new Source(cut, out, inputShape(cut, img, what, out), img.dimension());
    }

    private static boolean isLoss(ComputationGraph g, String vertex) {
        return g.getVertex(vertex).hasLayer() && g.getVertex(vertex).getLayer() instanceof IOutputLayer;
    }

    /** {@code conf} with its vertices renamed by {@code names}; {@code original} receives new name -> old name. */
    private static ComputationGraphConfiguration renamed(ComputationGraphConfiguration conf, Map<String, String> names,
            Map<String, String> original) {
        Function<String, String> n = v -> names.getOrDefault(v, v);
        Map<String, org.deeplearning4j.nn.conf.graph.GraphVertex> vertices = new LinkedHashMap<>();
        for (Map.Entry<String, org.deeplearning4j.nn.conf.graph.GraphVertex> e : conf.getVertices().entrySet()) {
            vertices.put(n.apply(e.getKey()), e.getValue());
            original.put(n.apply(e.getKey()), e.getKey());
            if (e.getValue() instanceof org.deeplearning4j.nn.conf.graph.LayerVertex lv && !names.isEmpty()) {
                lv.getLayerConf().getLayer().setLayerName(n.apply(e.getKey())); // DL4J looks layers up by this name too
            }
        }
        Map<String, List<String>> inputs = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : conf.getVertexInputs().entrySet()) {
            inputs.put(n.apply(e.getKey()), new ArrayList<>(e.getValue().stream().map(n).toList()));
        }
        conf.setVertices(vertices);
        conf.setVertexInputs(inputs);
        conf.setNetworkOutputs(new ArrayList<>(conf.getNetworkOutputs().stream().map(n).toList()));
        conf.setTopologicalOrder(null);
        conf.setTopologicalOrderStr(null);
        return conf;
    }

    /** The part of {@code conf} that {@code out} depends on, as a new graph holding {@code g}'s weights. */
    private static ComputationGraph cut(ComputationGraph g, ComputationGraphConfiguration conf, String out,
            Map<String, String> original) {
        Set<String> keep = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(out));
        while (!todo.isEmpty()) {
            String v = todo.pop();
            if (keep.add(v)) {
                List<String> ins = conf.getVertexInputs().get(v);
                if (ins != null) {
                    todo.addAll(ins);
                }
            }
        }
        conf.getVertices().keySet().retainAll(keep);
        conf.getVertexInputs().keySet().retainAll(keep);
        conf.setNetworkOutputs(new ArrayList<>(List.of(out)));
        conf.setTopologicalOrder(null);
        conf.setTopologicalOrderStr(null);
        conf.setTrainingWorkspaceMode(WorkspaceMode.NONE);
        conf.setInferenceWorkspaceMode(WorkspaceMode.NONE);
        conf.setValidateOutputLayerConfig(false);
        ComputationGraph c = new ComputationGraph(conf);
        c.init();
        for (String v : conf.getVertices().keySet()) {
            if (c.getVertex(v).hasLayer()) {
                for (Map.Entry<String, INDArray> p : c.getLayer(v).paramTable().entrySet()) {
                    p.getValue().assign(g.getLayer(original.get(v)).getParam(p.getKey()));
                }
            }
        }
        return c;
    }

    /** [C, H, W] when the network reads NCHW images, [C * H * W] when it reads them flattened; checks the width. */
    private static long[] inputShape(ComputationGraph g, ImageInput img, String what, String out) {
        long[][] tries = {{img.channels(), img.height(), img.width()}, {(long) img.pixels()}};
        RuntimeException first = null;
        for (long[] shape : tries) {
            long[] batch = new long[shape.length + 1];
            batch[0] = 1;
            System.arraycopy(shape, 0, batch, 1, shape.length);
            INDArray y;
            try {
                y = g.output(false, Nd4j.zeros(DataType.FLOAT, batch))[0];
            } catch (RuntimeException e) {
                first = first == null ? e : first;
                continue;
            }
            long width = y.length();
            if (width != img.dimension()) {
                throw new MtlException(what + " outputs " + width + " features per image at layer '" + out + "' (shape "
                        + java.util.Arrays.toString(java.util.Arrays.copyOfRange(y.shape(), 1, y.rank()))
                        + "), but the input declares dimension " + img.dimension());
            }
            return shape;
        }
        throw new MtlException(what + " does not accept " + img.channels() + "x" + img.height() + "x" + img.width()
                + " images (as [batch, " + img.channels() + ", " + img.height() + ", " + img.width() + "] or [batch, "
                + img.pixels() + "]): " + (first == null ? "" : first.getMessage()), first);
    }
}
