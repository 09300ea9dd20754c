package dev.ember.testkit;

import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/** Collects what one logger writes while it is open. */
public final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final Collector collector = new Collector();

    public LogCapture(String loggerName) {
        this.logger = (Logger) LogManager.getLogger(loggerName);
        collector.start();
        logger.addAppender(collector);
    }

    /** The messages written so far. */
    public synchronized List<String> messages() {
        synchronized (collector) {
            return List.copyOf(collector.messages);
        }
    }

    public String text() {
        return String.join("\n", messages());
    }

    @Override
    public void close() {
        logger.removeAppender(collector);
        collector.stop();
    }

    private static final class Collector extends AbstractAppender {
        final List<String> messages = new ArrayList<>();

        Collector() {
            super("ember-test-capture", null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public void append(LogEvent event) {
            synchronized (this) {
                messages.add(event.getMessage().getFormattedMessage());
            }
        }
    }
}
