/** Training events, diagnostics and history, and the listener SPI. */
package org.mtl4j.api.train;
