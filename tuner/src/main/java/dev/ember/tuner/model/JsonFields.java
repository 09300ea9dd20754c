package dev.ember.tuner.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Tolerant field readers for event JSON: Spark 2.x–4.x differ in which fields exist and sometimes
 * write numbers as strings, so every reader takes a fallback and accepts either form.
 */
final class JsonFields {
  private JsonFields() {}

  static long longOf(JsonNode node, String field, long fallback) {
    if (node == null) {
      return fallback;
    }
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (value.isNumber()) {
      return value.longValue();
    }
    if (value.isTextual()) {
      try {
        return Long.parseLong(value.textValue().trim());
      } catch (NumberFormatException e) {
        try {
          return (long) Double.parseDouble(value.textValue().trim());
        } catch (NumberFormatException again) {
          return fallback;
        }
      }
    }
    return fallback;
  }

  static double doubleOf(JsonNode node, String field, double fallback) {
    if (node == null) {
      return fallback;
    }
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (value.isNumber()) {
      return value.doubleValue();
    }
    if (value.isTextual()) {
      try {
        return Double.parseDouble(value.textValue().trim());
      } catch (NumberFormatException e) {
        return fallback;
      }
    }
    return fallback;
  }

  static String textOf(JsonNode node, String field, String fallback) {
    if (node == null) {
      return fallback;
    }
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    return value.isValueNode() ? value.asText() : value.toString();
  }

  static boolean booleanOf(JsonNode node, String field, boolean fallback) {
    if (node == null) {
      return fallback;
    }
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    return value.isTextual() ? Boolean.parseBoolean(value.textValue()) : fallback;
  }
}
