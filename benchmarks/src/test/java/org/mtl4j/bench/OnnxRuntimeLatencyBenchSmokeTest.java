package org.mtl4j.bench;

import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.infra.Blackhole;

/** The ONNX Runtime latency benchmark's set-up (train, export, load) and one request of each size run. */
class OnnxRuntimeLatencyBenchSmokeTest {
    @Test
    void exportsTheMmoeFunnelAndScoresRequests() throws Exception {
        Blackhole bh = new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        for (int n : new int[] {1, 500}) {
            OnnxRuntimeLatencyBench b = new OnnxRuntimeLatencyBench();
            b.candidates = n;
            b.rows = 2000;
            b.setUp();
            try {
                OnnxRuntimeLatencyBench.Request q = new OnnxRuntimeLatencyBench.Request();
                q.draw(b);
                assertThatCode(() -> b.score1Thread(q, bh)).doesNotThrowAnyException();
            } finally {
                b.tearDown();
            }
        }
        bh.evaporate("Yes, I am Stephen Hawking, and know a thing or two about black holes.");
    }
}
