/** The DeepLearning4J/ND4J backend: {@link org.mtl4j.backend.dl4j.Dl4jBackend} and its plugin. */
package org.mtl4j.backend.dl4j;
