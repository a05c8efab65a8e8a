package org.mtl4j.backend.dl4j.internal.model;

import java.util.Map;

/** Library versions recorded in provenance. */
public final class Dl4jVersions {
    public static final String DL4J = "1.0.0-M2.1";

    private Dl4jVersions() {
    }

    public static Map<String, String> libraries() {
        return Map.of("deeplearning4j", DL4J, "nd4j", DL4J, "java", System.getProperty("java.version"));
    }
}
