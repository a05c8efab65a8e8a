package org.mtl4j.backend.dl4j.internal.nn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mtl4j.backend.dl4j.Dl4jBackend;

class NativeThreadsTest {

    @Test
    void onlyLargeWideProductsGetTheBudget() {
        // the MMoE paper's models: never worth a second thread
        assertThat(NativeThreads.forProduct(4, 256, 113, 100)).isEqualTo(1);
        assertThat(NativeThreads.forProduct(4, 2048, 113, 100)).isEqualTo(1);
        assertThat(NativeThreads.forProduct(4, 2048, 16, 100)).isEqualTo(1);
        // large and wide: the whole budget
        assertThat(NativeThreads.forProduct(4, 512, 512, 512)).isEqualTo(4);
        assertThat(NativeThreads.forProduct(4, 4096, 256, 256)).isEqualTo(4);
        // large but skinny (a 16-wide expert over a huge batch): one thread
        assertThat(NativeThreads.forProduct(4, 1 << 22, 16, 100)).isEqualTo(1);
        // a budget of one is one
        assertThat(NativeThreads.forProduct(1, 1024, 1024, 1024)).isEqualTo(1);
        // the threshold itself
        assertThat(NativeThreads.forProduct(2, 1024, 1024, 64)).isEqualTo(2);
        assertThat(NativeThreads.forProduct(2, 1024, 1024, 63)).isEqualTo(1);
    }

    @Test
    void productsStillComputeTheSameWithAnyThreadCount() {
        Dl4jBackend.initNd4j();
        assertThat(NativeThreads.budget()).isPositive();
        Mat a = Mat.zeros(3, 2);
        Mat b = Mat.zeros(2, 2);
        Mat c = Mat.zeros(3, 2);
        a.array.assign(org.nd4j.linalg.factory.Nd4j.createFromArray(new float[][] {{1, 2}, {3, 4}, {5, 6}}));
        b.array.assign(org.nd4j.linalg.factory.Nd4j.createFromArray(new float[][] {{1, 0}, {1, 1}}));
        Blas.gemm(a, false, b, false, c, 1f, 0f);
        assertThat(c.array.toFloatMatrix()).isEqualTo(new float[][] {{3, 2}, {7, 4}, {11, 6}});
    }
}
