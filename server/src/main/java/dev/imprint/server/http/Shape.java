package dev.imprint.server.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;

/**
 * The part of a large JSON document a route uses, read as it streams by: every field the shape
 * does not name is skipped without being built (so a report whose ignored fields hold millions
 * of empty objects costs no memory), every array may hold at most a number of items, and the
 * values kept from one request body are counted against a budget of one value per {@link
 * #BYTES_PER_KEPT_VALUE} bytes of body, so the tree a body becomes is bounded by the body's size.
 *
 * <p>A route declares a subclass of {@link Tree} for a shape and names it on a {@code JsonNode}
 * field with {@code @JsonDeserialize(using = ...)}; the service then reads the tree as before.
 * Where the document has a container at a place the shape expects a scalar (or the other way
 * round), the tree keeps an empty container (or the scalar), so the service's own type checks
 * still refuse it with their messages.
 */
public abstract sealed class Shape {
  /**
   * Body bytes per kept value, at most. Imprint's own reports and inventories average about 32
   * bytes of compact JSON per value; a kept value costs at most about 80 bytes of heap, so the
   * tree of a body stays under about seven times its size.
   */
  public static final int BYTES_PER_KEPT_VALUE = 12;

  private Shape() {}

  /** A scalar kept as it is (text, number, boolean or null). */
  public static Shape scalar() {
    return Scalar.INSTANCE;
  }

  /**
   * Any value, kept whole (for a document the route reads everywhere, such as a Kubernetes
   * AdmissionReview); its values still count against the body's budget, so even a whole tree
   * stays bounded by the body's size.
   */
  public static Shape any() {
    return Any.INSTANCE;
  }

  /** An object of which only the named fields are kept; others are skipped unread. */
  public static Obj object() {
    return new Obj(Map.of(), false);
  }

  /** An array of at most {@code maxItems} items of {@code item}; more is a 400 {@code code}. */
  public static Shape array(Shape item, int maxItems, String code) {
    return new Arr(Objects.requireNonNull(item), maxItems, code);
  }

  /** An array with no limit of its own (the body's budget of kept values still holds). */
  public static Shape array(Shape item) {
    return new Arr(Objects.requireNonNull(item), Integer.MAX_VALUE, "request.too_complex");
  }

  abstract JsonNode read(JsonParser p, String at, KeptValues kept) throws IOException;

  private static final class Any extends Shape {
    static final Any INSTANCE = new Any();

    @Override
    JsonNode read(JsonParser p, String at, KeptValues kept) throws IOException {
      if (p.hasToken(JsonToken.START_OBJECT)) {
        kept.take(at);
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
          p.nextToken();
          o.set(name, read(p, at + "." + name, kept));
        }
        return o;
      }
      if (p.hasToken(JsonToken.START_ARRAY)) {
        kept.take(at);
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
          a.add(read(p, at + "[" + i + "]", kept));
        }
        return a;
      }
      return leaf(p, at, kept);
    }
  }

  private static final class Scalar extends Shape {
    static final Scalar INSTANCE = new Scalar();

    @Override
    JsonNode read(JsonParser p, String at, KeptValues kept) throws IOException {
      return leaf(p, at, kept);
    }
  }

  /** An object shape: the fields kept and whether other fields are refused. */
  public static final class Obj extends Shape {
    private final Map<String, Shape> fields;
    private final boolean closed;
    private final int otherNames;

    private Obj(Map<String, Shape> fields, boolean closed) {
      this(fields, closed, 0);
    }

    private Obj(Map<String, Shape> fields, boolean closed, int otherNames) {
      this.fields = fields;
      this.closed = closed;
      this.otherNames = otherNames;
    }

    /** This shape with {@code name} kept as {@code shape}. */
    public Obj field(String name, Shape shape) {
      Map<String, Shape> m = new LinkedHashMap<>(fields);
      m.put(name, Objects.requireNonNull(shape));
      return new Obj(Map.copyOf(m), closed, otherNames);
    }

    /** This shape with each of {@code names} kept as a scalar. */
    public Obj scalars(String... names) {
      Obj o = this;
      for (String n : names) {
        o = o.field(n, scalar());
      }
      return o;
    }

    /** This shape refusing fields it does not name ({@code request.unknown_field}). */
    public Obj closed() {
      return new Obj(fields, true, otherNames);
    }

    /**
     * This shape keeping the names (not the values: they read as null) of the first {@code n}
     * fields it does not name, for problems that say what a document holds instead.
     */
    public Obj namingOthers(int n) {
      return new Obj(fields, closed, n);
    }

    @Override
    JsonNode read(JsonParser p, String at, KeptValues kept) throws IOException {
      if (!p.hasToken(JsonToken.START_OBJECT)) {
        return leaf(p, at, kept);
      }
      kept.take(at);
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      int others = 0;
      for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
        p.nextToken();
        Shape s = fields.get(name);
        if (s == null) {
          if (closed) {
            throw ApiProblem.badRequest("request.unknown_field", "unknown field '"
                + Json.printable(at + "." + name) + "'; expected one of " + fields.keySet()
                    .stream().sorted().collect(Collectors.joining(", ")));
          }
          p.skipChildren();
          if (others++ < otherNames) {
            kept.take(at);
            o.putNull(name);
          }
          continue;
        }
        o.set(name, s.read(p, at + "." + name, kept));
      }
      return o;
    }
  }

  private static final class Arr extends Shape {
    private final Shape item;
    private final int maxItems;
    private final String code;

    Arr(Shape item, int maxItems, String code) {
      this.item = item;
      this.maxItems = maxItems;
      this.code = code;
    }

    @Override
    JsonNode read(JsonParser p, String at, KeptValues kept) throws IOException {
      if (!p.hasToken(JsonToken.START_ARRAY)) {
        return leaf(p, at, kept);
      }
      kept.take(at);
      ArrayNode a = JsonNodeFactory.instance.arrayNode();
      for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
        if (i == maxItems) {
          throw ApiProblem.badRequest(code, "expected at most " + maxItems + " items in "
              + Json.printable(at) + ", got more");
        }
        a.add(item.read(p, at + "[" + i + "]", kept));
      }
      return a;
    }
  }

  /** A scalar as it is, or an empty container in place of a container. */
  private static JsonNode leaf(JsonParser p, String at, KeptValues kept) throws IOException {
    kept.take(at);
    JsonNodeFactory f = JsonNodeFactory.instance;
    JsonToken t = p.currentToken();
    return switch (t) {
      case START_OBJECT -> {
        p.skipChildren();
        yield f.objectNode();
      }
      case START_ARRAY -> {
        p.skipChildren();
        yield f.arrayNode();
      }
      case VALUE_STRING -> f.textNode(Json.checked(p.getText(), p));
      case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
        case INT -> f.numberNode(p.getIntValue());
        case LONG -> f.numberNode(p.getLongValue());
        default -> f.numberNode(p.getBigIntegerValue());
      };
      case VALUE_NUMBER_FLOAT -> f.numberNode(p.getDoubleValue());
      case VALUE_TRUE -> f.booleanNode(true);
      case VALUE_FALSE -> f.booleanNode(false);
      case VALUE_NULL -> f.nullNode();
      default -> throw ApiProblem.badRequest("request.malformed_json", "unexpected " + t
          + " at " + Json.printable(at));
    };
  }

  /**
   * The values one request body may keep, shared by all its shaped fields. A body starts with
   * one value per {@link #BYTES_PER_KEPT_VALUE} bytes it declared; past that it asks the
   * server's body budget for more in steps (each value counted as that many bytes), up to what
   * its route's largest body would start with. A refused step is the budget's 503; a body past
   * its route's share is a 400 {@code request.too_complex}.
   */
  static final class KeptValues {
    /** The deserialization attribute under which a request's budget travels. */
    static final Object KEY = KeptValues.class;
    /** Values asked for at a time past the initial allowance. */
    static final long STEP = 8192;
    private final long ceiling;
    private final LongConsumer grow;
    private long limit;
    private long taken;

    /**
     * {@code initial} values, at most {@code ceiling}; {@code grow} takes more from the
     * server's budget or throws.
     */
    KeptValues(long initial, long ceiling, LongConsumer grow) {
      this.ceiling = Math.max(ceiling, STEP);
      this.limit = Math.min(Math.max(initial, 0), this.ceiling);
      this.grow = grow;
    }

    void take(String at) {
      if (++taken <= limit) {
        return;
      }
      if (limit >= ceiling) {
        throw ApiProblem.badRequest("request.too_complex", "the body holds more values the"
            + " server keeps than its route allows (" + ceiling + ", one per "
            + BYTES_PER_KEPT_VALUE + " bytes of the route's largest body); the limit was passed"
            + " at " + Json.printable(at));
      }
      long more = Math.min(STEP, ceiling - limit);
      grow.accept(more);
      limit += more;
    }
  }

  /**
   * Reads one field through a shape; subclass it with a no-argument constructor per shape and
   * name it in {@code @JsonDeserialize(using = ...)}. A JSON {@code null} reads as Java null.
   */
  public abstract static class Tree extends StdDeserializer<JsonNode> {
    private static final long serialVersionUID = 1L;
    private final transient Shape shape;
    private final String name;

    /** A reader of {@code shape}; {@code name} prefixes the paths in its problems. */
    protected Tree(Shape shape, String name) {
      super(JsonNode.class);
      this.shape = shape;
      this.name = name;
    }

    @Override
    public JsonNode deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      Object budget = ctxt.getAttribute(KeptValues.KEY);
      KeptValues kept = budget instanceof KeptValues k ? k
          : new KeptValues(1 << 20, 1 << 20, more -> { });
      return shape.read(p, name, kept);
    }

    @Override
    public JsonNode getNullValue(DeserializationContext ctxt) {
      return null;
    }
  }
}
