/** Helpers of the command line: spec and data loading, run-directory files, console tables. */
package org.mtl4j.cli.internal;
