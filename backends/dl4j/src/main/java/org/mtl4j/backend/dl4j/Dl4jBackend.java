package org.mtl4j.backend.dl4j;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mtl4j.api.Mtl4jVersion;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.backend.Backend;
import org.mtl4j.api.backend.Capability;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.ImageInput;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.backend.dl4j.internal.encoders.NetworkSources;
import org.mtl4j.backend.dl4j.internal.model.Dl4jModel;
import org.mtl4j.backend.dl4j.internal.nn.NativeThreads;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.profiler.ProfilerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DeepLearning4J/ND4J backend ({@code "dl4j"}): every topology, task kind and input kind, ESMM
 * chains, per-task gradients and all optimisers, on a fused engine of hand-derived layers over one
 * flat ND4J parameter buffer (see the module README).
 *
 * <p>ND4J runs in FLOAT. {@code OMP_NUM_THREADS} (read by ND4J at start-up; one per core when unset)
 * is the thread budget of matrix products large enough to gain from it; smaller
 * products and ND4J's element-wise ops run on the calling thread ({@link NativeThreads}).
 */
public final class Dl4jBackend implements Backend {
    public static final String NAME = "dl4j";
    public static final String VERSION = Mtl4jVersion.get();
    private static final Logger LOG = LoggerFactory.getLogger(Dl4jBackend.class);
    private static volatile boolean initialised;

    /** Sets ND4J's data type and turns its per-op profiling checks (workspace scope checks by default) off, once per JVM. */
    public static void initNd4j() {
        if (initialised) {
            return;
        }
        synchronized (Dl4jBackend.class) {
            if (!initialised) {
                Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
                // no per-op workspace/NaN checks: the engine allocates no workspaces on its hot path
                Nd4j.getExecutioner().setProfilingConfig(ProfilerConfig.builder().checkWorkspaces(false).checkForNAN(false)
                        .checkForINF(false).checkElapsedTime(false).stackTrace(false).nativeStatistics(false).build());
                // the engine's ND4J ops are element-wise over a batch of activations: on one master
                // thread they run 1.5-2.5x faster than split over two (relu of 29k floats: 20 vs 50 us)
                Nd4j.getEnvironment().setMaxMasterThreads(1);
                NativeThreads.init();
                if (System.getenv("OMP_NUM_THREADS") == null) {
                    LOG.info("OMP_NUM_THREADS is not set: a thread budget of {} (one per core) for matrix products of 2^26+"
                            + " multiply-adds; everything else runs on one thread. Set it to 1 for bit-reproducible runs",
                            NativeThreads.budget());
                }
                initialised = true;
            }
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String version() {
        return VERSION;
    }

    @Override
    public Set<Capability> capabilities() {
        return Capability.all();
    }

    /**
     * The DL4J networks of image inputs that do not fit their declaration (file missing or unreadable,
     * no such feature layer, a loss layer, an output width other than the declared {@code dimension}):
     * the network is read and run once on a blank image, so {@code build()} names the input, as
     * {@link #compile} would.
     */
    @Override
    public List<Map.Entry<String, String>> unsupportedFields(ModelSpec spec) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (int i = 0; i < spec.inputs().size(); i++) {
            if (spec.inputs().get(i) instanceof ImageInput img && img.hasNetwork()) {
                initNd4j();
                String problem = NetworkSources.problem(img);
                if (problem != null) {
                    out.add(Map.entry("inputs[" + i + "].network = " + img.network(), problem));
                }
            }
        }
        return out;
    }

    @Override
    public TrainableModel compile(ModelSpec spec, Map<String, Vocabulary> vocabularies, Map<String, Dataset.DenseStats> denseStats) {
        initNd4j();
        if (spec == null) {
            throw new MtlException("dl4j backend: spec must not be null");
        }
        return new Dl4jModel(spec, vocabularies, denseStats, VERSION);
    }

    @Override
    public TrainableModel load(Path file) throws IOException {
        initNd4j();
        return Dl4jModel.load(file, VERSION);
    }

    @Override
    public String toString() {
        return "Dl4jBackend[" + VERSION + "]";
    }
}
