package org.mtl4j.backend.tribuo.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** Exact binary I/O of row arrays (IEEE-754 doubles, so a round trip is bit-exact). */
public final class Tensors {
    private Tensors() {
    }

    public static void writeRows(DataOutputStream out, double[][] rows) throws IOException {
        out.writeInt(rows.length);
        out.writeInt(rows.length == 0 ? 0 : rows[0].length);
        for (double[] row : rows) {
            for (double v : row) {
                out.writeDouble(v);
            }
        }
    }

    /** Reads into existing rows; fails naming both shapes when they differ. */
    public static void readRows(DataInputStream in, double[][] rows) throws IOException {
        int r = in.readInt();
        int c = in.readInt();
        int expectC = rows.length == 0 ? 0 : rows[0].length;
        if (r != rows.length || c != expectC) {
            throw new IOException("tensor shape differs: stored " + r + " x " + c + ", model " + rows.length + " x " + expectC);
        }
        for (double[] row : rows) {
            for (int j = 0; j < row.length; j++) {
                row[j] = in.readDouble();
            }
        }
    }
}
