package org.mtl4j.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.mtl4j.training.Fixtures.clickAndValue;
import static org.mtl4j.training.Fixtures.maxAbsDiff;
import static org.mtl4j.training.Fixtures.spec;
import static org.mtl4j.training.Fixtures.training;
import static org.mtl4j.training.Fixtures.twoTasks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.backend.TaskLosses;
import org.mtl4j.api.spec.EarlyStopping;
import org.mtl4j.api.spec.ModelSpec;
import org.mtl4j.api.spec.OptimizerSpec;
import org.mtl4j.api.train.TrainingListener;
import org.mtl4j.training.testmodel.ArrayDataset;
import org.mtl4j.training.testmodel.LinearMtlModel;

class CheckpointResumeTest {
    private final ArrayDataset train = twoTasks(500, 5, 0.5, 11);
    private final ArrayDataset valid = twoTasks(200, 5, 0.5, 12);
    private final ModelSpec spec = spec(5, 4, clickAndValue(), OptimizerSpec.adam(0.01), training(3, 50, 9, null, 3));

    /** Stops the run like a kill would, after a given step. */
    private static final class Crash implements TrainingListener {
        private final long at;

        Crash(long at) {
            this.at = at;
        }

        @Override
        public void onStep(long step, int epoch, int batchRows, TaskLosses losses, double[] weights) {
            if (step == at) {
                throw new IllegalStateException("simulated crash at step " + step);
            }
        }
    }

    private Trainer.Builder trainer() {
        return Trainer.builder().lossWeighting(new Fixtures.HistoryWeights())
                .clippers(List.of(new Fixtures.GlobalNormClipper(0.5)));
    }

    @Test
    void resumedRunEqualsUninterruptedRun(@TempDir Path tmp) throws IOException {
        LinearMtlModel whole = new LinearMtlModel(spec);
        TrainingResult a = trainer().checkpoints(tmp.resolve("a"), 4).build().fit(whole, train, valid);

        Path dir = tmp.resolve("b");
        LinearMtlModel crashed = new LinearMtlModel(spec);
        assertThatThrownBy(() -> trainer().checkpoints(dir, 4).listener(new Crash(13)).build().fit(crashed, train, valid))
                .hasMessage("simulated crash at step 13");
        // steps 0..12 done, then the crash: the newest checkpoint is after 12 updates (epoch 1, 2 batches in)
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly("epoch-1.ckpt", "initial.ckpt", "latest.ckpt", "step-12.ckpt", "step-4.ckpt", "step-8.ckpt");
        }

        LinearMtlModel resumed = new LinearMtlModel(spec);
        Arrays.fill(resumed.parameters(), 0.3);
        TrainingResult b = trainer().checkpoints(dir, 4).resumeFrom(dir).build().fit(resumed, train, valid);

        assertThat(resumed.updates()).isEqualTo(whole.updates()).isEqualTo(30);
        assertThat(maxAbsDiff(resumed.parameters(), whole.parameters())).isLessThanOrEqualTo(1e-6);
        assertThat(b.history().epochs()).hasSize(3);
        assertThat(b.history().diagnostics()).hasSameSizeAs(a.history().diagnostics()).hasSize(10);
        for (int e = 0; e < 3; e++) {
            for (String t : List.of("click", "value")) {
                assertThat(b.history().epochs().get(e).trainLoss().get(t))
                        .isCloseTo(a.history().epochs().get(e).trainLoss().get(t), within(1e-9));
                assertThat(b.history().epochs().get(e).validationLoss().get(t))
                        .isCloseTo(a.history().epochs().get(e).validationLoss().get(t), within(1e-9));
            }
        }
        assertThat(b.validation().metric("click", "auc")).isCloseTo(a.validation().metric("click", "auc"), within(1e-6));
        assertThat(b.validation().metric("value", "rmse")).isCloseTo(a.validation().metric("value", "rmse"), within(1e-6));
        // only the last 3 step checkpoints are kept
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("step-")).sorted())
                    .containsExactly("step-20.ckpt", "step-24.ckpt", "step-28.ckpt");
        }
    }

    @Test
    void resumingFromAnEpochCheckpointAlsoMatches(@TempDir Path tmp) {
        LinearMtlModel whole = new LinearMtlModel(spec);
        trainer().checkpoints(tmp, 0).build().fit(whole, train, valid);
        LinearMtlModel resumed = new LinearMtlModel(spec);
        trainer().resumeFrom(tmp.resolve("epoch-1.ckpt")).build().fit(resumed, train, valid);
        assertThat(maxAbsDiff(resumed.parameters(), whole.parameters())).isLessThanOrEqualTo(1e-6);
    }

    @Test
    void withoutTheBalancerStateTheResumeWouldDiffer(@TempDir Path tmp) {
        // the same resume with the weighting's state dropped restarts it from scratch: a control
        // showing that the checkpointed balancer state is what makes the resume exact
        LinearMtlModel whole = new LinearMtlModel(spec);
        trainer().checkpoints(tmp, 0).build().fit(whole, train, valid);
        LinearMtlModel resumed = new LinearMtlModel(spec);
        Fixtures.HistoryWeights forgetful = new Fixtures.HistoryWeights() {
            @Override
            public void restoreState(org.mtl4j.api.balance.PlainState s) {
                // drops it
            }
        };
        Trainer.builder().lossWeighting(forgetful).clippers(List.of(new Fixtures.GlobalNormClipper(0.5)))
                .resumeFrom(tmp.resolve("epoch-1.ckpt")).build().fit(resumed, train, valid);
        assertThat(maxAbsDiff(resumed.parameters(), whole.parameters())).isGreaterThan(1e-6);
    }

    @Test
    void earlyStoppingStateSurvivesAResume(@TempDir Path tmp) {
        ArrayDataset small = twoTasks(30, 25, 2.0, 6);
        ArrayDataset v = twoTasks(300, 25, 2.0, 7);
        ModelSpec es = spec(25, 25, clickAndValue(), OptimizerSpec.adam(0.03), training(200, 10, 5, EarlyStopping.onLoss(3), 0));
        LinearMtlModel whole = new LinearMtlModel(es);
        TrainingResult a = Trainer.builder().checkpoints(tmp, 0).keepCheckpoints(1000).build().fit(whole, small, v);
        int stopped = a.history().epochs().size();
        LinearMtlModel resumed = new LinearMtlModel(es);
        // resume from the epoch before the stop: the counter of epochs without improvement must carry over
        TrainingResult b = Trainer.builder().resumeFrom(tmp.resolve("epoch-" + (stopped - 1) + ".ckpt")).build()
                .fit(resumed, small, v);
        assertThat(b.history().epochs()).hasSize(stopped);
        assertThat(b.history().stopReason()).isEqualTo(a.history().stopReason());
        assertThat(maxAbsDiff(resumed.parameters(), whole.parameters())).isLessThanOrEqualTo(1e-6);
    }

    @Test
    void corruptedMissingAndForeignCheckpointsAreNamed(@TempDir Path tmp) throws IOException {
        trainer().checkpoints(tmp, 0).build().fit(new LinearMtlModel(spec), train, null);
        Path latest = tmp.resolve("latest.ckpt");
        byte[] bytes = Files.readAllBytes(latest);
        bytes[bytes.length / 2] ^= 0x5A;
        Path bad = tmp.resolve("bad.ckpt");
        Files.write(bad, bytes);
        assertThatThrownBy(() -> trainer().resumeFrom(bad).build().fit(new LinearMtlModel(spec), train, null))
                .isInstanceOf(MtlException.class).hasMessage("checkpoint " + bad + " is corrupted (CRC-32 mismatch)");

        Path truncated = tmp.resolve("truncated.ckpt");
        Files.write(truncated, Arrays.copyOf(Files.readAllBytes(latest), 100));
        assertThatThrownBy(() -> trainer().resumeFrom(truncated).build().fit(new LinearMtlModel(spec), train, null))
                .hasMessageStartingWith("checkpoint " + truncated + " is truncated");

        Path foreign = tmp.resolve("foreign.ckpt");
        Files.writeString(foreign, "hello");
        assertThatThrownBy(() -> trainer().resumeFrom(foreign).build().fit(new LinearMtlModel(spec), train, null))
                .hasMessage("checkpoint " + foreign + " is not an mtl4j checkpoint (no \"mtl4j-checkpoint\" header)");

        Path missing = tmp.resolve("nope");
        assertThatThrownBy(() -> trainer().resumeFrom(missing).build().fit(new LinearMtlModel(spec), train, null))
                .hasMessage("resume checkpoint " + missing + " does not exist");

        ModelSpec other = spec(5, 4, List.of(org.mtl4j.api.spec.TaskSpec.binary("click", "click")), OptimizerSpec.adam(0.01),
                training(3, 50, 9, null, 3));
        assertThatThrownBy(() -> Trainer.builder().resumeFrom(latest).build().fit(new LinearMtlModel(other), train, null))
                .hasMessage("checkpoint " + latest + " was written for tasks [click, value], the model has [click]: resume with "
                        + "the spec the run started with");
    }

    /**
     * 50 nested HashSets, Java-serialised (2.9 KB): reading them back through ObjectInputStream hangs in
     * AbstractSet.hashCode (2^50 calls). A checkpoint of the older format that carries them, with a valid
     * CRC, is refused from its header: nothing is deserialised.
     */
    private static byte[] nestedSets() throws IOException {
        java.util.Set<Object> root = new java.util.HashSet<>();
        java.util.Set<Object> s1 = root;
        java.util.Set<Object> s2 = new java.util.HashSet<>();
        for (int i = 0; i < 50; i++) {
            java.util.Set<Object> t1 = new java.util.HashSet<>();
            java.util.Set<Object> t2 = new java.util.HashSet<>();
            t1.add("x" + i);
            s1.add(t1);
            s1.add(t2);
            s2.add(t1);
            s2.add(t2);
            s1 = t1;
            s2 = t2;
        }
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(buf)) {
            out.writeObject(root);
        }
        return buf.toByteArray();
    }

    @Test
    void anOlderCheckpointWithADeserialisationBombIsRefusedFast(@TempDir Path tmp) throws IOException {
        byte[] payload = nestedSets();
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(payload);
        Path old = tmp.resolve("old.ckpt");
        try (java.io.DataOutputStream d = new java.io.DataOutputStream(Files.newOutputStream(old))) {
            d.writeUTF("mtl4j-checkpoint");
            d.writeInt(1);
            d.writeLong(payload.length);
            d.write(payload);
            d.writeLong(crc.getValue());
        }
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> trainer().resumeFrom(old).build().fit(new LinearMtlModel(spec), train, null))
                .isInstanceOf(MtlException.class)
                .hasMessage("checkpoint " + old + " was written by an older mtl4j (checkpoint format 1, with Java-serialised"
                        + " balancers); this mtl4j reads format 2 only and does not deserialise balancers: start the run again");
        // not a speed assertion: a deserialising reader would not return at all
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(60);
    }

    @Test
    void theSameBytesWhereABalancerStateBelongsAreNotAState() {
        // the plain-state reader takes a Java-serialised stream for a corrupt state: fails, creates nothing
        assertThatThrownBy(() -> org.mtl4j.api.balance.PlainState.read(new java.io.DataInputStream(
                new java.io.ByteArrayInputStream(nestedSets())))).isInstanceOf(IOException.class);
    }

    @Test
    void aBalancerStateThatDoesNotFitIsNamed(@TempDir Path tmp) {
        trainer().checkpoints(tmp, 0).build().fit(new LinearMtlModel(spec), train, null);
        Path latest = tmp.resolve("latest.ckpt");
        Fixtures.HistoryWeights inner = new Fixtures.HistoryWeights();
        org.mtl4j.api.balance.LossWeighting stateless = inner::weights;
        assertThatThrownBy(() -> Trainer.builder().lossWeighting(stateless).clippers(List.of(new Fixtures.GlobalNormClipper(0.5)))
                .resumeFrom(latest).build().fit(new LinearMtlModel(spec), train, null))
                .isInstanceOf(MtlException.class)
                .hasMessageStartingWith("checkpoint " + latest + ": the saved state does not fit balancer ")
                .hasMessageEndingWith(" keeps no state, the saved state has [epochsSeen, sum]");
    }
}
