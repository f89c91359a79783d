package dev.imprint.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** Assembles the OpenAPI 3.1 document from the core document and each module's fragment. */
final class OpenApiDocument {
  private OpenApiDocument() {}

  static ObjectNode assemble(List<ApiModule> modules) {
    ObjectNode doc = (ObjectNode) load("openapi/core.json");
    ObjectNode paths = doc.with("paths");
    ObjectNode schemas = doc.with("components").with("schemas");
    for (ApiModule m : modules) {
      JsonNode frag = load(m.openApiFragment());
      frag.path("paths").fields().forEachRemaining(e -> paths.set(e.getKey(), e.getValue()));
      frag.path("components").path("schemas").fields()
          .forEachRemaining(e -> schemas.set(e.getKey(), e.getValue()));
    }
    return doc;
  }

  private static JsonNode load(String resource) {
    try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing OpenAPI resource " + resource);
      }
      return Json.MAPPER.readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException("unreadable OpenAPI resource " + resource, e);
    }
  }
}
