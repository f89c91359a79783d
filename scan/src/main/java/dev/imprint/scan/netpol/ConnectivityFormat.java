package dev.imprint.scan.netpol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes a connectivity list as np-guard's {@code txt} or {@code json} output. */
public enum ConnectivityFormat {
  TXT,
  JSON;

  private static final ObjectMapper JSON_MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The format named {@code txt} or {@code json}. */
  public static ConnectivityFormat parse(String name) {
    for (ConnectivityFormat f : values()) {
      if (f.name().toLowerCase(Locale.ROOT).equals(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException("expected format txt or json, got " + name);
  }

  /** The lines in this format, ending with a newline (nothing for an empty txt list). */
  public String write(List<Connectivity.Line> lines) {
    if (this == TXT) {
      StringBuilder sb = new StringBuilder();
      lines.forEach(l -> sb.append(l.text()).append('\n'));
      return sb.toString();
    }
    List<Map<String, String>> out = new ArrayList<>();
    for (Connectivity.Line l : lines) {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("src", l.src());
      m.put("dst", l.dst());
      m.put("conn", l.conn().toString());
      out.add(m);
    }
    try {
      return JSON_MAPPER.writeValueAsString(out) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
