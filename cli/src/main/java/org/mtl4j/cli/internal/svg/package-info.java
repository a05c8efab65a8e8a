/**
 * A small writer of self-contained SVG charts (line charts, heatmaps, grouped bar charts) for the
 * HTML report: plain strings, no scripts, no fonts beyond the browser's generic families.
 */
package org.mtl4j.cli.internal.svg;
