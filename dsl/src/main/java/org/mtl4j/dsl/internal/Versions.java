package org.mtl4j.dsl.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The mtl4j version, read from the jar's Maven metadata ("dev" when running from classes). */
public final class Versions {
    private static final String MTL4J = load();

    private Versions() {
    }

    public static String mtl4j() {
        return MTL4J;
    }

    private static String load() {
        String v = Versions.class.getPackage().getImplementationVersion();
        if (v != null) {
            return v;
        }
        try (InputStream in = Versions.class.getResourceAsStream("/META-INF/maven/org.mtl4j/mtl4j-dsl/pom.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "dev");
            }
        } catch (IOException e) {
            // fall through: the version is informative only
        }
        return "dev";
    }
}
