/**
 * Task relatedness: measure inter-task affinity during a short training run
 * ({@link org.mtl4j.training.affinity.AffinityProbe}: lookahead affinity and gradient cosines),
 * group the tasks for a budget of groups ({@link org.mtl4j.training.affinity.TaskGrouper}) and
 * choose the sharing topology ({@link org.mtl4j.training.affinity.SharingAdvisor}).
 */
package org.mtl4j.training.affinity;
