package org.mtl4j.onnx;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.mtl4j.api.backend.TrainedModel;
import org.mtl4j.backend.dl4j.internal.model.Dl4jModel;
import org.mtl4j.backend.tribuo.TribuoBackend;
import org.mtl4j.backend.tribuo.TribuoFmModel;
import org.mtl4j.onnx.internal.Dl4jGraphMapper;
import org.mtl4j.onnx.internal.SideFile;
import org.mtl4j.onnx.internal.TribuoGraphMapper;
import org.tribuo.util.onnx.ONNXOperators;

/**
 * Exports a trained model to ONNX (opset 13, written with Tribuo's protobuf ONNX writer) plus a JSON
 * side file with its vocabularies:
 * <pre>
 *   OnnxExport.Result r = OnnxExport.export(model, Path.of("funnel.onnx"));   // and funnel.inputs.json
 * </pre>
 * The graph has one input per spec input (named as the input: float32 dense features and NCHW images,
 * int64 row ids for ids, bags, sequences and text) and one float32 output per task (plus
 * {@code <task>.conditional} for an ESMM child), all with a dynamic batch axis; it computes what the
 * model's {@code predict} computes. The {@code dl4j} backend's networks and the {@code tribuo}
 * backend's factorization machines are exportable; any other model, or a part the exporter cannot map,
 * fails with an {@link OnnxExportException} naming it.
 */
public final class OnnxExport {
    /** The ONNX IR version written (ONNX 1.8+, read by every ONNX Runtime since 1.6). */
    static final int IR_VERSION = 7;
    /** Tensors beyond this size do not fit one protobuf message (2 GiB, minus room for the graph). */
    static final long MAX_BYTES = Integer.MAX_VALUE - (64L << 20);

    private OnnxExport() {
    }

    /** What an export wrote. */
    public record Result(Path onnx, Path sideFile, List<String> inputs, List<String> outputs, long bytes) {
    }

    /** The side file next to {@code onnx}: {@code m.onnx} -> {@code m.inputs.json}. */
    public static Path sideFile(Path onnx) {
        String name = onnx.getFileName().toString();
        String base = name.toLowerCase(java.util.Locale.ROOT).endsWith(".onnx") ? name.substring(0, name.length() - 5) : name;
        return onnx.resolveSibling(base + ".inputs.json");
    }

    /**
     * Writes {@code out} and its side file, each atomically (temp file, then move).
     *
     * @throws OnnxExportException naming the backend or the part that has no ONNX mapping
     */
    public static Result export(TrainedModel model, Path out) throws IOException {
        OnnxMl.GraphProto graph;
        List<String> inputs;
        List<String> outputs;
        if (model instanceof Dl4jModel dl4j) {
            Dl4jGraphMapper mapper = new Dl4jGraphMapper(dl4j);
            graph = mapper.map();
            inputs = mapper.inputNames();
            outputs = mapper.outputNames();
        } else if (model instanceof TribuoFmModel fm) {
            TribuoGraphMapper mapper = new TribuoGraphMapper(fm);
            graph = mapper.map();
            inputs = mapper.inputNames();
            outputs = mapper.outputNames();
        } else {
            throw new OnnxExportException("cannot export model '" + model.spec().name() + "' to ONNX: backend '" + model.backendName()
                    + "' has no ONNX mapping (exportable backends: " + Dl4jModel.BACKEND + ", " + TribuoBackend.NAME + ")");
        }
        long weights = 0;
        for (OnnxMl.TensorProto t : graph.getInitializerList()) {
            weights += t.getRawData().size() + 4L * t.getFloatDataCount() + 8L * t.getInt64DataCount();
        }
        if (weights > MAX_BYTES) {
            throw new OnnxExportException("cannot export model '" + model.spec().name() + "' to ONNX: its tensors take " + weights
                    + " bytes, more than one ONNX file can hold (2 GiB, the protobuf limit); this exporter does not write external tensor data");
        }
        OnnxMl.ModelProto.Builder m = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("mtl4j")
                .setProducerVersion(String.valueOf(model.provenance() == null ? "" : model.provenance().mtl4jVersion()))
                .setDomain("org.mtl4j")
                .setModelVersion(1)
                .setDocString("mtl4j model '" + model.spec().name() + "' (backend " + model.backendName() + "); inputs are row ids: see "
                        + sideFile(out).getFileName())
                .addOpsetImport(ONNXOperators.getOpsetProto())
                .setGraph(graph);
        meta(m, "mtl4j.model", model.spec().name());
        meta(m, "mtl4j.backend", model.backendName());
        meta(m, "mtl4j.tasks", String.join(",", model.spec().taskNames()));
        meta(m, "mtl4j.sideFile", sideFile(out).getFileName().toString());
        byte[] bytes = m.build().toByteArray();
        Path side = sideFile(out);
        writeAtomically(side, SideFile.json(model.spec(), model.vocabularies(), out.getFileName().toString(), outputs));
        writeAtomically(out, bytes);
        return new Result(out, side, inputs, outputs, bytes.length);
    }

    private static void meta(OnnxMl.ModelProto.Builder m, String key, String value) {
        m.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value));
    }

    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // a sibling temp file created with the process's default permissions (createTempFile would make it owner-only)
        Path tmp = dir.resolve("." + target.getFileName() + "." + java.util.UUID.randomUUID() + ".tmp");
        try {
            Files.write(tmp, bytes, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
