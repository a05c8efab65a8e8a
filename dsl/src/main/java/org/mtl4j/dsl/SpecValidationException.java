package org.mtl4j.dsl;

import java.util.List;
import org.mtl4j.api.MtlException;

/**
 * A model declaration with one or more problems, all of them listed (as Guice lists its
 * configuration errors), e.g.
 * <pre>
 * model 'funnel' has 2 problems:
 *   1) MTL/UnknownTask: tasks[1].chainedAfter = "ctrr" (known: ctcvr, ctr)
 *   2) MTL/UnknownPlugin: lossWeighting = "gradnrom" (known: dwa, equal, ...)
 * </pre>
 */
public class SpecValidationException extends MtlException {
    private static final long serialVersionUID = 1L;
    private final String model;
    private final transient List<Problem> problems;

    public SpecValidationException(String model, List<Problem> problems) {
        super(message(model, problems));
        this.model = model;
        this.problems = List.copyOf(problems);
    }

    private static String message(String model, List<Problem> problems) {
        StringBuilder sb = new StringBuilder("model ").append(Problem.quote(model).replace('"', '\''))
                .append(" has ").append(problems.size()).append(problems.size() == 1 ? " problem:" : " problems:");
        for (int i = 0; i < problems.size(); i++) {
            sb.append("\n  ").append(i + 1).append(") ").append(problems.get(i));
        }
        return sb.toString();
    }

    public String model() {
        return model;
    }

    public List<Problem> problems() {
        return problems;
    }
}
