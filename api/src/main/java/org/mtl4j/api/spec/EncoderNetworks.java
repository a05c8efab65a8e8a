package org.mtl4j.api.spec;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.mtl4j.api.Checks;

/**
 * Networks given as objects in the DSL (a DL4J {@code ComputationGraph} or {@code MultiLayerNetwork})
 * rather than as model files: a spec is a value that can be written as JSON, so it holds a
 * {@code memory:<input>#<n>} reference ({@link ImageInput#network()}) and the object stays here, for
 * the life of the JVM, until the backend that compiles the spec looks it up. A model saved from it
 * carries the network itself, so loading it needs no reference.
 */
public final class EncoderNetworks {
    /** The prefix of an in-memory reference. */
    public static final String MEMORY = "memory:";
    private static final Map<String, Object> NETWORKS = new ConcurrentHashMap<>();
    private static final AtomicLong NEXT = new AtomicLong(1);

    private EncoderNetworks() {
    }

    /** Keeps {@code network} and returns the reference a spec holds for it. */
    public static String register(String input, Object network) {
        Checks.notNull("network of input '" + input + "'", network);
        String ref = MEMORY + input + "#" + NEXT.getAndIncrement();
        NETWORKS.put(ref, network);
        return ref;
    }

    /** Whether {@code network} is an in-memory reference (not a file). */
    public static boolean isMemory(String network) {
        return network != null && network.startsWith(MEMORY);
    }

    /** The object registered under {@code ref}, or null when none is (e.g. in another JVM). */
    public static Object lookup(String ref) {
        return NETWORKS.get(ref);
    }
}
