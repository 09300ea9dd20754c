package dev.ember.plan;

import dev.ember.testkit.EmberQueryCheck;
import dev.ember.testkit.LogCapture;
import org.junit.jupiter.api.Test;

class TestPlanningSmoke {
    @Test
    void runs() {
        try (LogCapture log = new LogCapture("dev.ember.Explain")) {
            EmberQueryCheck check = EmberQueryCheck.sql("SELECT id, id + 1 AS next FROM range(0, 100) WHERE id > 10")
                    .assertSameAnswer();
            System.out.println(check.report());
            System.out.println(log.text());
        }
    }
}
