/** Pieces of the training loop that are not API: checkpoint files, batch row gathering, hold-out splits, diagnostics maths. */
package org.mtl4j.training.internal;
