package dev.ember.plan;

import static java.util.Objects.requireNonNull;

/**
 * One line of Ember's explain output: a plan node and where it runs, or why it stays in Spark.
 *
 * @param depth the node's depth in the plan, for indentation
 * @param node the Spark node's class name
 * @param onEmber whether Ember runs it
 * @param text "will run on Ember as ..." or the fallback reason
 */
public record ExplainLine(int depth, String node, boolean onEmber, String text) {
    public ExplainLine {
        requireNonNull(node, "node is null");
        requireNonNull(text, "text is null");
    }

    static ExplainLine ember(int depth, String node, String text) {
        return new ExplainLine(depth, node, true, text);
    }

    static ExplainLine spark(int depth, String node, String reason) {
        return new ExplainLine(depth, node, false, reason);
    }

    /** The line as logged: {@code *} marks a node on Ember, {@code !} one that stays in Spark. */
    public String render() {
        String indent = "  ".repeat(depth + 1);
        return onEmber
                ? indent + "*Exec <" + node + "> " + text
                : indent + "!Exec <" + node + "> cannot run on Ember because " + text;
    }
}
