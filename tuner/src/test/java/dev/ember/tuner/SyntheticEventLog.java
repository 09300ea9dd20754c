package dev.ember.tuner;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * Writes hand-made event logs in Spark 4.1's JSON shapes (field names and nesting as a real
 * {@code local[2]} run logs them), for tests that need exact control of metrics and for the
 * benchmark's large logs. Times are milliseconds from {@code start}. Not thread safe; the caller owns
 * and closes the stream.
 */
public final class SyntheticEventLog implements AutoCloseable {
  /** The per-task values a test controls; everything else gets plausible constants. */
  public record Task(long durationMs, long gcMs, long shuffleReadBytes, long shuffleWriteBytes, long diskSpillBytes,
      long inputBytes, long peakExecutionMemory) {
    static Task simple(long durationMs) {
      return new Task(durationMs, 0, 0, 0, 0, 0, 0);
    }
  }

  private final Writer out;
  private final long start;
  private long taskId;
  private String taskExecutor = "1";

  public SyntheticEventLog(OutputStream stream, long start) {
    this.out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
    this.start = start;
  }

  public SyntheticEventLog header(String appId, String appName, Map<String, String> properties) throws IOException {
    return header(appId, appName, properties, 4);
  }

  /** The start of a log with one executor "1" of the given cores. */
  public SyntheticEventLog header(String appId, String appName, Map<String, String> properties, int cores)
      throws IOException {
    line("{\"Event\":\"SparkListenerLogStart\",\"Spark Version\":\"4.1.3\"}");
    line("{\"Event\":\"SparkListenerResourceProfileAdded\",\"Resource Profile Id\":0,\"Executor Resource Requests\":"
        + "{\"cores\":{\"Resource Name\":\"cores\",\"Amount\":4,\"Discovery Script\":\"\",\"Vendor\":\"\"},"
        + "\"memory\":{\"Resource Name\":\"memory\",\"Amount\":4096,\"Discovery Script\":\"\",\"Vendor\":\"\"}},"
        + "\"Task Resource Requests\":{\"cpus\":{\"Resource Name\":\"cpus\",\"Amount\":1.0}}}");
    executor("1", cores, 0);
    StringBuilder props = new StringBuilder();
    for (Map.Entry<String, String> property : properties.entrySet()) {
      props.append(props.length() == 0 ? "" : ",").append(quote(property.getKey())).append(':').append(quote(property.getValue()));
    }
    line("{\"Event\":\"SparkListenerEnvironmentUpdate\",\"JVM Information\":{\"Java Version\":\"17.0.15\"},"
        + "\"Spark Properties\":{" + props + "},\"Hadoop Properties\":{},\"System Properties\":{\"java.version\":\"17.0.15\"},"
        + "\"Metrics Properties\":{},\"Classpath Entries\":{}}");
    line("{\"Event\":\"SparkListenerApplicationStart\",\"App Name\":" + quote(appName) + ",\"App ID\":" + quote(appId)
        + ",\"Timestamp\":" + start + ",\"User\":\"tester\"}");
    return this;
  }

  /** Adds an executor. */
  public SyntheticEventLog executor(String id, int cores, long at) throws IOException {
    return line("{\"Event\":\"SparkListenerExecutorAdded\",\"Timestamp\":" + (start + at) + ",\"Executor ID\":"
        + quote(id) + ",\"Executor Info\":{\"Host\":\"worker-" + id + "\",\"Total Cores\":" + cores
        + ",\"Log Urls\":{},\"Attributes\":{},\"Resources\":{},\"Resource Profile Id\":0}}");
  }

  /** Removes an executor with Spark's reason text. */
  public SyntheticEventLog executorRemoved(String id, String reason, long at) throws IOException {
    return line("{\"Event\":\"SparkListenerExecutorRemoved\",\"Timestamp\":" + (start + at) + ",\"Executor ID\":"
        + quote(id) + ",\"Removed Reason\":" + quote(reason) + "}");
  }

  /** The executor the following tasks run on. */
  public SyntheticEventLog onExecutor(String id) {
    taskExecutor = id;
    return this;
  }

  /** A SQL execution whose plan is {@code planJson} (a SparkPlanInfo object). */
  public SyntheticEventLog sqlStart(long executionId, String description, String planJson, long at) throws IOException {
    line("{\"Event\":\"org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart\",\"executionId\":" + executionId
        + ",\"rootExecutionId\":" + executionId + ",\"description\":" + quote(description) + ",\"details\":\"\","
        + "\"physicalPlanDescription\":" + quote("== Physical Plan ==") + ",\"sparkPlanInfo\":" + planJson
        + ",\"time\":" + (start + at) + ",\"modifiedConfigs\":{},\"jobTags\":[]}");
    return this;
  }

  public SyntheticEventLog sqlEnd(long executionId, long at) throws IOException {
    line("{\"Event\":\"org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd\",\"executionId\":" + executionId
        + ",\"time\":" + (start + at) + ",\"errorMessage\":\"\"}");
    return this;
  }

  public SyntheticEventLog jobStart(int jobId, int stageId, long sqlExecutionId, long at) throws IOException {
    line("{\"Event\":\"SparkListenerJobStart\",\"Job ID\":" + jobId + ",\"Submission Time\":" + (start + at)
        + ",\"Stage Infos\":[],\"Stage IDs\":[" + stageId + "],\"Properties\":{\"spark.sql.execution.id\":\""
        + sqlExecutionId + "\"}}");
    return this;
  }

  public SyntheticEventLog jobEnd(int jobId, long at) throws IOException {
    line("{\"Event\":\"SparkListenerJobEnd\",\"Job ID\":" + jobId + ",\"Completion Time\":" + (start + at)
        + ",\"Job Result\":{\"Result\":\"JobSucceeded\"}}");
    return this;
  }

  public SyntheticEventLog stageSubmitted(int stageId, int tasks, long at) throws IOException {
    line("{\"Event\":\"SparkListenerStageSubmitted\",\"Stage Info\":{\"Stage ID\":" + stageId + ",\"Stage Attempt ID\":0,"
        + "\"Stage Name\":\"stage " + stageId + "\",\"Number of Tasks\":" + tasks + ",\"RDD Info\":[],\"Parent IDs\":[],"
        + "\"Details\":\"\",\"Submission Time\":" + (start + at) + ",\"Accumulables\":[],\"Resource Profile Id\":0},"
        + "\"Properties\":{}}");
    return this;
  }

  /** Completes a stage; {@code accumulables} are SQL metric (id, value) pairs updated in it. */
  public SyntheticEventLog stageCompleted(int stageId, int tasks, long submittedAt, long at, long... accumulables) throws IOException {
    StringBuilder list = new StringBuilder();
    for (int i = 0; i + 1 < accumulables.length; i += 2) {
      list.append(list.length() == 0 ? "" : ",").append("{\"ID\":").append(accumulables[i])
          .append(",\"Name\":\"metric\",\"Value\":\"").append(accumulables[i + 1])
          .append("\",\"Internal\":true,\"Count Failed Values\":true,\"Metadata\":\"sql\"}");
    }
    line("{\"Event\":\"SparkListenerStageCompleted\",\"Stage Info\":{\"Stage ID\":" + stageId + ",\"Stage Attempt ID\":0,"
        + "\"Stage Name\":\"stage " + stageId + "\",\"Number of Tasks\":" + tasks + ",\"RDD Info\":[],\"Parent IDs\":[],"
        + "\"Details\":\"\",\"Submission Time\":" + (start + submittedAt) + ",\"Completion Time\":" + (start + at)
        + ",\"Accumulables\":[" + list + "],\"Resource Profile Id\":0}}");
    return this;
  }

  /** One task: a TaskStart line and a TaskEnd line as large as Spark 4.1 writes them. */
  public SyntheticEventLog task(int stageId, int index, long launchAt, Task task) throws IOException {
    long id = taskId++;
    long launch = start + launchAt;
    long finish = launch + task.durationMs();
    out.write("{\"Event\":\"SparkListenerTaskStart\",\"Stage ID\":");
    out.write(Long.toString(stageId));
    out.write(",\"Stage Attempt ID\":0,\"Task Info\":{\"Task ID\":");
    out.write(Long.toString(id));
    out.write(",\"Index\":" + index + ",\"Attempt\":0,\"Partition ID\":" + index + ",\"Launch Time\":" + launch
        + ",\"Executor ID\":" + quote(taskExecutor) + ",\"Host\":\"worker\",\"Locality\":\"PROCESS_LOCAL\",\"Speculative\":false,"
        + "\"Getting Result Time\":0,\"Finish Time\":0,\"Failed\":false,\"Killed\":false,\"Accumulables\":[]}}\n");
    StringBuilder line = new StringBuilder(3200);
    line.append("{\"Event\":\"SparkListenerTaskEnd\",\"Stage ID\":").append(stageId)
        .append(",\"Stage Attempt ID\":0,\"Task Type\":\"ShuffleMapTask\",\"Task End Reason\":{\"Reason\":\"Success\"},")
        .append("\"Task Info\":{\"Task ID\":").append(id).append(",\"Index\":").append(index).append(",\"Attempt\":0,")
        .append("\"Partition ID\":").append(index).append(",\"Launch Time\":").append(launch)
        .append(",\"Executor ID\":").append(quote(taskExecutor)).append(",\"Host\":\"worker\",\"Locality\":\"PROCESS_LOCAL\",\"Speculative\":false,")
        .append("\"Getting Result Time\":0,\"Finish Time\":").append(finish).append(",\"Failed\":false,\"Killed\":false,")
        .append("\"Accumulables\":[");
    for (int metric = 0; metric < 8; metric++) {
      line.append(metric == 0 ? "" : ",").append("{\"ID\":").append(100 + metric)
          .append(",\"Name\":\"internal.metrics.metric").append(metric).append("\",\"Update\":").append(id % 977 + metric)
          .append(",\"Value\":").append(id * 3 + metric).append(",\"Internal\":true,\"Count Failed Values\":true}");
    }
    line.append("]},\"Task Executor Metrics\":{\"JVMHeapMemory\":").append(200_000_000 + id % 1000)
        .append(",\"JVMOffHeapMemory\":150000000,\"OnHeapExecutionMemory\":0,\"OffHeapExecutionMemory\":0,")
        .append("\"OnHeapStorageMemory\":333893,\"OffHeapStorageMemory\":0,\"OnHeapUnifiedMemory\":333893,")
        .append("\"OffHeapUnifiedMemory\":0,\"DirectPoolMemory\":12292,\"MappedPoolMemory\":0,\"MinorGCCount\":6,")
        .append("\"MinorGCTime\":1120,\"MajorGCCount\":4,\"MajorGCTime\":1188,\"TotalGCTime\":2308},")
        .append("\"Task Metrics\":{\"Executor Deserialize Time\":3,\"Executor Deserialize CPU Time\":2000000,")
        .append("\"Executor Run Time\":").append(task.durationMs())
        .append(",\"Executor CPU Time\":").append(task.durationMs() * 800_000)
        .append(",\"Peak Execution Memory\":").append(task.peakExecutionMemory())
        .append(",\"Result Size\":2764,\"JVM GC Time\":").append(task.gcMs())
        .append(",\"Result Serialization Time\":0,\"Memory Bytes Spilled\":").append(task.diskSpillBytes() * 3)
        .append(",\"Disk Bytes Spilled\":").append(task.diskSpillBytes())
        .append(",\"Shuffle Read Metrics\":{\"Remote Blocks Fetched\":2,\"Local Blocks Fetched\":2,\"Fetch Wait Time\":1,")
        .append("\"Remote Bytes Read\":").append(task.shuffleReadBytes() / 2)
        .append(",\"Remote Bytes Read To Disk\":0,\"Local Bytes Read\":").append(task.shuffleReadBytes() - task.shuffleReadBytes() / 2)
        .append(",\"Total Records Read\":").append(task.shuffleReadBytes() / 16)
        .append(",\"Remote Requests Duration\":0},\"Shuffle Write Metrics\":{\"Shuffle Bytes Written\":")
        .append(task.shuffleWriteBytes()).append(",\"Shuffle Write Time\":1000,\"Shuffle Records Written\":")
        .append(task.shuffleWriteBytes() / 16).append("},\"Input Metrics\":{\"Bytes Read\":").append(task.inputBytes())
        .append(",\"Records Read\":").append(task.inputBytes() / 16).append("},\"Output Metrics\":{\"Bytes Written\":0,")
        .append("\"Records Written\":0},\"Updated Blocks\":[]}}\n");
    out.write(line.toString());
    return this;
  }

  public SyntheticEventLog applicationEnd(long at) throws IOException {
    line("{\"Event\":\"SparkListenerApplicationEnd\",\"Timestamp\":" + (start + at) + "}");
    return this;
  }

  /** Writes a raw line (for unknown events or damaged lines). */
  public SyntheticEventLog line(String json) throws IOException {
    out.write(json);
    out.write('\n');
    return this;
  }

  /** A plan node as SparkPlanInfo JSON; {@code metrics} are (name, accumulator id) pairs. */
  public static String planNode(String nodeName, String simpleString, String children, Object... metrics) {
    StringBuilder list = new StringBuilder();
    for (int i = 0; i + 1 < metrics.length; i += 2) {
      list.append(list.length() == 0 ? "" : ",").append("{\"name\":").append(quote((String) metrics[i]))
          .append(",\"accumulatorId\":").append(metrics[i + 1]).append(",\"metricType\":\"sum\"}");
    }
    return "{\"nodeName\":" + quote(nodeName) + ",\"simpleString\":" + quote(simpleString) + ",\"children\":["
        + children + "],\"metadata\":{},\"metrics\":[" + list + "]}";
  }

  static String quote(String text) {
    StringBuilder quoted = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        default -> {
          if (c < 0x20) {
            quoted.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            quoted.append(c);
          }
        }
      }
    }
    return quoted.append('"').toString();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
