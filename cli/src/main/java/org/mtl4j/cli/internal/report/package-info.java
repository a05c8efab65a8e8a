/** The self-contained {@code report.html} of a training run: inline SVG charts from the training history and the metric table. */
package org.mtl4j.cli.internal.report;
