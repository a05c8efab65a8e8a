package org.mtl4j.data.internal;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mtl4j.data.DataException;
import org.mtl4j.data.DataException.Reason;

/**
 * Side files of precomputed vectors keyed by id: a CSV/TSV {@code id,v1,...,vd} (an optional header
 * line is recognised by a non-numeric second cell) or a NumPy {@code .npy} matrix {@code [n, d]} of
 * float32/float64 whose row ids are the lines of {@code <file>.ids}. Each file is read once per JVM
 * (keyed by path, size and modification time) and shared by every dataset that names it.
 */
public final class VectorFiles {
    private static final Map<String, Map<String, float[]>> LOADED = new ConcurrentHashMap<>();
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,?\\s*\\)");
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=]?)([fi])(\\d)'");

    private VectorFiles() {
    }

    /** The id -> vector map of {@code file}; every vector has length {@code dim}. */
    public static Map<String, float[]> load(String file, int dim, String input) {
        Path p = Path.of(file);
        String key;
        try {
            key = p.toAbsolutePath().normalize() + "|" + Files.size(p) + "|" + Files.getLastModifiedTime(p).toMillis() + "|" + dim;
        } catch (NoSuchFileException e) {
            throw new DataException(Reason.IO, file, 0, null, null, file + ": vector file of input '" + input
                    + "' not found (paths are relative to the working directory " + Path.of("").toAbsolutePath() + ")");
        } catch (IOException e) {
            throw new DataException(Reason.IO, file, 0, null, null, file + ": cannot read the vector file of input '"
                    + input + "': " + e.getMessage(), e);
        }
        if (Files.isDirectory(p)) {
            throw new DataException(Reason.IO, file, 0, null, null, file + ": the vector file of input '" + input
                    + "' is a directory");
        }
        return LOADED.computeIfAbsent(key, k -> file.toLowerCase(Locale.ROOT).endsWith(".npy")
                ? readNpy(p, file, dim, input) : readCsv(p, file, dim, input));
    }

    private static Map<String, float[]> readCsv(Path p, String file, int dim, String input) {
        Map<String, float[]> out = new HashMap<>();
        char delim = file.toLowerCase(Locale.ROOT).endsWith(".tsv") ? '\t' : ',';
        try (BufferedReader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
            String line;
            long no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(delim == '\t' ? "\t" : ",", -1);
                if (no == 1 && cells.length > 1 && !isNumber(cells[1].trim())) {
                    continue; // a header line
                }
                if (cells.length - 1 != dim) {
                    throw new DataException(Reason.BAD_CELL, file, no, null, cells[0], file + ":" + no
                            + ": vector of id " + DataException.quote(cells[0].trim()) + " for input '" + input
                            + "' has " + (cells.length - 1) + " values, expected " + dim);
                }
                float[] v = new float[dim];
                for (int j = 0; j < dim; j++) {
                    String c = cells[j + 1].trim();
                    float x;
                    try {
                        x = Numbers.parseFloat(c);
                    } catch (NumberFormatException e) {
                        throw new DataException(Reason.UNPARSABLE_NUMBER, file, no, null, c, file + ":" + no
                                + ": value " + (j + 1) + " of the vector of id " + DataException.quote(cells[0].trim())
                                + " is not a number, found " + DataException.quote(c));
                    }
                    if (!Float.isFinite(x)) {
                        throw new DataException(Reason.NON_FINITE, file, no, null, c, file + ":" + no + ": value "
                                + (j + 1) + " of the vector of id " + DataException.quote(cells[0].trim())
                                + " is not finite, found " + DataException.quote(c));
                    }
                    v[j] = x;
                }
                String id = cells[0].trim();
                if (out.put(id, v) != null) {
                    throw new DataException(Reason.BAD_CELL, file, no, null, id, file + ":" + no + ": id "
                            + DataException.quote(id) + " has a second vector");
                }
            }
        } catch (IOException e) {
            throw new DataException(Reason.IO, file, 0, null, null, file + ": cannot read: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new DataException(Reason.EMPTY_FILE, file, 0, null, null, file + ": vector file of input '" + input
                    + "' holds no vectors");
        }
        return out;
    }

    private static boolean isNumber(String s) {
        try {
            Numbers.parseFloat(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static Map<String, float[]> readNpy(Path p, String file, int dim, String input) {
        String idsFile = file + ".ids";
        java.util.List<String> ids;
        try {
            ids = Files.readAllLines(Path.of(idsFile), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new DataException(Reason.IO, idsFile, 0, null, null, idsFile + ": the ids of " + file
                    + " (one per line, in row order) are missing");
        } catch (IOException e) {
            throw new DataException(Reason.IO, idsFile, 0, null, null, idsFile + ": cannot read: " + e.getMessage(), e);
        }
        while (!ids.isEmpty() && ids.get(ids.size() - 1).isEmpty()) {
            ids.remove(ids.size() - 1);
        }
        try (InputStream raw = Files.newInputStream(p); DataInputStream in = new DataInputStream(raw)) {
            byte[] magic = new byte[6];
            in.readFully(magic);
            if (magic[0] != (byte) 0x93 || !new String(magic, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
                throw npy(file, "not a .npy file (no \\x93NUMPY magic)");
            }
            int major = in.readUnsignedByte();
            in.readUnsignedByte();
            byte[] lenBytes = new byte[major >= 2 ? 4 : 2];
            in.readFully(lenBytes);
            ByteBuffer lb = ByteBuffer.wrap(lenBytes).order(ByteOrder.LITTLE_ENDIAN);
            int headerLen = major >= 2 ? lb.getInt() : lb.getShort() & 0xffff;
            if (headerLen < 0 || headerLen > 1 << 20) {
                throw npy(file, "header length " + headerLen + " is out of range");
            }
            byte[] hb = new byte[headerLen];
            in.readFully(hb);
            String header = new String(hb, StandardCharsets.ISO_8859_1);
            if (header.contains("'fortran_order': True")) {
                throw npy(file, "Fortran-ordered arrays are not supported (save with np.ascontiguousarray)");
            }
            Matcher s = SHAPE.matcher(header);
            Matcher d = DESCR.matcher(header);
            if (!s.find() || !d.find()) {
                throw npy(file, "needs a 2-D float32 or float64 array, header is " + header.trim());
            }
            long rows = Long.parseLong(s.group(1));
            long cols = Long.parseLong(s.group(2));
            int bytes = Integer.parseInt(d.group(3));
            if (!d.group(2).equals("f") || (bytes != 4 && bytes != 8)) {
                throw npy(file, "needs float32 or float64 values, found dtype " + d.group(1) + d.group(2) + bytes);
            }
            if (cols != dim) {
                throw npy(file, "vectors have " + cols + " values, expected " + dim + " for input '" + input + "'");
            }
            if (rows != ids.size()) {
                throw npy(file, "holds " + rows + " vectors but " + idsFile + " lists " + ids.size() + " ids");
            }
            ByteOrder order = d.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            long expected = 6 + 2 + lenBytes.length + headerLen + rows * cols * bytes;
            if (Files.size(p) != expected) {
                throw npy(file, "holds " + Files.size(p) + " bytes, its header announces " + expected);
            }
            Map<String, float[]> out = new HashMap<>();
            byte[] row = new byte[dim * bytes];
            for (int r = 0; r < rows; r++) {
                in.readFully(row);
                ByteBuffer bb = ByteBuffer.wrap(row).order(order);
                float[] v = new float[dim];
                for (int j = 0; j < dim; j++) {
                    v[j] = bytes == 4 ? bb.getFloat() : (float) bb.getDouble();
                    if (!Float.isFinite(v[j])) {
                        throw npy(file, "value " + (j + 1) + " of row " + (r + 1) + " (id \"" + ids.get(r) + "\") is not finite");
                    }
                }
                if (out.put(ids.get(r).trim(), v) != null) {
                    throw npy(file, "id \"" + ids.get(r) + "\" (line " + (r + 1) + " of " + idsFile + ") appears twice");
                }
            }
            return out;
        } catch (IOException e) {
            throw new DataException(Reason.IO, file, 0, null, null, file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static DataException npy(String file, String problem) {
        return new DataException(Reason.BAD_CELL, file, 0, null, null, file + ": " + problem);
    }
}
