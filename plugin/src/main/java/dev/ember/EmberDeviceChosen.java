package dev.ember;

import org.apache.spark.scheduler.SparkListenerEvent;

/**
 * Written to the Spark event log once per executor, after the executor chose its device, so that tools
 * reading the log (Ember's tuner) know whether a run used a GPU. The event's JSON carries
 * {@code "Event": "dev.ember.EmberDeviceChosen"} and the fields below.
 *
 * @param executorId Spark's executor id
 * @param hostname the executor's host
 * @param kind {@code host}, {@code cuda} or {@code emulator}
 * @param device the device's full name
 * @param reason why it was chosen
 */
public record EmberDeviceChosen(String executorId, String hostname, String kind, String device, String reason)
        implements SparkListenerEvent {

    /** The event for a report an executor sent. */
    static EmberDeviceChosen of(DeviceReport report) {
        String name = report.device();
        int colon = name.indexOf(':');
        String kind = colon < 0 ? name : name.substring(0, colon);
        return new EmberDeviceChosen(report.executorId(), report.hostname(), kind, name, report.reason());
    }
}
