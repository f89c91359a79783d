package dev.imprint.scan.aws;

import java.util.List;
import java.util.Locale;

/**
 * One condition entry of a statement, e.g. {@code StringEquals} on {@code sts:ExternalId}.
 *
 * @param operator the operator as written, e.g. {@code StringLike} or
 *     {@code ForAnyValue:StringEquals}
 * @param key the condition key as written, e.g. {@code aws:PrincipalOrgID}
 * @param values the values, in order
 */
public record PolicyCondition(String operator, String key, List<String> values) {

  public PolicyCondition {
    values = List.copyOf(values);
  }

  /** The operator without set qualifiers and {@code IfExists}, in lower case. */
  public String baseOperator() {
    String op = operator.toLowerCase(Locale.ROOT);
    int colon = op.indexOf(':');
    if (colon >= 0) {
      op = op.substring(colon + 1);
    }
    return op.endsWith("ifexists") ? op.substring(0, op.length() - "ifexists".length()) : op;
  }

  /** Whether the operator is a negation ({@code StringNotEquals}, {@code ArnNotLike}, ...). */
  public boolean negative() {
    return baseOperator().contains("not");
  }
}
