package dev.ember.catalog.rules;

import static java.util.Objects.requireNonNull;

import dev.ember.config.EmberConf;
import dev.ember.expr.ExpressionCompiler;

/**
 * What rules see while one query is planned: the session's Ember settings and an expression compiler
 * set up for the session.
 */
public record PlanContext(EmberConf conf, ExpressionCompiler compiler) {
    public PlanContext {
        requireNonNull(conf, "conf is null");
        requireNonNull(compiler, "compiler is null");
    }
}
