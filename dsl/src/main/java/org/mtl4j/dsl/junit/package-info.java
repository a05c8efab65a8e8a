/** A JUnit 5 extension giving tests an mtl4j runtime with chosen plugins and small generated datasets (JUnit is an optional dependency of this module). */
package org.mtl4j.dsl.junit;
