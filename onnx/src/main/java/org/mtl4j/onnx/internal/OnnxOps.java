package org.mtl4j.onnx.internal;

import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.tribuo.util.onnx.ONNXAttribute;
import org.tribuo.util.onnx.ONNXOperator;
import org.tribuo.util.onnx.ONNXOperators;

/**
 * The ONNX operators (default domain, opset 13, the opset of Tribuo's {@link ONNXOperators}) that
 * Tribuo's writer does not ship and the exported networks need: ReLU, batched products, shape
 * operators, convolution and pooling, boolean logic. Semantics are those of the ONNX operator
 * specification (https://onnx.ai/onnx/operators/) at version 13.
 */
enum OnnxOps implements ONNXOperator {
    RELU("Relu", 1, 0),
    MATMUL("MatMul", 2, 0),
    RESHAPE("Reshape", 2, 0),
    TRANSPOSE("Transpose", 1, 0, attr("perm", AttributeType.INTS)),
    /** Slice(data, starts, ends, axes). */
    SLICE("Slice", 4, 1),
    FLATTEN("Flatten", 1, 0, attr("axis", AttributeType.INT)),
    CONV("Conv", 3, 0, attr("kernel_shape", AttributeType.INTS), attr("pads", AttributeType.INTS), attr("strides", AttributeType.INTS)),
    MAX_POOL("MaxPool", 1, 0, attr("kernel_shape", AttributeType.INTS), attr("strides", AttributeType.INTS)),
    OR("Or", 2, 0),
    /** OneHot(indices, depth, values [off, on]) along the last axis. */
    ONE_HOT("OneHot", 3, 0, attr("axis", AttributeType.INT));

    private final String name;
    private final int inputs;
    private final int optional;
    private final Map<String, ONNXAttribute> attributes;

    OnnxOps(String name, int inputs, int optional, ONNXAttribute... attributes) {
        this.name = name;
        this.inputs = inputs;
        this.optional = optional;
        Map<String, ONNXAttribute> m = new LinkedHashMap<>();
        for (ONNXAttribute a : attributes) {
            m.put(a.getName(), a);
        }
        this.attributes = Collections.unmodifiableMap(m);
    }

    private static ONNXAttribute attr(String name, AttributeType type) {
        return new ONNXAttribute(name, type, false);
    }

    @Override
    public String getOpName() {
        return name;
    }

    @Override
    public int getNumInputs() {
        return inputs;
    }

    @Override
    public int getNumOptionalInputs() {
        return optional;
    }

    @Override
    public int getNumOutputs() {
        return 1;
    }

    @Override
    public Map<String, ONNXAttribute> getAttributes() {
        return attributes;
    }

    @Override
    public Set<String> getMandatoryAttributeNames() {
        return Set.of();
    }

    @Override
    public int getOpVersion() {
        return ONNXOperators.getOpsetVersion();
    }

    @Override
    public String getOpDomain() {
        // the default ONNX domain, as Tribuo's own operators
        return ONNXOperators.ADD.getOpDomain();
    }
}
