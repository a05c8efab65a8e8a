/** The {@code mtl4j} command line: entry point and exit codes. Commands live in {@code internal.cmd}. */
package org.mtl4j.cli;
