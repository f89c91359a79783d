package dev.imprint.server.authz;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.imprint.server.http.Json;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The JSON forms of recorded contexts and grant lists (sorted keys: equal shapes hash alike). */
final class Records {
  private Records() {}

  static String json(Map<String, String> context) {
    try {
      return Json.MAPPER.writeValueAsString(new TreeMap<>(context));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String json(List<String> values) {
    try {
      return Json.MAPPER.writeValueAsString(values);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static Map<String, String> context(String json) {
    try {
      return Json.MAPPER.readValue(json, new TypeReference<TreeMap<String, String>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a recorded context is not JSON", e);
    }
  }

  static List<String> list(String json) {
    try {
      return Json.MAPPER.readValue(json, new TypeReference<List<String>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a recorded grant list is not JSON", e);
    }
  }
}
