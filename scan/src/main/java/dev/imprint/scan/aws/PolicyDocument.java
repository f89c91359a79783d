package dev.imprint.scan.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An IAM policy document (identity, trust, resource or key policy) read from its JSON form:
 * {@code Version} and the statements, where every element that may be a single value or an
 * array is held as a list.
 *
 * @param version the {@code Version}, or an empty string
 * @param statements the statements in document order
 * @see <a href="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html">
 *     IAM JSON policy grammar</a>
 */
public record PolicyDocument(String version, List<PolicyStatement> statements) {

  /** Policies are at most a few kilobytes; anything far larger is not a policy. */
  static final int MAX_CHARS = 512 * 1024;

  private static final JsonMapper JSON = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
      .build();

  static {
    JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
        .maxNestingDepth(64).maxStringLength(MAX_CHARS).build());
  }

  public PolicyDocument {
    version = version == null ? "" : version;
    statements = List.copyOf(statements);
  }

  /**
   * Reads a policy from JSON text.
   *
   * @throws InvalidPolicyException with what was expected when the text is not a policy
   */
  public static PolicyDocument parse(String json) {
    if (json == null || json.isBlank()) {
      throw new InvalidPolicyException("expected a JSON policy document, got empty text");
    }
    if (json.length() > MAX_CHARS) {
      throw new InvalidPolicyException("policy document is larger than " + MAX_CHARS
          + " characters");
    }
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      // Jackson's message quotes the offending token, which may be a secret: keep the place.
      throw new InvalidPolicyException("policy is not valid JSON at line "
          + (e.getLocation() == null ? 0 : e.getLocation().getLineNr()) + ", column "
          + (e.getLocation() == null ? 0 : e.getLocation().getColumnNr()));
    }
    return of(root);
  }

  /**
   * Reads a policy from a JSON tree (for example one built from Terraform's {@code jsonencode}).
   *
   * @throws InvalidPolicyException when the tree is not a policy object
   */
  public static PolicyDocument of(JsonNode root) {
    if (root == null || !root.isObject()) {
      throw new InvalidPolicyException("expected a JSON object with a Statement, got "
          + (root == null ? "nothing" : root.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
    }
    JsonNode st = field(root, "Statement");
    if (st == null) {
      throw new InvalidPolicyException("policy document has no Statement element");
    }
    List<PolicyStatement> statements = new ArrayList<>();
    if (st.isArray()) {
      for (JsonNode s : st) {
        statements.add(statement(s));
      }
    } else {
      statements.add(statement(st));
    }
    JsonNode version = field(root, "Version");
    return new PolicyDocument(version == null ? "" : version.asText(), statements);
  }

  private static PolicyStatement statement(JsonNode s) {
    if (!s.isObject()) {
      throw new InvalidPolicyException("policy Statement entries must be objects");
    }
    JsonNode effect = field(s, "Effect");
    if (effect == null) {
      throw new InvalidPolicyException("policy statement has no Effect");
    }
    JsonNode sid = field(s, "Sid");
    JsonNode action = field(s, "Action");
    JsonNode notAction = field(s, "NotAction");
    JsonNode resource = field(s, "Resource");
    JsonNode notResource = field(s, "NotResource");
    JsonNode principal = field(s, "Principal");
    JsonNode notPrincipal = field(s, "NotPrincipal");
    return new PolicyStatement(
        sid == null ? "" : sid.asText(),
        PolicyStatement.Effect.parse(effect.asText()),
        strings(action != null ? action : notAction),
        action == null && notAction != null,
        strings(resource != null ? resource : notResource),
        resource == null && notResource != null,
        principals(principal != null ? principal : notPrincipal,
            principal == null && notPrincipal != null),
        conditions(field(s, "Condition")));
  }

  private static PolicyPrincipals principals(JsonNode p, boolean negated) {
    if (p == null) {
      return PolicyPrincipals.NONE;
    }
    Map<String, List<String>> byType = new LinkedHashMap<>();
    if (p.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        byType.put(e.getKey(), strings(e.getValue()));
      }
    } else {
      byType.put("AWS", strings(p));
    }
    return new PolicyPrincipals(byType, negated, true);
  }

  private static List<PolicyCondition> conditions(JsonNode c) {
    List<PolicyCondition> out = new ArrayList<>();
    if (c == null || !c.isObject()) {
      return out;
    }
    for (Iterator<Map.Entry<String, JsonNode>> ops = c.fields(); ops.hasNext(); ) {
      Map.Entry<String, JsonNode> op = ops.next();
      if (!op.getValue().isObject()) {
        continue;
      }
      for (Iterator<Map.Entry<String, JsonNode>> keys = op.getValue().fields(); keys.hasNext(); ) {
        Map.Entry<String, JsonNode> key = keys.next();
        out.add(new PolicyCondition(op.getKey(), key.getKey(), strings(key.getValue())));
      }
    }
    return out;
  }

  /** A single value or an array of values as strings; objects and nulls are left out. */
  private static List<String> strings(JsonNode n) {
    List<String> out = new ArrayList<>();
    if (n == null) {
      return out;
    }
    if (n.isArray()) {
      for (JsonNode v : n) {
        if (v.isValueNode() && !v.isNull()) {
          out.add(v.asText());
        }
      }
    } else if (n.isValueNode() && !n.isNull()) {
      out.add(n.asText());
    }
    return out;
  }

  /** Policy element names are case-sensitive in AWS, but tools accept any case; so do we. */
  private static JsonNode field(JsonNode obj, String name) {
    JsonNode exact = obj.get(name);
    if (exact != null) {
      return exact;
    }
    for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (f.equalsIgnoreCase(name)) {
        return obj.get(f);
      }
    }
    return null;
  }

  /** The statements that allow something. */
  public List<PolicyStatement> allowStatements() {
    return statements.stream().filter(PolicyStatement::allows).toList();
  }
}
