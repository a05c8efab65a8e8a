/**
 * Task semantics shared by every backend: label checks, output activations and losses per task
 * kind ({@link org.mtl4j.tasks.TaskKinds}, {@link org.mtl4j.tasks.Losses}), the built-in metric
 * registry ({@link org.mtl4j.tasks.Metrics}), PLE's MTL gain ({@link org.mtl4j.tasks.MtlGain}) and the
 * split of an evaluation into product outputs and auxiliary tasks ({@link org.mtl4j.tasks.AuxiliaryTasks}).
 */
package org.mtl4j.tasks;
