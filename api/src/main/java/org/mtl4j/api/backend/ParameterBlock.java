package org.mtl4j.api.backend;

/**
 * One parameter tensor with its gradient, for clippers that work unit-wise (AGC). A block has
 * {@code units} output units of {@code length()/units} consecutive values each.
 *
 * @param shared whether the block belongs to the shared representation (vs a task tower)
 * @param task the owning task for task-specific blocks, or null
 */
public record ParameterBlock(String name, GradientVector values, GradientVector gradient, int units, boolean shared,
        String task) {
}
