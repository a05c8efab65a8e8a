package org.mtl4j.data.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.mtl4j.data.DataException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Skipped rows of one pass, per reason, with the first message of each reason kept for the log. */
public final class BadRowCounts {
    private static final Logger LOG = LoggerFactory.getLogger(BadRowCounts.class);
    private final Map<String, Long> counts = new TreeMap<>();
    private final Map<String, String> first = new LinkedHashMap<>();

    void add(DataException e) {
        String id = e.reason().id();
        counts.merge(id, 1L, Long::sum);
        first.putIfAbsent(id, e.getMessage());
    }

    public long total() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    public Map<String, Long> snapshot() {
        return Collections.unmodifiableMap(new TreeMap<>(counts));
    }

    /** Logs a WARN summary when rows were skipped (never silently drop). */
    void log(String source, String pass) {
        if (counts.isEmpty()) {
            return;
        }
        LOG.warn("{}: {} skipped {} bad rows {}; first of each: {}", source, pass, total(), counts, first.values());
    }
}
