package dev.imprint.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What a {@link Shape} keeps of a document, and how its values count against a budget. */
class ShapeTest {
  private static final ObjectMapper PLAIN = new ObjectMapper();
  private static final String DOC = "{\"a\":1,\"b\":{\"c\":[1,2,{\"d\":\"x\"}],\"e\":true},"
      + "\"f\":[[]],\"g\":null,\"h\":1.5,\"i\":12345678901234567890}";

  private static JsonNode read(Shape shape, String json, Shape.KeptValues kept) throws Exception {
    try (JsonParser p = Json.MAPPER.getFactory().createParser(json)) {
      p.nextToken();
      return shape.read(p, "doc", kept);
    }
  }

  private static Shape.KeptValues budget(long values) {
    return new Shape.KeptValues(values, values, more -> {
      throw ApiProblem.badRequest("test.no_more", "no more");
    });
  }

  @Test
  void anyKeepsTheWholeDocument() throws Exception {
    assertThat(read(Shape.any(), DOC, budget(100))).isEqualTo(PLAIN.readTree(DOC));
  }

  /** Past its first allowance a body asks the server's budget (here: refuses) for more. */
  @Test
  void everyKeptValueCountsAndTheBudgetGrowsInStepsUpToItsCeiling() throws Exception {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < 20_000; i++) {
      b.append(i == 0 ? "" : ",").append(i);
    }
    String big = b.append("]").toString();
    assertThatThrownBy(() -> read(Shape.any(), DOC, budget(5)))
        .isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.code())
            .isEqualTo("test.no_more"));
    assertThatThrownBy(() -> read(Shape.any(), big, new Shape.KeptValues(10, 9_000,
        more -> { }))).isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.code())
            .isEqualTo("request.too_complex"));
    AtomicLong asked = new AtomicLong();
    JsonNode tree = read(Shape.any(), big, new Shape.KeptValues(10, 1_000_000,
        asked::addAndGet));
    assertThat(tree.size()).isEqualTo(20_000);
    assertThat(asked.get()).isBetween(20_001L - 10, 20_001L - 10 + Shape.KeptValues.STEP);
  }

  @Test
  void anObjectShapeKeepsOnlyItsFieldsAndEmptiesMisplacedContainers() throws Exception {
    Shape s = Shape.object().scalars("a", "b").field("f", Shape.array(Shape.scalar()));
    JsonNode kept = read(s, DOC, budget(100));
    assertThat(kept.fieldNames()).toIterable().containsExactly("a", "b", "f");
    assertThat(kept.get("b").isObject()).isTrue();
    assertThat(kept.get("b").size()).isZero();
    assertThat(kept.get("f").get(0).isArray()).isTrue();
    assertThatThrownBy(() -> read(Shape.object().scalars("a").closed(), DOC, budget(100)))
        .isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.code())
            .isEqualTo("request.unknown_field"));
    assertThatThrownBy(() -> read(Shape.object().field("f", Shape.array(Shape.scalar(), 0,
        "test.too_many")), DOC, budget(100))).isInstanceOfSatisfying(ApiProblem.class,
            p -> assertThat(p.code()).isEqualTo("test.too_many"));
  }
}
