package org.mtl4j.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The mtl4j version: the one source every module (backends, provenance, the CLI) reads. The build
 * writes the pom's version into {@code org/mtl4j/api/mtl4j-version.properties} (resource filtering),
 * so it cannot drift from the artifacts' version.
 */
public final class Mtl4jVersion {
    private static final String VERSION = load();

    private Mtl4jVersion() {
    }

    /** The version of the mtl4j artifacts, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = Mtl4jVersion.class.getResourceAsStream("mtl4j-version.properties")) {
            if (in == null) {
                throw new IllegalStateException("org/mtl4j/api/mtl4j-version.properties is missing from the class path");
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version");
            if (v == null || v.isBlank() || v.contains("${")) {
                throw new IllegalStateException("org/mtl4j/api/mtl4j-version.properties was not filtered by the build: "
                        + "version = " + v);
            }
            return v.trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
