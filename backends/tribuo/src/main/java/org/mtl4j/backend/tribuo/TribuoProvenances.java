package org.mtl4j.backend.tribuo;

import com.oracle.labs.mlrg.olcut.provenance.ListProvenance;
import com.oracle.labs.mlrg.olcut.provenance.ObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.BooleanProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.IntProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.LongProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.PluginRef;
import org.mtl4j.spi.io.SpecCodec;
import org.tribuo.OutputFactory;
import org.tribuo.Tribuo;
import org.tribuo.provenance.DataProvenance;
import org.tribuo.provenance.DatasetProvenance;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.provenance.impl.TrainerProvenanceImpl;

/**
 * Tribuo {@link ModelProvenance} for one task head of a jointly trained model: the dataset
 * provenance names the training data, the trainer provenance is mtl4j's loop with the whole
 * configuration (spec JSON, topology, balancing, optimiser, seed), and the instance provenance
 * records the joint training (the task, its sibling tasks, backend, run summary).
 */
final class TribuoProvenances {
    static final String TRAINER_CLASS = "org.mtl4j.training.Trainer";
    static final String SPEC = "mtl4j-spec";
    static final String TASK = "task";
    static final String SIBLINGS = "sibling-tasks";
    static final String BALANCER = "balancer";
    static final String SEED = "seed";
    static final String DATA = "data-source";

    private TribuoProvenances() {
    }

    /** Dataset provenance built from the mtl4j description of the data (Tribuo's constructor for it is protected). */
    private static final class JointDatasetProvenance extends DatasetProvenance {
        private static final long serialVersionUID = 1L;

        JointDatasetProvenance(DataProvenance source, int examples, int features, int outputs) {
            super(source, new ListProvenance<>(), "org.mtl4j.api.data.Dataset", false, false, examples, features, outputs);
        }
    }

    static String balancer(ModelSpec spec) {
        StringBuilder b = new StringBuilder("lossWeighting=").append(ref(spec.lossWeighting()));
        b.append(", gradientAggregation=").append(ref(spec.gradientAggregation()));
        List<String> clip = new ArrayList<>();
        for (PluginRef c : spec.clipping()) {
            clip.add(ref(c));
        }
        b.append(", clipping=").append(clip);
        return b.toString();
    }

    private static String ref(PluginRef r) {
        return r.params().isEmpty() ? r.name() : r.name() + r.params();
    }

    private static long parse(String s, long fallback) {
        if (s == null) {
            return fallback;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    static <T extends org.tribuo.Output<T>> ModelProvenance of(TribuoFmModel joint, String task, String modelClass,
            OutputFactory<T> factory, int features, int outputs) {
        ModelSpec spec = joint.spec();
        org.mtl4j.api.backend.Provenance p = joint.provenance();
        String data = p.trainData() == null ? "unknown (not recorded by the training loop)" : p.trainData();
        OffsetDateTime time;
        try {
            time = OffsetDateTime.ofInstant(Instant.parse(p.createdAt()), ZoneOffset.UTC);
        } catch (RuntimeException e) {
            time = OffsetDateTime.now(ZoneOffset.UTC);
        }
        // rows of the training data: the loop's summary when it says, else rows stepped through / epochs
        long rows = parse(p.summary().get("rows"), -1);
        if (rows < 0) {
            long epochs = Math.max(1, parse(p.summary().get("epochs"), 1));
            rows = joint.rowsSeen() / epochs;
        }
        DatasetProvenance ds = new JointDatasetProvenance(new SimpleDataSourceProvenance(data, time, factory),
                (int) Math.min(Integer.MAX_VALUE, rows),
                features, outputs);

        Map<String, Provenance> trainer = new LinkedHashMap<>();
        trainer.put(ObjectProvenance.CLASS_NAME, new StringProvenance(ObjectProvenance.CLASS_NAME, TRAINER_CLASS));
        trainer.put("host-short-name", new StringProvenance("host-short-name", "Trainer"));
        trainer.put(org.tribuo.provenance.TrainerProvenance.TRAIN_INVOCATION_COUNT,
                new IntProvenance(org.tribuo.provenance.TrainerProvenance.TRAIN_INVOCATION_COUNT, 1));
        trainer.put(org.tribuo.provenance.TrainerProvenance.IS_SEQUENCE,
                new BooleanProvenance(org.tribuo.provenance.TrainerProvenance.IS_SEQUENCE, false));
        trainer.put(org.tribuo.provenance.TrainerProvenance.TRIBUO_VERSION_STRING,
                new StringProvenance(org.tribuo.provenance.TrainerProvenance.TRIBUO_VERSION_STRING, Tribuo.VERSION));
        trainer.put(SPEC, new StringProvenance(SPEC, SpecCodec.toJson(spec)));
        trainer.put("topology", new StringProvenance("topology", spec.topology().id()));
        trainer.put(BALANCER, new StringProvenance(BALANCER, balancer(spec)));
        trainer.put("optimizer", new StringProvenance("optimizer", spec.optimizer().name() + "(lr="
                + spec.optimizer().learningRate() + ")"));
        trainer.put(SEED, new LongProvenance(SEED, p.seed()));
        trainer.put("epochs", new IntProvenance("epochs", spec.training().epochs()));
        trainer.put("batch-size", new IntProvenance("batch-size", spec.training().batchSize()));

        Map<String, Provenance> instance = new LinkedHashMap<>();
        instance.put(TASK, new StringProvenance(TASK, task));
        List<String> siblings = new ArrayList<>(spec.taskNames());
        siblings.remove(task);
        instance.put(SIBLINGS, new StringProvenance(SIBLINGS, String.join(",", siblings)));
        instance.put(DATA, new StringProvenance(DATA, data));
        instance.put("validation-data", new StringProvenance("validation-data",
                p.validationData() == null ? "none" : p.validationData()));
        instance.put("backend", new StringProvenance("backend", p.backend() + " " + p.backendVersion()));
        instance.put("mtl4j-version", new StringProvenance("mtl4j-version", String.valueOf(p.mtl4jVersion())));
        new TreeMap<>(p.summary()).forEach((k, v) -> instance.put("summary." + k, new StringProvenance("summary." + k, v)));
        return new ModelProvenance(modelClass, time, ds, new TrainerProvenanceImpl(trainer), instance);
    }
}
