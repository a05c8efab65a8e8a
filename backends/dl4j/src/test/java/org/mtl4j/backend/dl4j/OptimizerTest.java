package org.mtl4j.backend.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mtl4j.api.data.Batch;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.TaskSpec;
import org.mtl4j.api.spec.Topology;
import org.mtl4j.backend.dl4j.internal.model.Dl4jModel;
import org.mtl4j.backend.dl4j.internal.nn.Mat;
import org.mtl4j.backend.dl4j.internal.nn.Param;
import org.mtl4j.backend.dl4j.internal.nn.RowBlock;

/**
 * Three optimiser steps against the textbook formulas computed here in double, tower multiplier
 * included; embedding-table rows follow the lazy rule (a row the step did not touch keeps its value and
 * its moments: PyTorch SparseAdam / LazyAdam), every other parameter the dense one.
 */
class OptimizerTest {

    @ParameterizedTest
    @ValueSource(strings = {"adam", "adamw", "sgd", "sgd0", "adagrad"})
    void twoStepsMatchTheFormula(String which) {
        OptimizerSpec opt = switch (which) {
            case "adam" -> new OptimizerSpec("adam", 0.01, 0.8, 0.95, 1e-6, 0, 0);
            case "adamw" -> new OptimizerSpec("adamw", 0.01, 0.8, 0.95, 1e-6, 0, 0.1);
            case "sgd" -> OptimizerSpec.sgd(0.1, 0.9);
            case "sgd0" -> OptimizerSpec.sgd(0.1, 0);
            default -> OptimizerSpec.adagrad(0.1);
        };
        TaskSpec a = new TaskSpec("a", TaskKind.BINARY, "a", 1, null, List.of(), 1, false, null, List.of(3), 1.0);
        TaskSpec b = new TaskSpec("b", TaskKind.REGRESSION, "b", 1, null, List.of(), 1, false, null, List.of(3), 0.25);
        ModelSpec spec = Fixtures.spec(new Topology.SharedBottom(List.of(4)), List.of(a, b), opt);
        Dl4jModel model = (Dl4jModel) Fixtures.compile(spec);
        int n = (int) model.parameters().length();
        double[] lr = new double[n];
        int[] tableOf = new int[n];
        int[] rowOf = new int[n];
        double[] m = new double[n];
        double[] v = new double[n];
        double[] p = toDouble(Mat.of(model.parameters()).get(new float[n]));
        // learning rate per element (tower of b runs at 0.25x); which table row an element is in
        List<Param> tables = model.store().tables();
        assertThat(tables).isNotEmpty();
        java.util.Arrays.fill(tableOf, -1);
        for (Param prm : model.store().params()) {
            for (int i = 0; i < prm.length(); i++) {
                int at = (int) prm.offset() + i;
                lr[at] = opt.learningRate() * ("b".equals(prm.owner()) ? 0.25 : 1.0);
                if (prm.table()) {
                    tableOf[at] = tables.indexOf(prm);
                    rowOf[at] = i / (int) prm.shape()[1];
                }
            }
        }
        java.util.Set<String> touchedBefore = new java.util.HashSet<>();
        int lazyRows = 0;
        for (int t = 1; t <= 3; t++) {
            Batch batch = Fixtures.batch(spec, 16, 40 + t, 0);
            model.step(batch).backward(new double[] {1, 1});
            double[] g = toDouble(Mat.of(model.gradients()).get(new float[n]));
            java.util.Set<String> touched = new java.util.HashSet<>();
            for (int k = 0; k < tables.size(); k++) {
                RowBlock rb = tables.get(k).rowGradient();
                for (int i = 0; i < rb.count(); i++) {
                    touched.add(k + "/" + rb.ids()[i]);
                }
            }
            for (String r : touchedBefore) {
                lazyRows += touched.contains(r) ? 0 : 1;
            }
            touchedBefore.addAll(touched);
            model.applyUpdate();
            for (int i = 0; i < n; i++) {
                boolean lazy = !"sgd0".equals(which) && !"adagrad".equals(which);
                if (lazy && tableOf[i] >= 0 && !touched.contains(tableOf[i] + "/" + rowOf[i])) {
                    // lazy: an untouched table row keeps its value and its moments; plain SGD and AdaGrad
                    // are exact, so for them the dense formula runs over every row (sparse = dense)
                    continue;
                }
                switch (which) {
                    case "adam", "adamw" -> {
                        if ("adamw".equals(which)) {
                            p[i] -= lr[i] * opt.weightDecay() * p[i];
                        }
                        m[i] = opt.beta1() * m[i] + (1 - opt.beta1()) * g[i];
                        v[i] = opt.beta2() * v[i] + (1 - opt.beta2()) * g[i] * g[i];
                        double alpha = lr[i] * Math.sqrt(1 - Math.pow(opt.beta2(), t)) / (1 - Math.pow(opt.beta1(), t));
                        p[i] -= alpha * m[i] / (Math.sqrt(v[i]) + opt.epsilon());
                    }
                    case "sgd", "sgd0" -> {
                        m[i] = opt.momentum() * m[i] + g[i];
                        p[i] -= lr[i] * m[i];
                    }
                    default -> {
                        v[i] += g[i] * g[i];
                        p[i] -= lr[i] * g[i] / (Math.sqrt(v[i]) + opt.epsilon());
                    }
                }
            }
            float[] actual = Mat.of(model.parameters()).get(new float[n]);
            for (int i = 0; i < n; i++) {
                assertThat((double) actual[i]).as("%s step %d param %d", which, t, i).isCloseTo(p[i], within(2e-6 + 2e-5 * Math.abs(p[i])));
            }
            p = toDouble(actual);
        }
        // rows touched earlier but not in a later step exist, so lazy and dense updates differ here
        assertThat(lazyRows).isPositive();
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
