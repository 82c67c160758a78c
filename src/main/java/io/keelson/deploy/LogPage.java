package io.keelson.deploy;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A run of a deployment's log: the lines from line {@code from} (0 = the first), and how many the
 * log holds in all, so a reader knows where the next page starts and whether there is one.
 */
public record LogPage(List<String> lines, int from, long total) {

    /** The line number the next page starts at. */
    public int next() {
        return from + lines.size();
    }

    /** Whether lines after this page exist (now; a running deployment may write more). */
    public boolean more() {
        return next() < total;
    }

    LogPage map(UnaryOperator<String> each) {
        return new LogPage(lines.stream().map(each).toList(), from, total);
    }
}
