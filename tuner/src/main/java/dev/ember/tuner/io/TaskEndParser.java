package dev.ember.tuner.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.ember.tuner.model.TaskRecord;
import java.io.IOException;

/**
 * Reads the fields of a {@code SparkListenerTaskEnd} event straight from the token stream into a
 * {@link TaskRecord}, skipping what the model does not use (accumulables, updated blocks, most
 * executor metrics) without building trees: task ends are most of every log.
 */
final class TaskEndParser {
  private static final int TOP = 0;
  private static final int INFO = 1;
  private static final int METRICS = 2;
  private static final int SHUFFLE_READ = 3;
  private static final int SHUFFLE_WRITE = 4;
  private static final int INPUT = 5;
  private static final int OUTPUT = 6;
  private static final int END_REASON = 7;
  private static final int EXECUTOR_METRICS = 8;

  private TaskEndParser() {}

  /**
   * Reads the rest of the current object (the parser is positioned after a field of the top-level
   * event object, or at its start) into {@code task}.
   */
  static void parseRemaining(JsonParser parser, TaskRecord task) throws IOException {
    parseObject(parser, TOP, task);
  }

  private static void parseObject(JsonParser parser, int section, TaskRecord task) throws IOException {
    JsonToken token;
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      if (value == JsonToken.START_OBJECT) {
        int child = childSection(section, name);
        if (child < 0) {
          parser.skipChildren();
        } else {
          parseObject(parser, child, task);
        }
      } else if (value == JsonToken.START_ARRAY) {
        parser.skipChildren();
      } else if (value != null) {
        scalar(parser, section, name, value, task);
      }
    }
    if (token == null) {
      throw new IOException("task end event ends early");
    }
  }

  private static int childSection(int section, String name) {
    if (section == TOP) {
      return switch (name) {
        case "Task Info" -> INFO;
        case "Task Metrics" -> METRICS;
        case "Task End Reason" -> END_REASON;
        case "Task Executor Metrics" -> EXECUTOR_METRICS;
        default -> -1;
      };
    }
    if (section == METRICS) {
      return switch (name) {
        case "Shuffle Read Metrics" -> SHUFFLE_READ;
        case "Shuffle Write Metrics" -> SHUFFLE_WRITE;
        case "Input Metrics" -> INPUT;
        case "Output Metrics" -> OUTPUT;
        default -> -1;
      };
    }
    return -1;
  }

  private static void scalar(JsonParser parser, int section, String name, JsonToken value, TaskRecord task)
      throws IOException {
    switch (section) {
      case TOP -> {
        switch (name) {
          case "Stage ID" -> task.stageId = (int) number(parser, value);
          case "Stage Attempt ID" -> task.stageAttemptId = (int) number(parser, value);
          default -> { }
        }
      }
      case INFO -> {
        switch (name) {
          case "Executor ID" -> task.executorId = parser.getText();
          case "Launch Time" -> task.launchTime = number(parser, value);
          case "Finish Time" -> task.finishTime = number(parser, value);
          case "Failed" -> task.failed = value == JsonToken.VALUE_TRUE;
          case "Killed" -> task.killed = value == JsonToken.VALUE_TRUE;
          default -> { }
        }
      }
      case EXECUTOR_METRICS -> {
        switch (name) {
          case "JVMHeapMemory" -> task.jvmHeapMemory = number(parser, value);
          case "JVMOffHeapMemory" -> task.jvmOffHeapMemory = number(parser, value);
          default -> { }
        }
      }
      case END_REASON -> {
        if (name.equals("Reason")) {
          task.endReason = parser.getText();
        }
      }
      case METRICS -> {
        switch (name) {
          case "Executor Run Time" -> task.executorRunTime = number(parser, value);
          case "Executor CPU Time" -> task.cpuTimeNanos = number(parser, value);
          case "Executor Deserialize Time" -> task.deserializeTime = number(parser, value);
          case "Result Serialization Time" -> task.resultSerializationTime = number(parser, value);
          case "JVM GC Time" -> task.gcTime = number(parser, value);
          case "Memory Bytes Spilled" -> task.memoryBytesSpilled = number(parser, value);
          case "Disk Bytes Spilled" -> task.diskBytesSpilled = number(parser, value);
          case "Peak Execution Memory" -> task.peakExecutionMemory = number(parser, value);
          default -> { }
        }
      }
      case SHUFFLE_READ -> {
        switch (name) {
          case "Remote Bytes Read" -> task.shuffleRemoteBytesRead = number(parser, value);
          case "Local Bytes Read" -> task.shuffleLocalBytesRead = number(parser, value);
          case "Total Records Read" -> task.shuffleRecordsRead = number(parser, value);
          case "Fetch Wait Time" -> task.shuffleFetchWaitTime = number(parser, value);
          default -> { }
        }
      }
      case SHUFFLE_WRITE -> {
        switch (name) {
          case "Shuffle Bytes Written" -> task.shuffleBytesWritten = number(parser, value);
          case "Shuffle Records Written" -> task.shuffleRecordsWritten = number(parser, value);
          case "Shuffle Write Time" -> task.shuffleWriteTimeNanos = number(parser, value);
          default -> { }
        }
      }
      case INPUT -> {
        switch (name) {
          case "Bytes Read" -> task.inputBytesRead = number(parser, value);
          case "Records Read" -> task.inputRecordsRead = number(parser, value);
          default -> { }
        }
      }
      case OUTPUT -> {
        switch (name) {
          case "Bytes Written" -> task.outputBytesWritten = number(parser, value);
          case "Records Written" -> task.outputRecordsWritten = number(parser, value);
          default -> { }
        }
      }
      default -> { }
    }
  }

  /** Numbers, or numbers written as strings by old writers; anything else reads as 0. */
  private static long number(JsonParser parser, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NUMBER_INT) {
      return parser.getLongValue();
    }
    if (value == JsonToken.VALUE_NUMBER_FLOAT) {
      return (long) parser.getDoubleValue();
    }
    if (value == JsonToken.VALUE_STRING) {
      try {
        return Long.parseLong(parser.getText().trim());
      } catch (NumberFormatException e) {
        return 0;
      }
    }
    return 0;
  }
}
