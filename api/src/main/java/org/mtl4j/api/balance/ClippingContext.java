package org.mtl4j.api.balance;

import java.util.List;
import org.mtl4j.api.backend.GradientVector;
import org.mtl4j.api.backend.ParameterBlock;

/**
 * What a clipper may touch. At {@link Clipper.Stage#TASK_GRADIENTS} it gets the per-task shared
 * gradients (before they are combined); at {@link Clipper.Stage#FINAL} the whole gradient buffer and
 * the parameter blocks.
 *
 * @param taskGradients per-task gradients (TASK_GRADIENTS stage), else empty
 */
public record ClippingContext(long step, List<String> tasks, GradientVector gradient, List<ParameterBlock> blocks,
        List<GradientVector> taskGradients) {
}
