package dev.imprint.scan.netpol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/** Writes a connectivity list as np-guard's {@code txt} or {@code json} output. */
public enum ConnectivityFormat {
  TXT,
  JSON;

  private static final ObjectMapper JSON_MAPPER = new ObjectMapper();

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
    if (lines.isEmpty()) {
      return "[]\n";
    }
    // Laid out as np-guard (Go's json.MarshalIndent with two spaces) lays it out.
    StringBuilder sb = new StringBuilder("[\n");
    for (int i = 0; i < lines.size(); i++) {
      Connectivity.Line l = lines.get(i);
      sb.append("  {\n    \"src\": ").append(quote(l.src())).append(",\n    \"dst\": ")
          .append(quote(l.dst())).append(",\n    \"conn\": ").append(quote(l.conn().toString()))
          .append("\n  }").append(i + 1 < lines.size() ? ",\n" : "\n");
    }
    return sb.append("]\n").toString();
  }

  private static String quote(String s) {
    try {
      return JSON_MAPPER.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
