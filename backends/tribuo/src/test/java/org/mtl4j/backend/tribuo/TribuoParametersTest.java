package org.mtl4j.backend.tribuo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.Topology;
import org.tribuo.math.Parameters;
import org.tribuo.math.la.DenseMatrix;
import org.tribuo.math.la.DenseVector;
import org.tribuo.math.la.Tensor;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.math.protos.ParametersProto;

/** The FM's tensors as Tribuo {@code Parameters}: driven by Tribuo's own optimiser, and through Tribuo's protobuf. */
class TribuoParametersTest {

    private static TribuoFmModel model() {
        return new TribuoBackend().compile(Fixtures.spec(new Topology.Ple(1, 1, 1, List.of(8)), Fixtures.allTasks(),
                new OptimizerSpec("adagrad", 0.1, 0.9, 0.999, 1e-6, 0, 0)), Fixtures.vocabularies(), Map.of());
    }

    private static Tensor negated(Tensor g) {
        Tensor c = g.copy();
        c.scaleInPlace(-1);
        return c;
    }

    @Test
    void tribuosAdagradDrivingTheParametersMatchesOurLazyAdagrad() {
        TribuoFmModel ours = model();
        TribuoFmModel viaTribuo = model();
        Parameters p = viaTribuo.parameters();
        AdaGrad tribuo = new AdaGrad(0.1, 1e-6);
        tribuo.initialise(p);
        double[] w = {1, 0.5, 1, 1};
        for (int s = 0; s < 6; s++) {
            ours.step(Fixtures.batch(12, s)).backward(w);
            ours.applyUpdate();
            viaTribuo.step(Fixtures.batch(12, s)).backward(w);
            List<Tensor> g = viaTribuo.gradientTensors();
            Tensor[] ascent = new Tensor[g.size()];
            for (int i = 0; i < ascent.length; i++) {
                ascent[i] = negated(g.get(i)); // Tribuo adds its updates
            }
            p.update(tribuo.step(ascent, 1.0));
        }
        // AdaGrad leaves rows with zero gradient unchanged, so the lazy and the dense forms agree
        List<Tensor> a = ours.tensors();
        List<Tensor> b = viaTribuo.tensors();
        for (int i = 0; i < a.size(); i++) {
            double[] x = flat(a.get(i));
            double[] y = flat(b.get(i));
            for (int j = 0; j < x.length; j++) {
                assertThat(y[j]).as("tensor %d element %d", i, j).isCloseTo(x[j], within(1e-12));
            }
        }
        assertThat(flat(a.get(0))).isNotEqualTo(flat(model().tensors().get(0)));
    }

    private static double[] flat(Tensor t) {
        if (t instanceof DenseVector v) {
            return v.toArray();
        }
        double[][] m = ((DenseMatrix) t).toArray();
        return java.util.Arrays.stream(m).flatMapToDouble(java.util.Arrays::stream).toArray();
    }

    @Test
    void parametersRoundTripThroughTribuosProtobuf() throws Exception {
        TribuoFmModel m = model();
        m.step(Fixtures.batch(12, 1)).backward(new double[] {1, 1, 1, 1});
        m.applyUpdate();
        ParametersProto proto = m.parameters().serialize();
        Parameters back = Parameters.deserialize(ParametersProto.parseFrom(proto.toByteArray()));
        Tensor[] a = m.parameters().get();
        Tensor[] b = back.get();
        assertThat(b).hasSameSizeAs(a);
        for (int i = 0; i < a.length; i++) {
            assertThat(flat(b[i])).containsExactly(flat(a[i]));
        }
        assertThat(back).isEqualTo(m.parameters());
        // set() writes values into the model's own tensors
        TribuoFmModel fresh = model();
        fresh.parameters().set(b);
        var batch = Fixtures.batch(9, 3);
        assertThat(fresh.predict(batch).output("genre")).containsExactly(m.predict(batch).output("genre"));
    }
}
