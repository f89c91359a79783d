package dev.imprint.server.http;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.imprint.server.text.FreeText;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;
import org.eclipse.jetty.http.HttpException;

/**
 * The API's JSON: strict on input, ISO-8601 instants on output.
 *
 * <p>A request body is read as it arrives (never buffered whole), up to the route's byte limit,
 * and must be UTF-8 {@code application/json}. It is refused, with a problem that names the
 * field but never echoes a value, when it repeats a key in one object; gives a value of another
 * JSON type than the field's (no coercion: {@code true} is not text, {@code "1"} not a number,
 * {@code 1.5} not an integer); gives a number out of the field's range; gives {@code null}
 * inside a list or map; holds a lone surrogate in a string; names a field the request does not
 * have; or passes a parsing limit ({@link #MAX_DEPTH} levels of nesting, {@link
 * #MAX_STRING_LENGTH} characters in one string, {@link #MAX_NUMBER_LENGTH} digits in one
 * number, {@link #MAX_NAME_LENGTH} characters in one field name). Large documents are read
 * through a {@link Shape}, which keeps only what the route uses.
 */
public final class Json {
  /** Deepest nesting of arrays and objects a body may have. */
  public static final int MAX_DEPTH = 64;
  /** Most characters in one string a body may hold. */
  public static final int MAX_STRING_LENGTH = 1 << 20;
  /** Most characters of one number. */
  public static final int MAX_NUMBER_LENGTH = 64;
  /** Most characters of one field name. */
  public static final int MAX_NAME_LENGTH = 1024;
  /** Request attribute holding the server's {@link RequestLimits}. */
  static final String LIMITS = "imprint.limits";

  /** The shared mapper; configured once, thread-safe. */
  public static final ObjectMapper MAPPER = strictMapper();

  /**
   * One reader per request type, built once: {@code readerFor} would look up the type's
   * deserializer again for every request.
   */
  private static final ClassValue<ObjectReader> READERS = new ClassValue<>() {
    @Override
    protected ObjectReader computeValue(Class<?> type) {
      return MAPPER.readerFor(type);
    }
  };

  private Json() {}

  private static ObjectMapper strictMapper() {
    JsonFactory factory = JsonFactory.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        // a body's skipped parts may hold millions of distinct field names; the JVM's string
        // table need not see them (canonicalizing stays on: without it the parser decodes
        // UTF-8 leniently, replacing malformed bytes instead of refusing them)
        .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(MAX_DEPTH)
            .maxStringLength(MAX_STRING_LENGTH)
            .maxNumberLength(MAX_NUMBER_LENGTH)
            .maxNameLength(MAX_NAME_LENGTH)
            .build())
        .build();
    return JsonMapper.builder(factory)
        .addModule(new JavaTimeModule())
        .addModule(new SimpleModule("imprint-strict-text")
            .addDeserializer(String.class, new StrictText()))
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
        .withCoercionConfig(LogicalType.Textual, c -> c
            .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
        .withCoercionConfig(LogicalType.Boolean, c -> c
            .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.String, CoercionAction.Fail))
        .withCoercionConfig(LogicalType.Integer, c -> c
            .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.String, CoercionAction.Fail))
        .withConfigOverride(Collection.class, o -> o.setSetterInfo(
            JsonSetter.Value.forContentNulls(Nulls.FAIL)))
        .withConfigOverride(Map.class, o -> o.setSetterInfo(
            JsonSetter.Value.forContentNulls(Nulls.FAIL)))
        .build();
  }

  /**
   * The request body as {@code type}, read within the server-wide body limit; or a 400, 408,
   * 413, 415 or 503 problem that names the unknown field, the field of the wrong type, or the
   * line and column of a syntax error.
   */
  public static <T> T body(Context ctx, Class<T> type) {
    return body(ctx, type, limits(ctx).maxBodyBytes());
  }

  /**
   * Like {@link #body(Context, Class)} but with this route's own body limit instead of the
   * server-wide one (for the few routes that take large documents, such as scan reports).
   */
  public static <T> T body(Context ctx, Class<T> type, long maxBytes) {
    T value = read(ctx, type, maxBytes, true);
    if (value == null) {
      throw ApiProblem.badRequest("request.body_missing", "expected a JSON object, got null");
    }
    return value;
  }

  /**
   * The request body as {@code type} when the request has one, else {@code absent} (for the
   * moves whose body, a reason, is optional). No Content-Type is needed without a body.
   */
  public static <T> T optionalBody(Context ctx, Class<T> type, T absent) {
    T value = read(ctx, type, limits(ctx).maxBodyBytes(), false);
    return value == null ? absent : value;
  }

  /**
   * Answers {@code body} as {@code application/json}, serialised straight to UTF-8 bytes, which
   * is what {@code ctx.json} sends after serialising to a String and encoding that again.
   */
  public static void answer(Context ctx, Object body) {
    byte[] bytes;
    try {
      bytes = MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise an answer of type "
          + body.getClass().getName(), e);
    }
    ctx.contentType(ContentType.APPLICATION_JSON).result(bytes);
  }

  private static RequestLimits limits(Context ctx) {
    RequestLimits limits = ctx.attribute(LIMITS);
    if (limits == null) {
      throw new IllegalStateException("no request limits: the request did not pass ApiServer");
    }
    return limits;
  }

  /**
   * A whole request body already in memory (at most {@code maxBytes}, read by {@link
   * CoreRoutes}) as {@code type}, with the checks and problems of {@link #body(Context, Class)};
   * {@code more} takes more of the body budget, in bytes, for the values the parser keeps.
   */
  static <T> T parse(byte[] body, Class<T> type, long maxBytes, LongConsumer more) {
    try {
      requireUtf8(Arrays.copyOf(body, Math.min(4, body.length)));
      Shape.KeptValues kept = new Shape.KeptValues(body.length / Shape.BYTES_PER_KEPT_VALUE,
          maxBytes / Shape.BYTES_PER_KEPT_VALUE,
          n -> more.accept(n * Shape.BYTES_PER_KEPT_VALUE));
      T value = READERS.get(type).withAttribute(Shape.KeptValues.KEY, kept).readValue(body);
      if (value == null) {
        throw ApiProblem.badRequest("request.body_missing", "expected a JSON object, got null");
      }
      return value;
    } catch (IOException | RuntimeException e) {
      throw problem(e, maxBytes);
    }
  }

  /** Reads the body; null for an absent body when it is optional (or a JSON null). */
  private static <T> T read(Context ctx, Class<T> type, long maxBytes, boolean required) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxBytes) {
      if (declared - maxBytes <= LINGER_BYTES) {
        discardRest(ctx, declared);
      }
      throw tooLarge(maxBytes);
    }
    if (declared == 0 && !required) {
      return null;
    }
    if (required) {
      requireJson(ctx);
    }
    RequestLimits limits = limits(ctx);
    try {
      limits.budget().hold(ctx, declared < 0 ? maxBytes : declared);
    } catch (ApiProblem p) {
      discardRest(ctx, maxBytes);
      throw p;
    }
    try {
      InputStream in = new LimitedInput(ctx.req().getInputStream(), maxBytes);
      byte[] head = in.readNBytes(4);
      if (head.length == 0) {
        if (!required) {
          limits.budget().release(ctx);
          return null;
        }
        throw ApiProblem.badRequest("request.body_missing",
            "expected a JSON object body, got none");
      }
      if (!required) {
        requireJson(ctx);
      }
      requireUtf8(head);
      Shape.KeptValues kept = new Shape.KeptValues(
          (declared < 0 ? maxBytes : declared) / Shape.BYTES_PER_KEPT_VALUE,
          maxBytes / Shape.BYTES_PER_KEPT_VALUE,
          more -> limits.budget().extend(ctx, more * Shape.BYTES_PER_KEPT_VALUE));
      InputStream body = new SequenceInputStream(new ByteArrayInputStream(head), in);
      if (type == JsonNode.class) {
        return type.cast(wholeTree(body, kept));
      }
      return READERS.get(type).withAttribute(Shape.KeptValues.KEY, kept).readValue(body);
    } catch (IOException | RuntimeException e) {
      limits.budget().release(ctx);
      ApiProblem p = problem(e, maxBytes);
      if (p.status() == 413) {
        discardRest(ctx, LINGER_BYTES);
      } else if (p.status() != 408) {
        discardRest(ctx, maxBytes);
      }
      throw p;
    }
  }

  /**
   * How far past its route's limit a refused body is still read and dropped before the 413, so a
   * client that overshoots by a little reads the answer; a larger body is answered at once and its
   * connection closed (the client may then see a reset instead of the 413).
   */
  static final long LINGER_BYTES = 2L * 1024 * 1024;

  /** The largest body of a refused call that is still read and dropped before the answer. */
  static final long REFUSED_LINGER_BYTES = 64 * 1024;

  /**
   * Reads and drops what is left of the body of a call refused before its handler read it all
   * (a missing or wrong token, a role the route does not admit, a session that is not valid),
   * when it declared one of at most {@link #REFUSED_LINGER_BYTES} or came in chunks with no
   * length declared (read up to the same bound: past it, the connection closes). The answer then
   * leaves a connection with nothing unread on it, which the client may send its next call on;
   * otherwise Jetty may find the body still arriving once the answer is out and close the
   * connection under a client that has already taken it back for its next call. Nothing is kept.
   */
  static void discardUnread(Context ctx) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > 0 && declared <= REFUSED_LINGER_BYTES) {
      discardRest(ctx, declared);
    } else if (declared < 0 && ctx.req().getHeader("Transfer-Encoding") != null) {
      discardRest(ctx, REFUSED_LINGER_BYTES);
    }
  }

  /**
   * Reads and drops what is left of a refused body (at most {@code maxBytes}), so the client,
   * still sending, reads the problem instead of a connection reset: a server that closes a
   * connection with unread bytes in its receive buffer makes TCP send a reset, which can discard
   * the answer before the client reads it (RFC 9112, section 9.6). Nothing is kept; the minimum
   * data rate and idle timeout bound how long it may take.
   */
  private static void discardRest(Context ctx, long maxBytes) {
    byte[] buf = new byte[8192];
    long left = maxBytes;
    try {
      InputStream in = ctx.req().getInputStream();
      for (int n = in.read(buf); n >= 0 && left > 0; n = in.read(buf)) {
        left -= n;
      }
    } catch (IOException | RuntimeException e) {
      // the client went away or stalled: there is nobody left to answer
    }
  }

  /**
   * A body read whole as a tree, through {@link Shape#any()}: every value counts against the
   * body's budget, which Jackson's own tree reader would not do.
   */
  private static JsonNode wholeTree(InputStream body, Shape.KeptValues kept) throws IOException {
    try (JsonParser p = MAPPER.getFactory().createParser(body)) {
      if (p.nextToken() == null) {
        throw ApiProblem.badRequest("request.body_missing", "expected a JSON body, got none");
      }
      JsonNode tree = Shape.any().read(p, "", kept);
      if (p.nextToken() != null) {
        throw ApiProblem.badRequest("request.malformed_json", "malformed JSON at line "
            + p.currentLocation().getLineNr() + ", column "
            + p.currentLocation().getColumnNr() + ": more after the JSON value");
      }
      return tree.isNull() ? null : tree;
    }
  }

  private static void requireJson(Context ctx) {
    String ct = ctx.req().getContentType();
    String refused = mediaTypeRefusal(ct);
    if (refused != null) {
      throw new ApiProblem(415, "request.content_type", "Unsupported media type",
          "expected Content-Type application/json (UTF-8), got " + refused);
    }
  }

  /** Null when {@code ct} is application/json in UTF-8, else what to say about it. */
  static String mediaTypeRefusal(String ct) {
    if (ct == null || ct.isBlank()) {
      return "none";
    }
    String[] parts = ct.split(";");
    if (!parts[0].strip().toLowerCase(Locale.ROOT).equals("application/json")) {
      return "'" + printable(parts[0].strip()) + "'";
    }
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].strip();
      int eq = p.indexOf('=');
      if (eq > 0 && p.substring(0, eq).strip().toLowerCase(Locale.ROOT).equals("charset")) {
        String charset = p.substring(eq + 1).strip().replace("\"", "");
        if (!charset.equalsIgnoreCase("utf-8")) {
          return "charset '" + printable(charset) + "' (only utf-8 is accepted)";
        }
      }
    }
    return null;
  }

  /**
   * JSON's first character is ASCII, so a UTF-16 or UTF-32 body shows a NUL byte or a UTF-16
   * byte order mark in its first four bytes; the parser would otherwise detect and accept them.
   */
  private static void requireUtf8(byte[] head) {
    boolean bom16 = head.length >= 2 && ((head[0] == (byte) 0xfe && head[1] == (byte) 0xff)
        || (head[0] == (byte) 0xff && head[1] == (byte) 0xfe));
    boolean nul = false;
    for (byte b : head) {
      nul |= b == 0;
    }
    if (bom16 || nul) {
      throw ApiProblem.badRequest("request.malformed_json", "malformed JSON at line 1, column 1:"
          + " the body is not UTF-8 (it looks like UTF-16 or UTF-32)");
    }
  }

  private static ApiProblem tooLarge(long maxBytes) {
    return new ApiProblem(413, "http.413", "Content too large",
        "the request body is larger than this route's limit of " + maxBytes + " bytes");
  }

  /** The problem for a failure while reading or binding the body. */
  static ApiProblem problem(Throwable e, long maxBytes) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ApiProblem p) {
        return p;
      }
      if (t instanceof LimitedInput.TooLarge) {
        return tooLarge(maxBytes);
      }
      if (t instanceof HttpException h && h.getCode() == 408
          || t instanceof java.util.concurrent.TimeoutException) {
        return new ApiProblem(408, "request.too_slow", "Request timeout", "the request body"
            + " arrived slower than the server's minimum data rate or stalled past its idle"
            + " timeout; the connection is closed");
      }
      if (t instanceof StreamConstraintsException c) {
        return ApiProblem.badRequest("request.too_complex", limitDetail(c));
      }
      if (t instanceof InputCoercionException c) {
        return ApiProblem.badRequest("request.invalid_field", "field '" + path(e)
            + "' must be " + expected(c.getTargetType()) + "; got a number out of its range");
      }
      if (t instanceof JsonParseException p) {
        return parseProblem(p, e);
      }
    }
    if (e instanceof UnrecognizedPropertyException u) {
      String at = path(u);
      String parent = at.contains(".") ? at.substring(0, at.lastIndexOf('.')) : "";
      return ApiProblem.badRequest("request.unknown_field", "unknown field '"
          + printable(String.valueOf(u.getPropertyName())) + "'"
          + (parent.isEmpty() ? "" : " in '" + parent + "'") + "; expected one of "
          + u.getKnownPropertyIds().stream().map(String::valueOf).sorted()
              .collect(Collectors.joining(", ")));
    }
    if (e instanceof InvalidNullException n) {
      return ApiProblem.badRequest("request.invalid_field", "field '" + path(n)
          + "' is null; expected a value");
    }
    if (e instanceof MismatchedInputException m) {
      return ApiProblem.badRequest("request.invalid_field", "field '" + path(m) + "' must be "
          + expected(m.getTargetType()) + ", got " + got(m));
    }
    if (e instanceof JsonMappingException m && m.getCause() instanceof IllegalArgumentException
        iae) {
      return ApiProblem.badRequest("request.invalid_field", iae.getMessage());
    }
    if (e instanceof JsonProcessingException p) {
      return ApiProblem.badRequest("request.invalid", p.getOriginalMessage().split("\n")[0]);
    }
    if (e instanceof IOException) {
      return ApiProblem.badRequest("request.unreadable", "the request body could not be read"
          + " (the client closed the connection or sent a broken chunked body)");
    }
    throw (RuntimeException) e;
  }

  private static ApiProblem parseProblem(JsonParseException p, Throwable outer) {
    String message = p.getOriginalMessage();
    if (message.startsWith("Duplicate field '")) {
      String name = message.substring("Duplicate field '".length(), message.lastIndexOf('\''));
      String at = path(outer);
      return ApiProblem.badRequest("request.duplicate_field", "field '" + printable(name)
          + "' appears more than once in " + (at.isEmpty() ? "the body's object" : "'" + at
              + "'") + "; each field may appear once");
    }
    String why = message.contains("UTF-8") || message.contains("surrogate")
        ? "the body is not valid UTF-8" : "a syntax error";
    return ApiProblem.badRequest("request.malformed_json", "malformed JSON at line "
        + p.getLocation().getLineNr() + ", column " + p.getLocation().getColumnNr() + ": " + why);
  }

  private static String limitDetail(StreamConstraintsException c) {
    String m = c.getMessage();
    if (m.contains("nesting depth")) {
      return "the body nests arrays and objects deeper than " + MAX_DEPTH + " levels";
    }
    if (m.contains("String value length")) {
      return "the body holds a string longer than " + MAX_STRING_LENGTH + " characters";
    }
    if (m.contains("Number value length")) {
      return "the body holds a number longer than " + MAX_NUMBER_LENGTH + " characters";
    }
    if (m.contains("Name length")) {
      return "the body holds a field name longer than " + MAX_NAME_LENGTH + " characters";
    }
    return "the body passes a parsing limit";
  }

  /** What a field of {@code type} takes, in words. */
  private static String expected(Class<?> type) {
    if (type == null) {
      return "of another type";
    }
    if (type == String.class) {
      return "text";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == Integer.class || type == int.class) {
      return "a whole number from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE;
    }
    if (type == Long.class || type == long.class) {
      return "a whole number from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE;
    }
    if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
      return "a number";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "an array";
    }
    return "an object";
  }

  /** The JSON type the parser was on when binding failed, in words. */
  private static String got(MismatchedInputException e) {
    JsonToken t = e.getProcessor() instanceof JsonParser p ? p.currentToken() : null;
    if (t == null) {
      return "something else";
    }
    return switch (t) {
      case VALUE_STRING -> "text";
      case VALUE_NUMBER_INT -> "a whole number";
      case VALUE_NUMBER_FLOAT -> "a decimal number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      case START_ARRAY, END_ARRAY -> "an array";
      case START_OBJECT, END_OBJECT, FIELD_NAME -> "an object";
      default -> "something else";
    };
  }

  private static String path(Throwable e) {
    if (!(e instanceof JsonMappingException m)) {
      return "";
    }
    return printable(m.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining(".")).replace(".[", "["));
  }

  static String printable(String s) {
    return FreeText.printable(s);
  }

  /**
   * Text for every {@code String} the mapper binds: JSON strings only (no coercion from
   * numbers or booleans), and no lone surrogate, which no UTF-8 store can hold.
   */
  static final class StrictText extends StdScalarDeserializer<String> {
    private static final long serialVersionUID = 1L;

    StrictText() {
      super(String.class);
    }

    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (!p.hasToken(JsonToken.VALUE_STRING)) {
        return (String) ctxt.handleUnexpectedToken(String.class, p);
      }
      return checked(p.getText(), p);
    }

    @Override
    public LogicalType logicalType() {
      return LogicalType.Textual;
    }
  }

  /** {@code text} when it holds no lone surrogate, else a 400 naming where it is. */
  static String checked(String text, JsonParser p) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        String at = p.getParsingContext().pathAsPointer().toString();
        throw ApiProblem.badRequest("request.invalid_text", "the string at "
            + (at.isEmpty() ? "the top level" : "'" + printable(at) + "'") + " holds "
            + FreeText.describe(c)
            + ", a lone surrogate, which is not a character (the value is not echoed)");
      }
    }
    return text;
  }
}
