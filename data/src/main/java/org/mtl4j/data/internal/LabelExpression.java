package org.mtl4j.data.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mtl4j.api.MtlException;

/**
 * A derived binary label: {@code <column> <op> <number>} with op one of {@code >=, >, <=, <, ==, !=}
 * (spaces optional), e.g. {@code rating >= 4}. A label containing none of the characters
 * {@code < > = !} is a plain column name.
 */
public record LabelExpression(String text, String column, String op, double threshold) {
    private static final Pattern FORM = Pattern.compile("\\s*([^<>=!\\s]+)\\s*(>=|<=|==|!=|>|<)\\s*(\\S+)\\s*");

    /** Null when {@code label} is a plain column name; throws when it looks like an expression but is not one. */
    public static LabelExpression parse(String task, String label) {
        if (label.chars().noneMatch(ch -> ch == '<' || ch == '>' || ch == '=' || ch == '!')) {
            return null;
        }
        Matcher m = FORM.matcher(label);
        String problem = null;
        double threshold = Double.NaN;
        if (!m.matches()) {
            problem = "is not <column> <op> <number>";
        } else {
            try {
                threshold = Double.parseDouble(m.group(3));
                if (!Double.isFinite(threshold)) {
                    problem = "compares with a non-finite number";
                }
            } catch (NumberFormatException e) {
                problem = "compares with \"" + m.group(3) + "\", which is not a number";
            }
        }
        if (problem != null) {
            throw new MtlException("task '" + task + "' label expression \"" + label + "\" " + problem
                    + " (op one of >=, >, <=, <, ==, !=; e.g. \"rating >= 4\")");
        }
        return new LabelExpression(label, m.group(1), m.group(2), threshold);
    }

    /** 1 when the comparison holds, else 0. */
    public float apply(double v) {
        boolean r;
        switch (op) {
            case ">=":
                r = v >= threshold;
                break;
            case ">":
                r = v > threshold;
                break;
            case "<=":
                r = v <= threshold;
                break;
            case "<":
                r = v < threshold;
                break;
            case "==":
                r = v == threshold;
                break;
            default:
                r = v != threshold;
                break;
        }
        return r ? 1f : 0f;
    }
}
