package dev.imprint.scan.aws;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One statement of an IAM policy document: its effect, the actions and resources it names (or
 * excludes with {@code NotAction} / {@code NotResource}), its principals and its conditions.
 *
 * @param sid the statement id, or an empty string
 * @param effect allow or deny
 * @param actions the {@code Action} or {@code NotAction} patterns
 * @param notAction whether {@link #actions} came from {@code NotAction}
 * @param resources the {@code Resource} or {@code NotResource} patterns
 * @param notResource whether {@link #resources} came from {@code NotResource}
 * @param principals the {@code Principal} or {@code NotPrincipal}; {@link PolicyPrincipals#NONE}
 *     for identity policies
 * @param conditions every condition entry, flattened to operator, key and values
 * @see <a href="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html">
 *     IAM JSON policy elements</a>
 */
public record PolicyStatement(
    String sid,
    Effect effect,
    List<String> actions,
    boolean notAction,
    List<String> resources,
    boolean notResource,
    PolicyPrincipals principals,
    List<PolicyCondition> conditions) {

  /** Whether a statement grants or refuses what it names. */
  public enum Effect {
    ALLOW,
    DENY;

    /** Parses {@code Allow} or {@code Deny}, case-insensitively. */
    public static Effect parse(String text) {
      String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
      return switch (t) {
        case "allow" -> ALLOW;
        case "deny" -> DENY;
        default -> throw new InvalidPolicyException(
            "policy statement Effect must be Allow or Deny, got '" + text + "'");
      };
    }
  }

  public PolicyStatement {
    sid = sid == null ? "" : sid;
    Objects.requireNonNull(effect, "effect");
    actions = List.copyOf(actions);
    resources = List.copyOf(resources);
    principals = principals == null ? PolicyPrincipals.NONE : principals;
    conditions = List.copyOf(conditions);
  }

  public boolean allows() {
    return effect == Effect.ALLOW;
  }

  /** Whether the statement has no condition at all. */
  public boolean unconditional() {
    return conditions.isEmpty();
  }

  /**
   * Whether the statement applies to every resource: {@code Resource: "*"}, a resource ARN whose
   * resource part is only {@code *}, or any {@code NotResource}.
   */
  public boolean onAllResources() {
    if (notResource) {
      return true;
    }
    for (String r : resources) {
      if (IamActions.isAllResources(r)) {
        return true;
      }
    }
    return false;
  }

  /** Whether any condition uses one of the keys, compared case-insensitively. */
  public boolean hasConditionKey(String... keys) {
    for (PolicyCondition c : conditions) {
      for (String k : keys) {
        if (c.key().equalsIgnoreCase(k)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The conditions on a key, compared case-insensitively. */
  public List<PolicyCondition> conditionsOn(String key) {
    return conditions.stream().filter(c -> c.key().equalsIgnoreCase(key)).toList();
  }

  /**
   * Whether this statement's action element may grant an action: a matching pattern in
   * {@code Action}, or no matching pattern in {@code NotAction}.
   */
  public boolean mayGrant(String action) {
    boolean named = IamActions.anyMatches(actions, action);
    return notAction ? !named : named;
  }
}
