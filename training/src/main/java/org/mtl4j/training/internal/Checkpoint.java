package org.mtl4j.training.internal;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
import org.mtl4j.api.MtlException;
import org.mtl4j.api.balance.PlainState;
import org.mtl4j.api.internal.AtomicFiles;
import org.mtl4j.training.CheckpointException;
import org.mtl4j.api.train.EpochSummary;
import org.mtl4j.api.train.StepDiagnostics;
import org.mtl4j.api.train.TrainingHistory;

/**
 * Everything needed to continue a run exactly: the model's state (parameters and optimiser), where
 * the loop stood (epoch, batches done in it, global step), the epoch's running sums, early stopping,
 * the history so far, and the balancers' states as plain data ({@link PlainState}: no Java serialisation).
 *
 * <p>File format: the UTF string {@value #MAGIC}, an int version, a long payload length, the
 * payload, and the CRC-32 of the payload (so a truncated or corrupted file is detected and named).
 * A model-state block (best early-stopping state, current state) has an int length (-1: none); a
 * state of 2 GiB or more is marked by the length -2 followed by its long length (still format 2: a
 * file with states below 2 GiB reads in any mtl4j of this format). The file is written and read as a
 * stream: the model states ({@link ModelState}) go from their snapshot to the file and back without
 * ever being one array, so a 10M-user model checkpoints in a small heap. Reading makes two passes: the
 * CRC-32 of the whole payload is checked first (nothing is parsed from a corrupted file), then the
 * payload is parsed.
 *
 * <p>Format 1 (mtl4j before the plain balancer state) held Java-serialised balancers; it is refused,
 * not read.
 *
 * @param balancers the states of the loss weighting, aggregator and clippers in that order
 *     ({@link PlainState#EMPTY} for an absent or stateless one)
 */
public record Checkpoint(List<String> tasks, int epoch, long stepInEpoch, long globalStep, EpochState epochState,
        EarlyStop earlyStop, TrainingHistory history, List<PlainState> balancers, ModelState modelState) {

    public static final String MAGIC = "mtl4j-checkpoint";
    public static final int VERSION = 2;
    /** The int length of a state block whose long length follows (a state of 2 GiB or more). */
    private static final int LONG_BLOCK = -2;

    /** A checkpoint whose model state is the given bytes (the Spark trainer's snapshots). */
    public Checkpoint(List<String> tasks, int epoch, long stepInEpoch, long globalStep, EpochState epochState,
            EarlyStop earlyStop, TrainingHistory history, List<PlainState> balancers, byte[] modelState) {
        this(tasks, epoch, stepInEpoch, globalStep, epochState, earlyStop, history, balancers, ModelState.ofBytes(modelState));
    }

    /** Running sums of the current epoch. */
    public record EpochState(double[] lossSum, long[] labelled, double[] weightSum, long batches, long rows, double seconds) {
        public static EpochState zero(int tasks) {
            return new EpochState(new double[tasks], new long[tasks], new double[tasks], 0, 0, 0);
        }

        /** The same sums with another elapsed time. */
        public EpochState withSeconds(double s) {
            return new EpochState(lossSum, labelled, weightSum, batches, rows, s);
        }

        /** Adds one batch's losses (weighted by labelled rows), weights and rows, in place; returns the new state. */
        public EpochState add(org.mtl4j.api.backend.TaskLosses tl, double[] w, int batchRows) {
            for (int k = 0; k < lossSum.length; k++) {
                lossSum[k] += tl.losses()[k] * tl.labelled()[k];
                labelled[k] += tl.labelled()[k];
                weightSum[k] += w[k];
            }
            return new EpochState(lossSum, labelled, weightSum, batches + 1, rows + batchRows, seconds);
        }
    }

    /** Early-stopping state: the best value so far, its epoch, epochs since, and the best model state (or null). */
    public record EarlyStop(double best, int bestEpoch, int sinceBest, ModelState bestState) {
        public static final EarlyStop NONE = new EarlyStop(Double.NaN, -1, 0, null);
    }

    /**
     * Writes the checkpoint to each file atomically: to a temporary file in the same folder, then
     * moved over the target, so a reader never sees a half-written checkpoint.
     */
    public void write(Path first, Path... more) throws IOException {
        // the small parts in memory; the two model states stream from their snapshots
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(head)) {
            writeHead(d);
        }
        ByteArrayOutputStream middle = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(middle)) {
            writeMiddle(d);
        }
        long length = head.size() + blockLength(earlyStop.bestState()) + middle.size() + blockLength(modelState);
        List<Path> files = new ArrayList<>();
        files.add(first);
        files.addAll(List.of(more));
        for (Path file : files) {
            AtomicFiles.write(file, out -> {
                DataOutputStream d = new DataOutputStream(out);
                d.writeUTF(MAGIC);
                d.writeInt(VERSION);
                d.writeLong(length);
                CheckedOutputStream c = new CheckedOutputStream(d, new CRC32());
                DataOutputStream p = new DataOutputStream(c);
                head.writeTo(p);
                writeBlock(p, earlyStop.bestState());
                middle.writeTo(p);
                writeBlock(p, modelState);
                p.flush();
                d.writeLong(c.getChecksum().getValue());
                d.flush();
            });
        }
    }

    private static long blockLength(ModelState s) {
        return s == null ? 4 : s.size() < Integer.MAX_VALUE ? 4 + s.size() : 12 + s.size();
    }

    private static void writeBlock(DataOutputStream d, ModelState s) throws IOException {
        if (s == null) {
            d.writeInt(-1);
            return;
        }
        if (s.size() < Integer.MAX_VALUE) {
            d.writeInt((int) s.size());
        } else {
            d.writeInt(LONG_BLOCK);
            d.writeLong(s.size());
        }
        s.writeTo(d);
    }

    /** Reads a checkpoint; a file that is not one, or is truncated or corrupted, fails naming the file. */
    public static Checkpoint read(Path file) throws IOException {
        long fileSize = Files.size(file);
        try (DataInputStream d = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            String magic;
            try {
                magic = d.readUTF();
            } catch (IOException e) {
                magic = null;
            }
            if (!MAGIC.equals(magic)) {
                throw new CheckpointException("checkpoint " + file + " is not an mtl4j checkpoint (no \"" + MAGIC + "\" header)", false, null);
            }
            int version = d.readInt();
            if (version < VERSION && version >= 1) {
                throw new MtlException("checkpoint " + file + " was written by an older mtl4j (checkpoint format " + version
                        + ", with Java-serialised balancers); this mtl4j reads format " + VERSION
                        + " only and does not deserialise balancers: start the run again");
            }
            if (version != VERSION) {
                throw new CheckpointException("checkpoint " + file + " has format version " + version + ", this mtl4j reads version " + VERSION, false, null);
            }
            long len = d.readLong();
            if (len < 0 || len > fileSize) {
                throw new CheckpointException("checkpoint " + file + " is truncated or corrupted (payload length " + len + ")", false, null);
            }
            // pass 1: the CRC-32 of the whole payload, streamed, before anything of it is believed
            int header = 2 + MAGIC.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 4 + 8;
            CRC32 crc = new CRC32();
            byte[] buf = new byte[1 << 16];
            for (long left = len; left > 0; ) {
                int n = d.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new java.io.EOFException();
                }
                crc.update(buf, 0, n);
                left -= n;
            }
            long expected = d.readLong();
            if (crc.getValue() != expected) {
                throw new CheckpointException("checkpoint " + file + " is corrupted (CRC-32 mismatch)", false, null);
            }
            // pass 2: parse, the model states streamed into snapshots (a temporary file above 64 MiB)
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                in.skipNBytes(header);
                Bounded payload = new Bounded(in, len);
                return readPayload(new DataInputStream(payload), payload);
            } catch (IllegalArgumentException | java.io.EOFException | java.io.UTFDataFormatException e) {
                throw new CheckpointException("checkpoint " + file + " is corrupted (" + e.getMessage() + ")", false, e);
            }
        } catch (java.io.EOFException e) {
            throw new CheckpointException("checkpoint " + file + " is truncated (" + fileSize + " bytes)", false, e);
        }
    }

    /** The payload: reads end at its length, and {@link #available()} tells the bytes left in it (bounds for crafted counts). */
    private static final class Bounded extends java.io.FilterInputStream {
        private long left;

        Bounded(InputStream in, long length) {
            super(in);
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long k = in.skip(Math.min(n, left));
            left -= k;
            return k;
        }

        @Override
        public int available() {
            return (int) Math.min(left, Integer.MAX_VALUE);
        }

        /** The bytes left, beyond what an int holds. */
        long left() {
            return left;
        }
    }

    private void writeHead(DataOutputStream d) throws IOException {
        writeStrings(d, tasks);
        d.writeInt(epoch);
        d.writeLong(stepInEpoch);
        d.writeLong(globalStep);
        writeDoubles(d, epochState.lossSum());
        d.writeInt(epochState.labelled().length);
        for (long v : epochState.labelled()) {
            d.writeLong(v);
        }
        writeDoubles(d, epochState.weightSum());
        d.writeLong(epochState.batches());
        d.writeLong(epochState.rows());
        d.writeDouble(epochState.seconds());
        d.writeDouble(earlyStop.best());
        d.writeInt(earlyStop.bestEpoch());
        d.writeInt(earlyStop.sinceBest());
    }

    private void writeMiddle(DataOutputStream d) throws IOException {
        writeHistory(d, history);
        d.writeInt(balancers.size());
        for (PlainState b : balancers) {
            b.write(d);
        }
    }

    private static Checkpoint readPayload(DataInputStream d, Bounded payload) throws IOException {
        List<String> tasks = readStrings(d);
        int epoch = d.readInt();
        long stepInEpoch = d.readLong();
        long globalStep = d.readLong();
        double[] lossSum = readDoubles(d);
        long[] labelled = new long[count(d, 8, "per-task label counts")];
        for (int i = 0; i < labelled.length; i++) {
            labelled[i] = d.readLong();
        }
        double[] weightSum = readDoubles(d);
        EpochState es = new EpochState(lossSum, labelled, weightSum, d.readLong(), d.readLong(), d.readDouble());
        EarlyStop stop = new EarlyStop(d.readDouble(), d.readInt(), d.readInt(), readBlock(d, payload));
        TrainingHistory history = readHistory(d);
        int nb = count(d, 4, "balancer states");
        List<PlainState> balancers = new ArrayList<>();
        for (int i = 0; i < nb; i++) {
            balancers.add(PlainState.read(d));
        }
        ModelState model = readBlock(d, payload);
        return new Checkpoint(tasks, epoch, stepInEpoch, globalStep, es, stop, history, balancers, model);
    }

    private static void writeHistory(DataOutputStream d, TrainingHistory h) throws IOException {
        writeStrings(d, h.tasks());
        d.writeInt(h.epochs().size());
        for (EpochSummary e : h.epochs()) {
            d.writeInt(e.epoch());
            writeMap(d, e.trainLoss());
            writeMap(d, e.weights());
            writeMap(d, e.validationLoss());
            d.writeInt(e.validationMetrics().size());
            for (Map.Entry<String, Map<String, Double>> m : e.validationMetrics().entrySet()) {
                d.writeUTF(m.getKey());
                writeMap(d, m.getValue());
            }
            d.writeLong(e.rows());
            d.writeDouble(e.seconds());
        }
        d.writeInt(h.diagnostics().size());
        for (StepDiagnostics s : h.diagnostics()) {
            d.writeLong(s.step());
            d.writeInt(s.epoch());
            writeDoubles(d, s.losses());
            writeDoubles(d, s.weights());
            writeDoubles(d, s.gradientNorms());
            d.writeInt(s.cosines().length);
            for (double[] row : s.cosines()) {
                writeDoubles(d, row);
            }
            d.writeDouble(s.conflictFraction());
            d.writeDouble(s.gradientNorm());
            writeStrings(d, s.clipped());
            d.writeInt(s.gateUtilisation().size());
            for (Map.Entry<String, double[]> g : s.gateUtilisation().entrySet()) {
                d.writeUTF(g.getKey());
                writeDoubles(d, g.getValue());
            }
        }
        d.writeBoolean(h.stopReason() != null);
        if (h.stopReason() != null) {
            d.writeUTF(h.stopReason());
        }
    }

    private static TrainingHistory readHistory(DataInputStream d) throws IOException {
        List<String> tasks = readStrings(d);
        int ne = count(d, 4, "epochs");
        List<EpochSummary> epochs = new ArrayList<>();
        for (int i = 0; i < ne; i++) {
            int epoch = d.readInt();
            Map<String, Double> train = readMap(d);
            Map<String, Double> weights = readMap(d);
            Map<String, Double> validLoss = readMap(d);
            int nm = count(d, 2, "metric maps");
            Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
            for (int j = 0; j < nm; j++) {
                metrics.put(d.readUTF(), readMap(d));
            }
            epochs.add(new EpochSummary(epoch, train, weights, validLoss, metrics, d.readLong(), d.readDouble()));
        }
        int nd = count(d, 12, "step diagnostics");
        List<StepDiagnostics> diags = new ArrayList<>();
        for (int i = 0; i < nd; i++) {
            long step = d.readLong();
            int epoch = d.readInt();
            double[] losses = readDoubles(d);
            double[] weights = readDoubles(d);
            double[] norms = readDoubles(d);
            double[][] cos = new double[count(d, 4, "cosine rows")][];
            for (int r = 0; r < cos.length; r++) {
                cos[r] = readDoubles(d);
            }
            double conflict = d.readDouble();
            double norm = d.readDouble();
            List<String> clipped = readStrings(d);
            int ng = count(d, 6, "gate utilisations");
            Map<String, double[]> gates = new LinkedHashMap<>();
            for (int g = 0; g < ng; g++) {
                gates.put(d.readUTF(), readDoubles(d));
            }
            diags.add(new StepDiagnostics(step, epoch, losses, weights, norms, cos, conflict, norm, clipped, gates));
        }
        String reason = d.readBoolean() ? d.readUTF() : null;
        return new TrainingHistory(tasks, epochs, diags, reason);
    }

    private static void writeMap(DataOutputStream d, Map<String, Double> m) throws IOException {
        d.writeInt(m.size());
        for (Map.Entry<String, Double> e : m.entrySet()) {
            d.writeUTF(e.getKey());
            d.writeDouble(e.getValue());
        }
    }

    private static Map<String, Double> readMap(DataInputStream d) throws IOException {
        int n = count(d, 10, "map");
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            m.put(d.readUTF(), d.readDouble());
        }
        return m;
    }

    private static void writeStrings(DataOutputStream d, List<String> s) throws IOException {
        d.writeInt(s.size());
        for (String x : s) {
            d.writeUTF(x);
        }
    }

    private static List<String> readStrings(DataInputStream d) throws IOException {
        int n = count(d, 2, "list of names");
        List<String> s = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            s.add(d.readUTF());
        }
        return s;
    }

    private static void writeDoubles(DataOutputStream d, double[] v) throws IOException {
        d.writeInt(v.length);
        for (double x : v) {
            d.writeDouble(x);
        }
    }

    /**
     * A count read from the file, checked against the bytes left before anything is allocated: a
     * crafted length (its CRC recomputed) must not allocate gigabytes.
     */
    private static int count(DataInputStream d, int minBytesEach, String what) throws IOException {
        int n = d.readInt();
        int left = d.available();
        if (n < 0 || (long) n * minBytesEach > left) {
            throw new IllegalArgumentException(what + ": length " + n + " in a payload with " + left + " bytes left");
        }
        return n;
    }

    private static double[] readDoubles(DataInputStream d) throws IOException {
        double[] v = new double[count(d, 8, "array of numbers")];
        for (int i = 0; i < v.length; i++) {
            v[i] = d.readDouble();
        }
        return v;
    }

    /** A model-state block: its int length (-1: none; -2: a long length follows), then the bytes, streamed into a snapshot. */
    private static ModelState readBlock(DataInputStream d, Bounded payload) throws IOException {
        long n = d.readInt();
        if (n == LONG_BLOCK) {
            n = d.readLong();
        }
        if (n == -1) {
            return null;
        }
        long left = payload.left();
        if (n < 0 || n > left) {
            throw new IllegalArgumentException("byte block: length " + n + " in a payload with " + left + " bytes left");
        }
        return ModelState.read(d, n);
    }

}
