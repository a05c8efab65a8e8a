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
