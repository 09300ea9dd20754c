/**
 * {@code ember doctor}: the first command the owner of a GPU machine runs. It reports what the CUDA
 * driver says (version, devices, memory model), whether Ember's kernels load, what
 * {@code spark.ember.device=auto} would choose and why, and runs the kernel conformance suite
 * ({@code dev.ember.device.conformance}) on the device. A tool above every other package: it reads
 * {@code device.cuda}, {@code device.conformance}, {@code config} and the planner's {@code AutoDevicePolicy};
 * nothing imports it.
 */
package dev.ember.doctor;
