package org.mtl4j.cli.internal.svg;

/** One chart that renders to a standalone {@code <svg>} element with a {@code <title>}. */
public interface Chart {

    /** The chart's title (also the svg's accessible {@code <title>}). */
    String title();

    /** False when there is nothing to draw; {@link #render()} then shows a "no data recorded" note. */
    boolean hasData();

    /** The {@code <svg>} element. */
    String render();
}
