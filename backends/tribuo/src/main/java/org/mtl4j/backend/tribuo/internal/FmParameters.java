package org.mtl4j.backend.tribuo.internal;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.tribuo.math.Parameters;
import org.tribuo.math.la.Tensor;
import org.tribuo.math.protos.ParametersProto;

/**
 * The factorization machine's tensors as Tribuo {@link Parameters}, so Tribuo's own
 * {@code StochasticGradientOptimiser}s can drive them ({@code update} adds, Tribuo's convention) and
 * they serialise through Tribuo's protobuf path. Views the live tensors: no copies.
 */
public final class FmParameters implements Parameters {
    private static final long serialVersionUID = 1L;
    /** Protobuf serialisation version. */
    public static final int CURRENT_VERSION = 0;

    private final List<Tensor> tensors;

    public FmParameters(List<Tensor> tensors) {
        for (Tensor t : tensors) {
            if (!(t instanceof FmMatrix) && !(t instanceof FmVector)) {
                throw new IllegalArgumentException("FM parameters are FmMatrix or FmVector tensors, found "
                        + t.getClass().getName());
            }
        }
        this.tensors = List.copyOf(tensors);
    }

    private static double[][] rows(Tensor t) {
        return t instanceof FmMatrix m ? m.rows() : new double[][] {((FmVector) t).data()};
    }

    private static Tensor zerosLike(Tensor t) {
        if (t instanceof FmMatrix m) {
            return new FmMatrix(m.rowCount(), m.columnCount());
        }
        return new FmVector(((FmVector) t).size());
    }

    @Override
    public Tensor[] getEmptyCopy() {
        Tensor[] out = new Tensor[tensors.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = zerosLike(tensors.get(i));
        }
        return out;
    }

    @Override
    public Tensor[] get() {
        return tensors.toArray(new Tensor[0]);
    }

    /** Copies the values in (the model holds these tensors, so they are overwritten, not replaced). */
    @Override
    public void set(Tensor[] newWeights) {
        if (newWeights.length != tensors.size()) {
            throw new IllegalArgumentException("expected " + tensors.size() + " tensors, found " + newWeights.length);
        }
        for (int i = 0; i < newWeights.length; i++) {
            if (!Tensor.shapeCheck(tensors.get(i), newWeights[i])) {
                throw new IllegalArgumentException("tensor " + i + " has shape " + java.util.Arrays.toString(newWeights[i].getShape())
                        + ", expected " + java.util.Arrays.toString(tensors.get(i).getShape()));
            }
            double[][] dst = rows(tensors.get(i));
            Tensor src = newWeights[i];
            for (double[] row : dst) {
                java.util.Arrays.fill(row, 0);
            }
            tensors.get(i).intersectAndAddInPlace(src);
        }
    }

    @Override
    public void update(Tensor[] gradients) {
        for (int i = 0; i < gradients.length; i++) {
            tensors.get(i).intersectAndAddInPlace(gradients[i]);
        }
    }

    @Override
    public Tensor[] merge(Tensor[][] gradients, int size) {
        Tensor[] out = getEmptyCopy();
        for (int e = 0; e < size; e++) {
            for (int i = 0; i < out.length; i++) {
                out[i].intersectAndAddInPlace(gradients[e][i]);
            }
        }
        return out;
    }

    @Override
    public ParametersProto serialize() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(tensors.size());
            for (Tensor t : tensors) {
                out.writeBoolean(t instanceof FmMatrix);
                Tensors.writeRows(out, rows(t));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ParametersProto.newBuilder().setVersion(CURRENT_VERSION).setClassName(FmParameters.class.getName())
                .setSerializedData(Any.pack(BytesValue.of(ByteString.copyFrom(bytes.toByteArray())))).build();
    }

    /** Tribuo's protobuf deserialisation entry point (found by reflection). */
    public static FmParameters deserializeFromProto(int version, String className, Any message)
            throws InvalidProtocolBufferException {
        if (version < 0 || version > CURRENT_VERSION) {
            throw new IllegalArgumentException("unknown FmParameters version " + version + ", this reads " + CURRENT_VERSION);
        }
        byte[] data = message.unpack(BytesValue.class).getValue().toByteArray();
        List<Tensor> out = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                boolean matrix = in.readBoolean();
                in.mark(8);
                int r = in.readInt();
                int c = in.readInt();
                in.reset();
                if (r < 0 || c < 0 || (long) r * c * 8 > in.available()) {
                    // a crafted shape: refuse before allocating r x c doubles
                    throw new IOException("a tensor of " + r + " x " + c + " in " + in.available() + " remaining bytes");
                }
                Tensor t = matrix ? new FmMatrix(r, c) : new FmVector(c);
                Tensors.readRows(in, rows(t));
                out.add(t);
            }
        } catch (IOException e) {
            throw new InvalidProtocolBufferException("corrupt FmParameters data: " + e.getMessage());
        }
        return new FmParameters(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FmParameters p && p.tensors.equals(tensors);
    }

    @Override
    public int hashCode() {
        return tensors.hashCode();
    }
}
