/** The picocli commands of {@code mtl4j}: demo, train, evaluate, predict, inspect, plugins, compare. */
package org.mtl4j.cli.internal.cmd;
