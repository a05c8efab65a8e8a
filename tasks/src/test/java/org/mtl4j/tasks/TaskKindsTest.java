package org.mtl4j.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.mtl4j.api.spec.TaskKind;
import org.mtl4j.api.spec.TaskSpec;

class TaskKindsTest {

    @Test
    void labelChecksNameTaskAndValue() {
        TaskSpec ctr = TaskSpec.binary("ctr", "click");
        assertThat(TaskKinds.checkLabel(ctr, 1f)).isNull();
        assertThat(TaskKinds.checkLabel(ctr, 0f)).isNull();
        assertThat(TaskKinds.checkLabel(ctr, 2f)).isEqualTo("label of binary task 'ctr' must be 0 or 1, found 2.0");
        assertThat(TaskKinds.checkLabel(ctr, 0.5f)).isEqualTo("label of binary task 'ctr' must be 0 or 1, found 0.5");

        TaskSpec genre = TaskSpec.multiclass("genre", "genre", 10);
        assertThat(TaskKinds.checkLabel(genre, 9f)).isNull();
        assertThat(TaskKinds.checkLabel(genre, 10f))
                .isEqualTo("label of multiclass task 'genre' must be a class index in 0..9, found 10.0");
        assertThat(TaskKinds.checkLabel(genre, 1.5f))
                .isEqualTo("label of multiclass task 'genre' must be a class index in 0..9, found 1.5");
        assertThat(TaskKinds.checkLabel(genre, -1f))
                .isEqualTo("label of multiclass task 'genre' must be a class index in 0..9, found -1.0");

        TaskSpec rating = TaskSpec.regression("rating", "rating");
        assertThat(TaskKinds.checkLabel(rating, -3.5f)).isNull();
        assertThat(TaskKinds.checkLabel(rating, Float.NaN))
                .isEqualTo("label of regression task 'rating' must be a finite number, found NaN");
        assertThat(TaskKinds.checkLabel(rating, Float.POSITIVE_INFINITY))
                .isEqualTo("label of regression task 'rating' must be a finite number, found Infinity");
    }

    @Test
    void defaultsAndActivations() {
        assertThat(TaskKinds.defaultMetrics(TaskKind.BINARY)).containsExactly("auc", "logloss");
        assertThat(TaskKinds.defaultMetrics(TaskKind.MULTICLASS)).containsExactly("accuracy", "logloss");
        assertThat(TaskKinds.defaultMetrics(TaskKind.REGRESSION)).containsExactly("rmse", "mae");
        assertThat(TaskKinds.activation(TaskKind.BINARY)).isEqualTo(TaskKinds.Activation.SIGMOID);
        assertThat(TaskKinds.activation(TaskKind.MULTICLASS)).isEqualTo(TaskKinds.Activation.SOFTMAX);
        assertThat(TaskKinds.activation(TaskKind.REGRESSION)).isEqualTo(TaskKinds.Activation.IDENTITY);

        double[] z = {0, Math.log(3), 1000, -1000};
        TaskKinds.activate(TaskKind.BINARY, z, 1);
        assertThat(z).containsExactly(new double[] {0.5, 0.75, 1.0, 0.0}, within(1e-12));
        double[] c = {1000, 1000 + Math.log(3)};
        TaskKinds.activate(TaskKind.MULTICLASS, c, 2);
        assertThat(c).containsExactly(new double[] {0.25, 0.75}, within(1e-12));
    }
}
