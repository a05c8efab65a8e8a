/**
 * A small real multi-task model in plain Java ({@link org.mtl4j.training.testmodel.LinearMtlModel}) and an
 * in-memory dataset, for testing loop code without a backend; published in this module's test jar.
 */
package org.mtl4j.training.testmodel;
