package org.mtl4j.training.internal;

import java.io.ObjectInputFilter;
import java.util.List;

/**
 * What a checkpoint's serialised balancer state may contain, so that resuming a checkpoint cannot
 * instantiate arbitrary classes from the class path (the gadget chains of Java deserialisation):
 * the balancer's own class and the classes of its package tree, mtl4j's, boxed primitives, strings,
 * {@code java.util} collections and {@code Random}, {@code java.math} numbers, enums and arrays of
 * these; at most 64 levels deep, 10 million references and 256 MiB. Anything else is rejected and
 * the resume fails naming the class.
 */
public final class BalancerStateFilter implements ObjectInputFilter {
    private static final long MAX_DEPTH = 64;
    private static final long MAX_REFERENCES = 10_000_000L;
    private static final long MAX_BYTES = 256L << 20;
    private static final List<String> JDK_PACKAGES = List.of("java.util.", "java.math.");
    private static final List<String> JDK_LANG = List.of("java.lang.Object", "java.lang.String", "java.lang.Number", "java.lang.Integer",
            "java.lang.Long", "java.lang.Double", "java.lang.Float", "java.lang.Short", "java.lang.Byte", "java.lang.Character",
            "java.lang.Boolean", "java.lang.Enum");
    /** java.util classes that can run code or reach the outside while being read back. */
    private static final List<String> JDK_DENIED = List.of("java.util.logging.", "java.util.concurrent.", "java.util.jar.",
            "java.util.zip.", "java.util.prefs.", "java.util.ServiceLoader", "java.util.Scanner", "java.util.Timer");

    private final String ownPackage;
    private String rejected;

    /** A filter for the state of {@code balancerClass}; its top-level package tree (e.g. com.example.) is allowed. */
    public BalancerStateFilter(Class<?> balancerClass) {
        String name = balancerClass.getName();
        int first = name.indexOf('.');
        int second = first < 0 ? -1 : name.indexOf('.', first + 1);
        this.ownPackage = second < 0 ? name : name.substring(0, second + 1);
    }

    /** The class last rejected, or null. */
    public String rejected() {
        return rejected;
    }

    @Override
    public Status checkInput(FilterInfo info) {
        if (info.depth() > MAX_DEPTH || info.references() > MAX_REFERENCES || info.streamBytes() > MAX_BYTES) {
            rejected = "a state over the limits (depth " + info.depth() + ", references " + info.references() + ", bytes "
                    + info.streamBytes() + ")";
            return Status.REJECTED;
        }
        Class<?> c = info.serialClass();
        if (c == null) {
            return Status.UNDECIDED;
        }
        while (c.isArray()) {
            c = c.getComponentType();
        }
        if (c.isPrimitive() || allowed(c.getName())) {
            return Status.ALLOWED;
        }
        rejected = c.getName();
        return Status.REJECTED;
    }

    boolean allowed(String name) {
        if (name.startsWith("org.mtl4j.") || name.startsWith(ownPackage) || JDK_LANG.contains(name)) {
            return true;
        }
        for (String denied : JDK_DENIED) {
            if (name.startsWith(denied)) {
                return false;
            }
        }
        for (String p : JDK_PACKAGES) {
            if (name.startsWith(p)) {
                return true;
            }
        }
        return false;
    }
}
