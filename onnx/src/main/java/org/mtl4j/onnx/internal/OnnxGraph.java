package org.mtl4j.onnx.internal;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXOperator;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;
import org.tribuo.util.onnx.ONNXRef;

/**
 * A thin layer over Tribuo's {@link ONNXContext}: typed graph inputs and outputs with a dynamic
 * batch axis, constants, and one method per operator the exporter uses. Tribuo's placeholders are
 * float matrices; {@link #build} rewrites their declared types and shapes to the ones asked for
 * (int64 ids, NCHW images).
 */
final class OnnxGraph {
    /** The symbolic name of the dynamic batch axis in every input and output. */
    static final String BATCH = "batch";

    private final ONNXContext ctx = new ONNXContext();
    private final Map<String, OnnxMl.TypeProto> declared = new LinkedHashMap<>();
    private final List<String> outputs = new ArrayList<>();

    ONNXContext context() {
        return ctx;
    }

    /**
     * A graph input; {@code dims[0]} is the batch axis, a negative entry elsewhere is a dynamic axis
     * named {@code <name>_len}.
     */
    ONNXRef<?> input(String name, OnnxMl.TensorProto.DataType type, long... dims) {
        ONNXPlaceholder p = ctx.floatInput(name, 1);
        declared.put(p.getReference(), type(name, type, dims));
        return p;
    }

    /** Declares {@code value} as the graph output {@code name}, [batch, width] floats. */
    void output(String name, ONNXRef<?> value, int width) {
        ONNXPlaceholder p = ctx.floatOutput(name, width);
        ctx.assignTo(value, p);
        declared.put(p.getReference(), type(name, OnnxMl.TensorProto.DataType.FLOAT, -1, width));
        outputs.add(p.getReference());
    }

    private static OnnxMl.TypeProto type(String name, OnnxMl.TensorProto.DataType type, long... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (int i = 0; i < dims.length; i++) {
            OnnxMl.TensorShapeProto.Dimension.Builder d = OnnxMl.TensorShapeProto.Dimension.newBuilder();
            if (i == 0) {
                d.setDimParam(BATCH);
            } else if (dims[i] < 0) {
                d.setDimParam(name + "_len");
            } else {
                d.setDimValue(dims[i]);
            }
            shape.addDim(d);
        }
        return OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape))
                .build();
    }

    /** The graph with the declared input and output types. */
    OnnxMl.GraphProto build(String name) {
        ctx.setName(name);
        OnnxMl.GraphProto.Builder g = ctx.buildGraph().toBuilder();
        for (int i = 0; i < g.getInputCount(); i++) {
            OnnxMl.ValueInfoProto v = g.getInput(i);
            OnnxMl.TypeProto t = declared.get(v.getName());
            if (t != null) {
                g.setInput(i, v.toBuilder().setType(t));
            }
        }
        for (int i = 0; i < g.getOutputCount(); i++) {
            OnnxMl.ValueInfoProto v = g.getOutput(i);
            OnnxMl.TypeProto t = declared.get(v.getName());
            if (t != null) {
                g.setOutput(i, v.toBuilder().setType(t));
            }
        }
        return g.build();
    }

    // ------------------------------------------------------------------ constants

    ONNXRef<?> tensor(String name, float[] data, long... dims) {
        List<Integer> shape = new ArrayList<>();
        for (long d : dims) {
            shape.add(Math.toIntExact(d));
        }
        if (Arrays.stream(dims).reduce(1, (a, b) -> a * b) != data.length) {
            throw new IllegalArgumentException("tensor '" + name + "' has " + data.length + " values for shape " + Arrays.toString(dims));
        }
        return ctx.floatTensor(name, shape, fb -> fb.put(data));
    }

    ONNXRef<?> scalar(String name, float v) {
        return ctx.constant(name, v);
    }

    ONNXRef<?> scalar(String name, long v) {
        return ctx.constant(name, v);
    }

    ONNXRef<?> longs(String name, long... v) {
        return ctx.array(name, v);
    }

    // ------------------------------------------------------------------ operators

    private ONNXRef<?> op(ONNXOperator op, String out, Map<String, Object> attrs, ONNXRef<?>... in) {
        return ctx.operation(op, List.of(in), out, attrs);
    }

    private ONNXRef<?> op(ONNXOperator op, String out, ONNXRef<?>... in) {
        return ctx.operation(op, List.of(in), out, Map.of());
    }

    /** x W^T (+ b) for x [n, in] and W [out, in]. */
    ONNXRef<?> gemm(String out, ONNXRef<?> x, ONNXRef<?> w, ONNXRef<?> b) {
        Map<String, Object> attrs = Map.of("transB", 1);
        return b == null ? op(ONNXOperators.GEMM, out, attrs, x, w) : op(ONNXOperators.GEMM, out, attrs, x, w, b);
    }

    ONNXRef<?> relu(String out, ONNXRef<?> x) {
        return op(OnnxOps.RELU, out, x);
    }

    ONNXRef<?> sigmoid(String out, ONNXRef<?> x) {
        return op(ONNXOperators.SIGMOID, out, x);
    }

    /** Softmax over the last axis. */
    ONNXRef<?> softmax(String out, ONNXRef<?> x) {
        return op(ONNXOperators.SOFTMAX, out, Map.of("axis", -1), x);
    }

    ONNXRef<?> add(String out, ONNXRef<?> a, ONNXRef<?> b) {
        return op(ONNXOperators.ADD, out, a, b);
    }

    ONNXRef<?> sub(String out, ONNXRef<?> a, ONNXRef<?> b) {
        return op(ONNXOperators.SUB, out, a, b);
    }

    ONNXRef<?> mul(String out, ONNXRef<?> a, ONNXRef<?> b) {
        return op(ONNXOperators.MUL, out, a, b);
    }

    ONNXRef<?> div(String out, ONNXRef<?> a, ONNXRef<?> b) {
        return op(ONNXOperators.DIV, out, a, b);
    }

    ONNXRef<?> pow(String out, ONNXRef<?> a, ONNXRef<?> b) {
        return op(ONNXOperators.POW, out, a, b);
    }

    ONNXRef<?> matmul(String out, ONNXRef<?> a, ONNXRef<?> b) {
        return op(OnnxOps.MATMUL, out, a, b);
    }

    ONNXRef<?> reshape(String out, ONNXRef<?> x, long... shape) {
        return op(OnnxOps.RESHAPE, out, x, longs(out + "_shape", shape));
    }

    ONNXRef<?> transpose(String out, ONNXRef<?> x, int... perm) {
        return op(OnnxOps.TRANSPOSE, out, Map.of("perm", perm), x);
    }

    ONNXRef<?> unsqueeze(String out, ONNXRef<?> x, long axis) {
        return op(ONNXOperators.UNSQUEEZE, out, x, longs(out + "_axes", axis));
    }

    /** Columns [from, to) of a [n, width] matrix. */
    ONNXRef<?> columns(String out, ONNXRef<?> x, long from, long to) {
        return op(OnnxOps.SLICE, out, x, longs(out + "_starts", from), longs(out + "_ends", to), longs(out + "_axes", 1));
    }

    ONNXRef<?> gather(String out, ONNXRef<?> data, ONNXRef<?> indices, int axis) {
        return op(ONNXOperators.GATHER, out, Map.of("axis", axis), data, indices);
    }

    ONNXRef<?> concat(String out, int axis, List<ONNXRef<?>> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return ctx.operation(ONNXOperators.CONCAT, parts, out, Map.of("axis", axis));
    }

    ONNXRef<?> where(String out, ONNXRef<?> cond, ONNXRef<?> a, ONNXRef<?> b) {
        return op(ONNXOperators.WHERE, out, cond, a, b);
    }

    ONNXRef<?> less(String out, ONNXRef<?> a, ONNXRef<?> b) {
        return op(ONNXOperators.LESS, out, a, b);
    }

    ONNXRef<?> greater(String out, ONNXRef<?> a, ONNXRef<?> b) {
        return op(ONNXOperators.GREATER, out, a, b);
    }

    ONNXRef<?> greaterOrEqual(String out, ONNXRef<?> a, ONNXRef<?> b) {
        return op(ONNXOperators.GREATER_OR_EQUAL, out, a, b);
    }

    ONNXRef<?> or(String out, ONNXRef<?> a, ONNXRef<?> b) {
        return op(OnnxOps.OR, out, a, b);
    }

    ONNXRef<?> toFloat(String out, ONNXRef<?> x) {
        return op(ONNXOperators.CAST, out, Map.of("to", OnnxMl.TensorProto.DataType.FLOAT.getNumber()), x);
    }

    /** Sum over {@code axis}, keeping it. */
    ONNXRef<?> reduceSum(String out, ONNXRef<?> x, long axis) {
        return op(ONNXOperators.REDUCE_SUM, out, Map.of("keepdims", 1), x, longs(out + "_axes", axis));
    }

    /** Mean over {@code axis}, keeping it. */
    ONNXRef<?> reduceMean(String out, ONNXRef<?> x, int axis) {
        return op(ONNXOperators.REDUCE_MEAN, out, Map.of("keepdims", 1, "axes", new int[] {axis}), x);
    }

    ONNXRef<?> conv(String out, ONNXRef<?> x, ONNXRef<?> w, ONNXRef<?> b, int kernel) {
        int pad = (kernel - 1) / 2;
        return op(OnnxOps.CONV, out, Map.of("kernel_shape", new int[] {kernel, kernel}, "pads", new int[] {pad, pad, pad, pad},
                "strides", new int[] {1, 1}), x, w, b);
    }

    /** 2 x 2 max-pool, stride 2, floor (no padding). */
    ONNXRef<?> maxPool2(String out, ONNXRef<?> x) {
        return op(OnnxOps.MAX_POOL, out, Map.of("kernel_shape", new int[] {2, 2}, "strides", new int[] {2, 2}), x);
    }

    /** Float one-hot rows of width {@code depth} along a new last axis. */
    ONNXRef<?> oneHot(String out, ONNXRef<?> ids, long depth) {
        return op(OnnxOps.ONE_HOT, out, Map.of("axis", -1), ids, scalar(out + "_depth", depth), tensor(out + "_values", new float[] {0f, 1f}, 2));
    }

    ONNXRef<?> flatten(String out, ONNXRef<?> x) {
        return op(OnnxOps.FLATTEN, out, Map.of("axis", 1), x);
    }

    /** The declared output names, in order. */
    List<String> outputs() {
        return List.copyOf(outputs);
    }
}
