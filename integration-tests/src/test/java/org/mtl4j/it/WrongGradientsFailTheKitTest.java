package org.mtl4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.backend.Backend;
import org.mtl4j.api.backend.Capability;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.api.backend.ParameterBlock;
import org.mtl4j.api.backend.ParameterScope;
import org.mtl4j.api.backend.Predictions;
import org.mtl4j.api.backend.Provenance;
import org.mtl4j.api.backend.TaskLosses;
import org.mtl4j.api.backend.TrainableModel;
import org.mtl4j.api.backend.TrainingStep;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.data.Dataset;
import org.mtl4j.api.data.Vocabulary;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.dsl.Mtl;
import org.mtl4j.testkit.BackendContract;

/**
 * The kit's finite-difference check catches a backend whose backward pass is wrong: the real Tribuo
 * backend, with the gradient of its task block of largest gradient scaled by 1.3 after every backward pass (a plausible
 * bug: a missing or doubled term), fails "gradients match finite differences" on every spec, while the
 * unchanged backend passes it (in {@link EveryBackendContractTest}).
 */
class WrongGradientsFailTheKitTest {

    @TempDir
    Path tmp;

    @Test
    void aBackendWithAWrongGradientFailsTheFiniteDifferenceCheck() {
        Backend broken = new SkewedBackend(Mtl.runtime().backend("tribuo"));
        List<DynamicTest> checks = new ArrayList<>();
        BackendContract.suite(broken, tmp).filter(n -> n.getDisplayName().equals("gradients match finite differences"))
                .forEach(n -> collect(n, checks));
        assertThat(checks).hasSizeGreaterThanOrEqualTo(4);
        for (DynamicTest t : checks) {
            assertThatThrownBy(() -> t.getExecutable().execute()).as(t.getDisplayName()).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("derivative along a direction in block ");
        }
    }

    private static void collect(DynamicNode n, List<DynamicTest> out) {
        if (n instanceof DynamicTest t) {
            out.add(t);
        } else if (n instanceof DynamicContainer c) {
            c.getChildren().forEach(child -> collect(child, out));
        }
    }

    /** Delegates to a real backend; its models' steps scale the task block of largest gradient by 1.3. */
    private record SkewedBackend(Backend real) implements Backend {
        @Override
        public String name() {
            return real.name() + "-skewed";
        }

        @Override
        public String version() {
            return real.version();
        }

        @Override
        public Set<Capability> capabilities() {
            return real.capabilities();
        }

        @Override
        public TrainableModel compile(ModelSpec spec, Map<String, Vocabulary> vocabularies, Map<String, Dataset.DenseStats> stats) {
            return new SkewedModel(real.compile(spec, vocabularies, stats));
        }

        @Override
        public TrainableModel load(Path file) throws IOException {
            return new SkewedModel(real.load(file));
        }
    }

    private record SkewedModel(TrainableModel real) implements TrainableModel {
        @Override
        public TrainingStep step(Batch batch) {
            TrainingStep s = real.step(batch);
            return new TrainingStep() {
                @Override
                public TaskLosses losses() {
                    return s.losses();
                }

                @Override
                public void backward(double[] w) {
                    s.backward(w);
                    ParameterBlock worst = null;
                    for (ParameterBlock b : s.parameterBlocks()) {
                        if (b.task() != null && (worst == null || b.gradient().norm() > worst.gradient().norm())) {
                            worst = b;
                        }
                    }
                    worst.gradient().scale(1.3);
                }

                @Override
                public GradientVector newGradient() {
                    return s.newGradient();
                }

                @Override
                public void taskGradients(List<? extends GradientVector> out) {
                    s.taskGradients(out);
                }

                @Override
                public GradientVector view(GradientVector full, ParameterScope scope) {
                    return s.view(full, scope);
                }

                @Override
                public GradientVector gradient() {
                    return s.gradient();
                }

                @Override
                public List<ParameterBlock> parameterBlocks() {
                    return s.parameterBlocks();
                }
            };
        }

        @Override
        public TaskLosses losses(Batch batch) {
            return real.losses(batch);
        }

        @Override
        public void applyUpdate() {
            real.applyUpdate();
        }

        @Override
        public long updates() {
            return real.updates();
        }

        @Override
        public void setProvenance(Provenance p) {
            real.setProvenance(p);
        }

        @Override
        public void writeState(OutputStream out) throws IOException {
            real.writeState(out);
        }

        @Override
        public void readState(InputStream in) throws IOException {
            real.readState(in);
        }

        @Override
        public ModelSpec spec() {
            return real.spec();
        }

        @Override
        public String backendName() {
            return real.backendName();
        }

        @Override
        public Map<String, Vocabulary> vocabularies() {
            return real.vocabularies();
        }

        @Override
        public Provenance provenance() {
            return real.provenance();
        }

        @Override
        public Predictions predict(Batch batch) {
            return real.predict(batch);
        }

        @Override
        public Map<String, Long> parameterCounts() {
            return real.parameterCounts();
        }

        @Override
        public void save(Path file) throws IOException {
            real.save(file);
        }
    }

}
