package org.mtl4j.spark.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;

/**
 * What one partition sends back for one step, and the sum of several: per task the labelled-row
 * count n_k, the loss sum n_k * L_k and the gradient sum n_k * g_k (the shard's mean gradient times
 * its labelled rows), so that the sum over shards divided by the global N_k is the gradient of the
 * whole batch's mean loss (masked losses: a shard's mean is over its own labelled rows); or, in the
 * averaging mode, the shard's parameters times its rows. Travels in a compact binary form
 * (floats and touched rows; see {@link EncodedGradient}), encoded once on the executor, where the time
 * and the bytes are measured.
 */
public final class ShardResult implements Serializable {
    private static final long serialVersionUID = 1L;

    private transient int tasks;
    private transient long rows;
    private transient long[] labelled;
    private transient double[] lossSum;
    private transient EncodedGradient[] gradients; // null entries: no labelled row
    private transient EncodedGradient parameters; // averaging mode: rows * parameters, or null
    private transient long shards;
    /** Slowest shard's compute (readState, forward, T backward passes), encode time and summed bytes. */
    private transient long computeNanos;
    private transient long encodeNanos;
    private transient long decodeNanos;
    private transient long bytes;
    private transient byte[] encoded;

    private ShardResult(int tasks) {
        this.tasks = tasks;
        this.labelled = new long[tasks];
        this.lossSum = new double[tasks];
        this.gradients = new EncodedGradient[tasks];
    }

    public static ShardResult empty(int tasks) {
        return new ShardResult(tasks);
    }

    /** A shard's gradients: {@code gradients[k]} already multiplied by {@code labelled[k]} (null when 0). */
    public static ShardResult shard(long rows, int[] labelled, double[] losses, EncodedGradient[] gradients, long computeNanos) {
        ShardResult r = new ShardResult(labelled.length);
        r.rows = rows;
        r.shards = 1;
        for (int k = 0; k < labelled.length; k++) {
            r.labelled[k] = labelled[k];
            r.lossSum[k] = labelled[k] == 0 ? 0 : losses[k] * labelled[k];
            r.gradients[k] = labelled[k] == 0 ? null : gradients[k];
        }
        r.computeNanos = computeNanos;
        r.encode();
        return r;
    }

    /** A shard's parameters after its local steps, multiplied by its rows (averaging mode). */
    public static ShardResult parameters(int tasks, long rows, EncodedGradient weightedParameters, double[] lossSum,
            long[] labelled, long computeNanos) {
        ShardResult r = new ShardResult(tasks);
        r.rows = rows;
        r.shards = 1;
        r.parameters = weightedParameters;
        System.arraycopy(lossSum, 0, r.lossSum, 0, tasks);
        System.arraycopy(labelled, 0, r.labelled, 0, tasks);
        r.computeNanos = computeNanos;
        r.encode();
        return r;
    }

    /** this += o (o is left alone); returns this, or {@code o} itself when this is empty (keeps its encoding). */
    public ShardResult merge(ShardResult o) {
        if (o.shards == 0) {
            return this;
        }
        if (shards == 0) {
            o.decodeNanos += decodeNanos;
            return o;
        }
        encoded = null;
        rows += o.rows;
        for (int k = 0; k < tasks; k++) {
            labelled[k] += o.labelled[k];
            lossSum[k] += o.lossSum[k];
            if (o.gradients[k] != null) {
                if (gradients[k] == null) {
                    gradients[k] = o.gradients[k];
                } else {
                    gradients[k].add(o.gradients[k]);
                }
            }
        }
        if (o.parameters != null) {
            if (parameters == null) {
                parameters = o.parameters;
            } else {
                parameters.add(o.parameters);
            }
        }
        shards += o.shards;
        computeNanos = Math.max(computeNanos, o.computeNanos);
        encodeNanos = Math.max(encodeNanos, o.encodeNanos);
        decodeNanos += o.decodeNanos;
        bytes += o.bytes;
        return this;
    }

    public long rows() {
        return rows;
    }

    public long shards() {
        return shards;
    }

    public long[] labelled() {
        return labelled;
    }

    public double[] lossSum() {
        return lossSum;
    }

    public EncodedGradient gradient(int task) {
        return gradients[task];
    }

    public EncodedGradient parameters() {
        return parameters;
    }

    public long computeNanos() {
        return computeNanos;
    }

    public long encodeNanos() {
        return encodeNanos;
    }

    public long decodeNanos() {
        return decodeNanos;
    }

    public long bytes() {
        return bytes;
    }

    private void encode() {
        long t0 = System.nanoTime();
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(bo)) {
            writePayload(d);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        encoded = bo.toByteArray();
        bytes = encoded.length;
        encodeNanos = System.nanoTime() - t0;
    }

    private void writePayload(DataOutputStream d) throws IOException {
        d.writeInt(tasks);
        d.writeLong(rows);
        d.writeLong(shards);
        for (int k = 0; k < tasks; k++) {
            d.writeLong(labelled[k]);
            d.writeDouble(lossSum[k]);
            d.writeBoolean(gradients[k] != null);
            if (gradients[k] != null) {
                gradients[k].write(d);
            }
        }
        d.writeBoolean(parameters != null);
        if (parameters != null) {
            parameters.write(d);
        }
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        if (encoded == null) {
            long before = encodeNanos;
            long b = bytes;
            encode();
            encodeNanos = Math.max(before, encodeNanos);
            bytes = b + bytes;
        }
        out.writeLong(computeNanos);
        out.writeLong(encodeNanos);
        out.writeLong(decodeNanos);
        out.writeLong(bytes);
        out.writeInt(encoded.length);
        out.write(encoded);
    }

    private void readObject(ObjectInputStream in) throws IOException {
        computeNanos = in.readLong();
        encodeNanos = in.readLong();
        long dec = in.readLong();
        bytes = in.readLong();
        byte[] payload = new byte[in.readInt()];
        in.readFully(payload);
        long t0 = System.nanoTime();
        try (DataInputStream d = new DataInputStream(new ByteArrayInputStream(payload))) {
            tasks = d.readInt();
            rows = d.readLong();
            shards = d.readLong();
            labelled = new long[tasks];
            lossSum = new double[tasks];
            gradients = new EncodedGradient[tasks];
            for (int k = 0; k < tasks; k++) {
                labelled[k] = d.readLong();
                lossSum[k] = d.readDouble();
                if (d.readBoolean()) {
                    gradients[k] = EncodedGradient.read(d);
                }
            }
            if (d.readBoolean()) {
                parameters = EncodedGradient.read(d);
            }
        }
        encoded = payload;
        decodeNanos = dec + System.nanoTime() - t0;
    }
}
