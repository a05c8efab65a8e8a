package org.mtl4j.api.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.MtlException;

class EsmmChainsTest {

    private static TaskSpec chained(String name, TaskKind kind, String parent) {
        return new TaskSpec(name, kind, name, kind == TaskKind.MULTICLASS ? 3 : 1, null, List.of(), 1.0, false, parent,
                List.of(8), 1.0);
    }

    @Test
    void aTwoLevelFunnelResolvesChainsAndAnOrderWithParentsFirst() {
        // listed child first: the order must still put ctr before cvr-chain tasks
        List<TaskSpec> tasks = List.of(chained("ctcvr", TaskKind.BINARY, "ctr"), chained("ctcavr", TaskKind.BINARY, "ctcvr"),
                TaskSpec.binary("ctr", "click"), TaskSpec.regression("dwell", "dwell"));
        EsmmChains c = EsmmChains.of(tasks).requireSound("test");
        assertThat(c.issues()).isEmpty();
        assertThat(c.parent(0)).isEqualTo(2);
        assertThat(c.parent(1)).isZero();
        assertThat(c.parent(2)).isEqualTo(-1);
        assertThat(c.chained(1)).isTrue();
        assertThat(c.chained(3)).isFalse();
        assertThat(c.chain(1)).containsExactly(1, 0, 2);
        assertThat(c.chain(3)).containsExactly(3);
        assertThat(c.order()).containsExactly(2, 0, 1, 3);
    }

    @Test
    void everyProblemIsListedAtOnceAndTheBackendsExceptionNamesThemAll() {
        List<TaskSpec> tasks = List.of(chained("a", TaskKind.BINARY, "b"), chained("b", TaskKind.BINARY, "a"),
                chained("c", TaskKind.REGRESSION, "nope"), TaskSpec.multiclass("genre", "g", 3),
                chained("d", TaskKind.BINARY, "genre"));
        EsmmChains c = EsmmChains.of(tasks);
        assertThat(c.issues()).containsExactly(
                new EsmmChains.Cycle(0, List.of("a", "b", "a")),
                new EsmmChains.NotBinary(2, "c", TaskKind.REGRESSION, "c", "nope"),
                new EsmmChains.UnknownParent(2, "c", "nope", new java.util.TreeSet<>(List.of("a", "b", "c", "d", "genre"))),
                new EsmmChains.NotBinary(3, "genre", TaskKind.MULTICLASS, "d", "genre"));
        assertThat(c.chain(0)).isNull();
        assertThat(c.chain(4)).isNull();
        assertThat(c.chain(3)).containsExactly(3);
        assertThat(c.order()).containsExactly(3);
        assertThatThrownBy(() -> c.requireSound("tribuo backend")).isInstanceOf(MtlException.class)
                .hasMessage("tribuo backend: ESMM chain is cyclic: a -> b -> a; task 'c' is regression but in the ESMM "
                        + "chain 'nope' -> 'c'; ESMM chains need binary tasks; task 'c' is chained after 'nope', which "
                        + "names no task (known: a, b, c, d, genre); task 'genre' is multiclass but in the ESMM chain "
                        + "'genre' -> 'd'; ESMM chains need binary tasks");
    }

    @Test
    void nullEntriesOfADraftAreSkipped() {
        List<TaskSpec> tasks = new ArrayList<>();
        tasks.add(null);
        tasks.add(chained("cvr", TaskKind.BINARY, "ctr"));
        tasks.add(TaskSpec.binary("ctr", "click"));
        EsmmChains c = EsmmChains.of(tasks);
        assertThat(c.issues()).isEmpty();
        assertThat(c.chain(1)).containsExactly(1, 2);
        assertThat(c.order()).containsExactly(2, 1);
    }
}
