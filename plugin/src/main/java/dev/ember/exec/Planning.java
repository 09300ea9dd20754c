package dev.ember.exec;

import dev.ember.config.EmberConf;
import dev.ember.expr.CompilerSettings;
import dev.ember.expr.ExpressionCompiler;
import org.apache.spark.sql.internal.SQLConf;

/** Planning-time helpers shared by the rules and the nodes; driver side only. */
public final class Planning {
    private Planning() {}

    /** An expression compiler set up from the active session's settings. */
    public static ExpressionCompiler compiler() {
        return compiler(SQLConf.get());
    }

    public static ExpressionCompiler compiler(SQLConf sqlConf) {
        EmberConf conf = EmberConf.of(sqlConf);
        return new ExpressionCompiler(new CompilerSettings(sqlConf.ansiEnabled(), sqlConf.sessionLocalTimeZone(),
                name -> conf.isEnabled("spark.ember.expression." + name + ".enabled", true)));
    }
}
