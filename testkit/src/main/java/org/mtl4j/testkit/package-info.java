/**
 * Contract tests a plugin author extends with one factory method, and a JUnit 5 extension that builds
 * an mtl4j runtime with chosen plugins: proof, in the author's own build, that a plugin behaves like
 * an mtl4j plugin.
 */
package org.mtl4j.testkit;
