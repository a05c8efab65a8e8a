package org.mtl4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.spec.CategoricalInput;
import org.mtl4j.api.spec.DenseInput;
import org.mtl4j.api.spec.ImageInput;
import org.mtl4j.api.spec.InputSpec;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.MultiHotInput;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.Pooling;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.api.spec.TrainingSpec;
import org.mtl4j.backend.tribuo.TribuoBackend;
import org.mtl4j.dsl.Mtl;
import org.mtl4j.dsl.MtlRuntime;
import org.mtl4j.dsl.Problem;
import org.mtl4j.spi.MtlPlugin;

/**
 * The Tribuo backend seen through the DSL's runtime: discovery by name, and a spec it cannot serve
 * refused at validation with the backend named. (The backend's module tests it without the DSL.)
 */
class TribuoRuntimeTest {

    @Test
    void isFoundByServiceLoaderAndBoundByNameInTheRuntime() {
        List<String> names = ServiceLoader.load(MtlPlugin.class).stream().map(p -> p.get().name()).collect(Collectors.toList());
        assertThat(names).contains("tribuo");
        MtlRuntime rt = Mtl.runtimeBuilder().discover(true).build();
        assertThat(rt.backend("tribuo")).isInstanceOf(TribuoBackend.class);
        // both backends installed: dl4j ranks 100, tribuo 0, so dl4j is the default (unless overridden)
        if (System.getProperty(MtlRuntime.BACKEND_PROPERTY) == null && System.getenv(MtlRuntime.BACKEND_ENV) == null) {
            assertThat(rt.defaultBackend()).isEqualTo("dl4j");
        }
    }

    @Test
    void anImageInputIsRefusedAtValidationNamingTheInputAndTheBackend() {
        MtlRuntime rt = Mtl.runtimeBuilder().discover(true).build();
        ModelSpec spec = withInput(new ImageInput("photo", "photo_path", 3, 32, 32, List.of(8), 3),
                new Topology.SharedBottom(List.of(8)));
        List<Problem> problems = rt.validate(spec);
        assertThat(problems).extracting(Problem::toString)
                .contains("MTL/Unsupported: inputs[3].kind = image (backend \"tribuo\" lacks INPUT_IMAGE, needed by input \"photo\")");
    }

    @Test
    void hiddenLayersAndWhatTheFmWouldIgnoreAreRefusedAtBuildOnePerField() {
        MtlRuntime rt = Mtl.runtimeBuilder().discover(true).build();
        List<InputSpec> inputs = List.of(new CategoricalInput("user", "user_id", 4, null, null),
                new CategoricalInput("item", "item_id", 8, null, null), new DenseInput("ctx", List.of("d0", "d1"), false));
        ModelSpec spec = new ModelSpec("fm", inputs, List.of(TaskSpec.binary("ctr", "click"),
                TaskSpec.binary("cvr", "buy").withTower(List.of(16, 8))), new Topology.SharedBottom(List.of(32)), null, null,
                null, OptimizerSpec.adagrad(0.05), new TrainingSpec(1, 8, 7L, 0, null, 0, 1000), "tribuo");
        assertThat(rt.validate(spec)).extracting(Problem::toString).containsExactly(
                "MTL/Unsupported: topology.layers = [32] (backend \"tribuo\" lacks HIDDEN_LAYERS; it builds no hidden layers,"
                        + " so it would ignore them: write [] (see the backend's README))",
                "MTL/Unsupported: tasks[0].tower = [8] (backend \"tribuo\" lacks HIDDEN_LAYERS, needed by task \"ctr\"; it builds"
                        + " no hidden layers, so it would ignore them: write [] (see the backend's README))",
                "MTL/Unsupported: tasks[1].tower = [16, 8] (backend \"tribuo\" lacks HIDDEN_LAYERS, needed by task \"cvr\"; it"
                        + " builds no hidden layers, so it would ignore them: write [] (see the backend's README))",
                "MTL/Unsupported: inputs[0].embeddingDim = 4 (backend \"tribuo\": input 'user': every id feature of the"
                        + " factorization machine has factors of one width, k = 8 (the widest, input 'item'), so this dimension"
                        + " would be ignored: give every id input embeddingDim 8)");
        // the same model on dl4j is fine; without layers and towers, and with one width, the FM takes it
        assertThat(rt.validate(spec.withBackend("dl4j"))).isEmpty();
        List<InputSpec> same = List.of(inputs.get(0), new CategoricalInput("item", "item_id", 4, null, null), inputs.get(2));
        ModelSpec fm = new ModelSpec("fm", same, spec.tasks(), spec.topology(), null, null, null, spec.optimizer(), spec.training(),
                "tribuo").withoutHiddenLayers();
        assertThat(rt.validate(fm)).isEmpty();
    }

    private static ModelSpec withInput(InputSpec extra, Topology topo) {
        List<InputSpec> inputs = new java.util.ArrayList<>(List.of(
                new CategoricalInput("user", "user_id", 4, null, null),
                new MultiHotInput("genres", "genres", "|", 4, Pooling.MEAN, null, null),
                new DenseInput("ctx", List.of("d0", "d1"), false)));
        inputs.add(extra);
        return new ModelSpec("fixture", inputs, List.of(TaskSpec.binary("ctr", "click")), topo, null, null, null,
                OptimizerSpec.adam(0.01), new TrainingSpec(1, 8, 7L, 0, null, 0, 1000), "tribuo").withoutHiddenLayers();
    }
}
