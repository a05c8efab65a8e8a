/** Immutable records that declare a multi-task model: inputs, tasks, sharing topology, balancing, optimiser, training. */
package org.mtl4j.api.spec;
