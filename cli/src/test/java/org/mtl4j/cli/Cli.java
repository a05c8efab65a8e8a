package org.mtl4j.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs {@code mtl4j} in-process through picocli and captures what it printed. */
public final class Cli {
    private Cli() {
    }

    /** Exit code and captured streams of one run. */
    public record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    public static Result run(Object... args) {
        String[] a = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            a[i] = String.valueOf(args[i]);
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), a);
        return new Result(code, out.toString(), err.toString());
    }
}
