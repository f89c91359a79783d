package dev.imprint.scan.aws;

import dev.imprint.scan.SourceFile;
import dev.imprint.scan.terraform.Tf;
import dev.imprint.scan.terraform.TfModule;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the policy document behind a Terraform value: {@code jsonencode({...})}, a JSON string
 * or heredoc, a JSON file read with {@code file()} or {@code templatefile()}, or a reference
 * to a {@code data "aws_iam_policy_document"} in the same module; variables and locals of the
 * module are resolved first where they are known statically.
 */
public final class PolicySources {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private PolicySources() {}

  /**
   * The policy a value holds, or null when it holds none that can be read statically or the
   * one it holds is malformed (see {@link #parse} to learn why).
   */
  public static PolicyDocument read(Tf.Value written, TfModule module) {
    try {
      return parse(written, module);
    } catch (InvalidPolicyException e) {
      return null;
    }
  }

  /**
   * The policy a value holds, or null when it holds none that can be read statically (a
   * variable, a function, a reference to something else).
   *
   * @throws InvalidPolicyException when the value is a policy that cannot be read
   */
  public static PolicyDocument parse(Tf.Value written, TfModule module) {
    Tf.Value v = module.resolve(written);
    if (v instanceof Tf.Call c && c.name().equals("jsonencode") && c.args().size() == 1) {
      return PolicyDocument.of(json(c.args().get(0), 0));
    }
    if (v instanceof Tf.Str s) {
      String text = s.text().trim();
      if (!text.startsWith("{")) {
        return null;
      }
      try {
        return PolicyDocument.parse(text);
      } catch (InvalidPolicyException e) {
        // A template may become valid JSON once Terraform interpolates it: unknown, not bad.
        if (s.template()) {
          return null;
        }
        throw e;
      }
    }
    if (v instanceof Tf.Ref r) {
      TfModule.Located target = module.target(r.text());
      if (target != null && target.block().isData("aws_iam_policy_document")) {
        return fromDataSource(target.block(), module);
      }
    }
    SourceFile document = document(v, module);
    if (document != null) {
      try {
        return PolicyDocument.parse(document.text().trim());
      } catch (InvalidPolicyException e) {
        // A template file becomes JSON once rendered; a malformed file is its own problem.
        return null;
      }
    }
    return null;
  }

  /**
   * The JSON document a value reads from another file: {@code file("policy.json")} or
   * {@code templatefile("${path.module}/policy.json.tpl", {...})}; null for anything else.
   */
  static SourceFile document(Tf.Value v, TfModule module) {
    if (v instanceof Tf.Call c && !c.args().isEmpty()
        && (c.name().equals("file") && c.args().size() == 1
            || c.name().equals("templatefile") && c.args().size() == 2)) {
      return module.document(c.args().get(0));
    }
    return null;
  }

  /** A policy from the statements of a {@code data "aws_iam_policy_document"} block. */
  static PolicyDocument fromDataSource(Tf.Block data, TfModule module) {
    List<PolicyStatement> statements = new ArrayList<>();
    for (Tf.Block written : data.blocks("statement")) {
      Tf.Block s = resolved(written, module);
      String effect = s.literal("effect");
      List<String> actions = texts(s.value("actions"));
      boolean notAction = s.value("actions") == null && s.value("not_actions") != null;
      if (notAction) {
        actions = texts(s.value("not_actions"));
      }
      List<String> resources = texts(s.value("resources"));
      boolean notResource = s.value("resources") == null && s.value("not_resources") != null;
      if (notResource) {
        resources = texts(s.value("not_resources"));
      }
      PolicyPrincipals principals = principals(s.blocks("principals"), false);
      if (!principals.present()) {
        principals = principals(s.blocks("not_principals"), true);
      }
      List<PolicyCondition> conditions = new ArrayList<>();
      for (Tf.Block c : conditionBlocks(s)) {
        conditions.add(new PolicyCondition(text(c.value("test")), text(c.value("variable")),
            texts(c.value("values"))));
      }
      statements.add(new PolicyStatement(text(s.value("sid")),
          effect == null ? PolicyStatement.Effect.ALLOW : PolicyStatement.Effect.parse(effect),
          actions, notAction, resources, notResource, principals, conditions));
    }
    return new PolicyDocument(text(data.value("version")), statements);
  }

  /**
   * The condition blocks of a statement, written out or generated by {@code dynamic "condition"}:
   * a generated condition exists only when its {@code for_each} has elements, so its values are
   * taken as not known statically ({@code ${dynamic}}) rather than as what a default resolves to.
   */
  static List<Tf.Block> conditionBlocks(Tf.Block statement) {
    List<Tf.Block> out = new ArrayList<>(statement.blocks("condition"));
    for (Tf.Block d : statement.blocks("dynamic")) {
      Tf.Block content = d.block("content");
      if (d.label(0).equals("condition") && content != null) {
        Map<String, Tf.Attr> attrs = new LinkedHashMap<>(content.attrs());
        Tf.Attr values = attrs.get("values");
        if (values != null) {
          attrs.put("values", new Tf.Attr("values", new Tf.Expr("dynamic", List.of()),
              values.line(), values.column()));
        }
        out.add(new Tf.Block("condition", List.of(), attrs, content.blocks(), content.line(),
            content.column()));
      }
    }
    return out;
  }

  /** A statement block whose attributes (and nested blocks') have variables resolved. */
  private static Tf.Block resolved(Tf.Block b, TfModule module) {
    Map<String, Tf.Attr> attrs = new LinkedHashMap<>();
    b.attrs().forEach((k, a) -> attrs.put(k,
        new Tf.Attr(a.name(), module.resolve(a.value()), a.line(), a.column())));
    List<Tf.Block> nested = new ArrayList<>();
    for (Tf.Block n : b.blocks()) {
      nested.add(resolved(n, module));
    }
    return new Tf.Block(b.type(), b.labels(), attrs, nested, b.line(), b.column());
  }

  private static PolicyPrincipals principals(List<Tf.Block> blocks, boolean negated) {
    if (blocks.isEmpty()) {
      return PolicyPrincipals.NONE;
    }
    Map<String, List<String>> byType = new LinkedHashMap<>();
    for (Tf.Block p : blocks) {
      byType.computeIfAbsent(text(p.value("type")), k -> new ArrayList<>())
          .addAll(texts(p.value("identifiers")));
    }
    return new PolicyPrincipals(byType, negated, true);
  }

  /** The text of a value as the policy would see it. */
  static String text(Tf.Value v) {
    return Tf.text(v);
  }

  static List<String> texts(Tf.Value v) {
    List<String> out = new ArrayList<>();
    if (v instanceof Tf.Tuple t) {
      t.items().forEach(i -> out.add(text(i)));
    } else if (v != null && !(v instanceof Tf.Null)) {
      out.add(text(v));
    }
    return out;
  }

  /** A JSON tree for a Terraform value, as {@code jsonencode} would produce it. */
  static JsonNode json(Tf.Value v, int depth) {
    if (depth > 64) {
      throw new InvalidPolicyException("policy value nested deeper than 64 levels");
    }
    if (v instanceof Tf.Obj o) {
      ObjectNode node = JSON.objectNode();
      o.entries().forEach((k, val) -> node.set(k, json(val, depth + 1)));
      return node;
    }
    if (v instanceof Tf.Tuple t) {
      ArrayNode node = JSON.arrayNode();
      t.items().forEach(i -> node.add(json(i, depth + 1)));
      return node;
    }
    if (v instanceof Tf.Bool b) {
      return JSON.booleanNode(b.value());
    }
    if (v instanceof Tf.Null) {
      return JSON.nullNode();
    }
    return JSON.textNode(text(v));
  }
}
