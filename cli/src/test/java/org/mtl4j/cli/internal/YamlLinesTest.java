package org.mtl4j.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class YamlLinesTest {
    private static final String DOC = String.join("\n",
            "name: m",                 // 1
            "tasks:",                  // 2
            "  - name: ctr",           // 3
            "    tower: [8, 4]",       // 4
            "  - name: cvr",           // 5
            "    chainedAfter: ctrr",  // 6
            "topology:",               // 7
            "  type: mmoe",            // 8
            "  experts: 0",            // 9
            "");

    @Test
    void findsFieldsAndListElementsByTheDslPath() {
        YamlLines l = YamlLines.index(DOC);
        assertThat(l.lineOf("name")).isEqualTo(1);
        assertThat(l.lineOf("tasks[1].chainedAfter")).isEqualTo(6);
        assertThat(l.lineOf("tasks[0].tower")).isEqualTo(4);
        assertThat(l.lineOf("topology.experts")).isEqualTo(9);
    }

    @Test
    void fallsBackToTheClosestAncestor() {
        YamlLines l = YamlLines.index(DOC);
        // tasks[1].weight is not written: the task element's line
        assertThat(l.lineOf("tasks[1].weight")).isEqualTo(5);
        assertThat(l.lineOf("optimizer.learningRate")).isZero();
        assertThat(l.lineOf("")).isZero();
    }

    @Test
    void unparsableTextHasNoLines() {
        assertThat(YamlLines.index("a: [unclosed").lineOf("a")).isIn(0, 1);
        assertThat(YamlLines.index(": : :\n\t- x").lineOf("x")).isZero();
    }
}
