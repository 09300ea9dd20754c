package dev.ember.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.testkit.EmberQueryCheck;
import dev.ember.testkit.LogCapture;
import dev.ember.testkit.SharedSpark;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * {@code spark.ember.device=auto} without a GPU leaves queries to Spark, says so once, and runs the host
 * engine when asked to; the decision table of {@link AutoDevicePolicy} for local and cluster drivers.
 */
class TestAutoDevicePolicy {
    private static final String QUERY = "SELECT id % 7 AS k, count(*), sum(id) FROM range(0, 5000) WHERE id % 3 = 1"
            + " GROUP BY id % 7";

    @Test
    void autoOnTheHostLeavesQueriesToSparkAndSaysSoOnce() {
        SparkSession session = SharedSpark.session();
        // the session's own value comes from its builder: unsetting it would leave auto for later tests
        String device = session.conf().get("spark.ember.device");
        // this test JVM chose the host: auto must not put Ember's host engine in the plan
        session.conf().set("spark.ember.device", "auto");
        try (LogCapture log = new LogCapture(AutoDevicePolicy.class.getName())) {
            EmberQueryCheck.sql(QUERY).assertSameAnswer().assertNoEmber();
            EmberQueryCheck.sql(QUERY + " HAVING count(*) > 1").assertSameAnswer().assertNoEmber();
            String text = log.text();
            assertTrue(text.contains("spark.ember.device=auto found no usable GPU"), text);
            assertTrue(text.contains("spark.ember.device=host"), "the line says what to do: " + text);
            int first = text.indexOf("found no usable GPU");
            assertEquals(-1, text.indexOf("found no usable GPU", first + 1), "said more than once: " + text);
            session.conf().set("spark.ember.device.autoWithoutGpu", "host");
            EmberQueryCheck.sql(QUERY).assertSameAnswer().assertEmberRan("EmberHashAggregateExec", "EmberFilterExec");
        } finally {
            session.conf().set("spark.ember.device", device);
            session.conf().unset("spark.ember.device.autoWithoutGpu");
        }
        assertEquals(device, session.conf().get("spark.ember.device"));
    }

    @Test
    void decisionTable() {
        Optional<String> none = Optional.empty();
        Optional<Boolean> noReport = Optional.empty();
        // explicit devices and the host opt-in are never held back
        assertEquals(none, AutoDevicePolicy.leaveToSpark("host", "spark", true, Optional.of("host"), noReport, "0"));
        assertEquals(none, AutoDevicePolicy.leaveToSpark("auto", "host", true, Optional.of("host"), noReport, "0"));
        // local mode: this JVM's device decides
        assertTrue(AutoDevicePolicy.leaveToSpark("auto", "spark", true, Optional.of("host"), noReport, "0").isPresent());
        assertEquals(none, AutoDevicePolicy.leaveToSpark("auto", "spark", true,
                Optional.of("cuda:0 (NVIDIA GB10, sm_121)"), noReport, "0"));
        assertEquals(none, AutoDevicePolicy.leaveToSpark("auto", "spark", true, none, noReport, "0"));
        // a cluster's driver: the executors' reports decide, else whether Spark schedules GPUs
        assertEquals(none, AutoDevicePolicy.leaveToSpark("auto", "spark", false, Optional.of("host"),
                Optional.of(true), "0"));
        assertTrue(AutoDevicePolicy.leaveToSpark("auto", "spark", false, none, Optional.of(false), "1").isPresent());
        assertEquals(none, AutoDevicePolicy.leaveToSpark("auto", "spark", false, none, noReport, "1"));
        assertEquals(none, AutoDevicePolicy.leaveToSpark("auto", "spark", false, none, noReport, "0.5"));
        assertTrue(AutoDevicePolicy.leaveToSpark("auto", "spark", false, none, noReport, "0").isPresent());
        assertTrue(AutoDevicePolicy.leaveToSpark("auto", "spark", false, none, noReport, "x").isPresent());
    }
}
