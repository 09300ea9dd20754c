package dev.ember;

import java.io.Serializable;

/**
 * What an executor tells the driver after choosing its device.
 *
 * @param executorId Spark's executor id
 * @param hostname the executor's host
 * @param device the chosen device's name
 * @param reason why it was chosen
 */
public record DeviceReport(String executorId, String hostname, String device, String reason)
        implements Serializable {}
