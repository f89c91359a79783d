package dev.imprint.server.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.http.Context;
import java.util.Locale;
import java.util.stream.Collectors;

/** The API's JSON: strict on input (unknown fields refused), ISO-8601 instants on output. */
public final class Json {
  /** The shared mapper; configured once, thread-safe. */
  public static final ObjectMapper MAPPER = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Json() {}

  /**
   * The request body as {@code type}, or a 400/415 problem that names the unknown field, the
   * field of the wrong type, or the line and column of a syntax error.
   */
  public static <T> T body(Context ctx, Class<T> type) {
    requireJson(ctx);
    return parse(ctx.bodyAsBytes(), type);
  }

  /**
   * Like {@link #body(Context, Class)} but with this route's own body limit instead of the
   * server-wide one (for the few routes that take large documents, such as scan reports).
   */
  public static <T> T body(Context ctx, Class<T> type, long maxBytes) {
    requireJson(ctx);
    byte[] raw;
    try (java.io.InputStream in = ctx.req().getInputStream()) {
      raw = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
    } catch (java.io.IOException e) {
      throw ApiProblem.badRequest("request.unreadable", "the request body could not be read");
    }
    if (raw.length > maxBytes) {
      throw new ApiProblem(413, "http.413", "Content too large",
          "the request body is larger than this route's limit of " + maxBytes + " bytes");
    }
    return parse(raw, type);
  }

  private static void requireJson(Context ctx) {
    String ct = ctx.contentType();
    if (ct == null || !ct.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw new ApiProblem(415, "request.content_type", "Unsupported media type",
          "expected Content-Type application/json, got " + (ct == null ? "none" : "'" + ct + "'"));
    }
  }

  private static <T> T parse(byte[] raw, Class<T> type) {
    if (raw.length == 0) {
      throw ApiProblem.badRequest("request.body_missing", "expected a JSON object body, got none");
    }
    try {
      T value = MAPPER.readValue(raw, type);
      if (value == null) {
        throw ApiProblem.badRequest("request.body_missing", "expected a JSON object, got null");
      }
      return value;
    } catch (UnrecognizedPropertyException e) {
      throw ApiProblem.badRequest("request.unknown_field", "unknown field '"
          + e.getPropertyName() + "'; expected one of " + e.getKnownPropertyIds().stream()
              .map(String::valueOf).sorted().collect(Collectors.joining(", ")));
    } catch (MismatchedInputException e) {
      throw ApiProblem.badRequest("request.invalid_field", "field '" + path(e)
          + "' has the wrong type or form: " + e.getOriginalMessage().split("\n")[0]);
    } catch (JsonParseException e) {
      throw ApiProblem.badRequest("request.malformed_json", "malformed JSON at line "
          + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
    } catch (JsonMappingException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof ApiProblem p) {
        throw p;
      }
      if (cause instanceof IllegalArgumentException iae) {
        throw ApiProblem.badRequest("request.invalid_field", iae.getMessage());
      }
      throw ApiProblem.badRequest("request.invalid", e.getOriginalMessage().split("\n")[0]);
    } catch (JsonProcessingException e) {
      throw ApiProblem.badRequest("request.invalid", e.getOriginalMessage().split("\n")[0]);
    } catch (java.io.IOException e) {
      throw ApiProblem.badRequest("request.unreadable", "the request body could not be read");
    }
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."));
  }
}
