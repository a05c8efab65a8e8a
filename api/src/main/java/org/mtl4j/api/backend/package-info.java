/** The backend SPI: compiling a spec into a trainable model, the training-step contract and gradient vectors. */
package org.mtl4j.api.backend;
