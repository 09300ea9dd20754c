/**
 * Which {@link dev.ember.device.Device} this JVM uses: {@code spark.ember.device} resolved once per
 * executor ({@link dev.ember.device.selection.DeviceSelector}, {@link dev.ember.device.selection.Devices}).
 *
 * <p>Above both implementations: it depends on {@code device.cuda} and {@code device.host}, which
 * depend on the contract in {@code device}; nothing in those packages depends on this one.
 */
package dev.ember.device.selection;
