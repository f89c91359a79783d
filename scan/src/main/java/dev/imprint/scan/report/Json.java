package dev.imprint.scan.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;

/** Deterministic JSON output: insertion-ordered objects, two-space indent, {@code \n} lines. */
final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

  private Json() {}

  static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  static void write(Object node, Writer out) throws IOException {
    DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
    DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
        .withObjectIndenter(indenter).withArrayIndenter(indenter);
    MAPPER.writer(printer).writeValue(out, node);
    out.write('\n');
    out.flush();
  }
}
