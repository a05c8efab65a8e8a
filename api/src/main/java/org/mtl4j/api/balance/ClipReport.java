package org.mtl4j.api.balance;

/** What one clipper did in one step. */
public record ClipReport(String clipper, boolean clipped, double normBefore, double normAfter, long elementsClipped) {
    public static ClipReport none(String clipper, double norm) {
        return new ClipReport(clipper, false, norm, norm, 0);
    }
}
