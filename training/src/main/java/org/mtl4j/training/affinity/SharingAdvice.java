package org.mtl4j.training.affinity;

import org.mtl4j.api.spec.Topology;

/**
 * A suggested sharing topology with the grouping it follows and the reason, in words.
 *
 * @param topology the suggested topology (layer sizes taken from the caller)
 * @param grouping the grouping the suggestion is based on
 * @param reason why this topology, naming the tasks and affinities that decided it
 */
public record SharingAdvice(Topology topology, Grouping grouping, String reason) {
}
