package dev.imprint.authz;

import java.util.List;
import java.util.Objects;

/**
 * One validated grant: {@code subject} may (or, with {@link Effect#DENY}, may not) do what its
 * {@code actions}, {@code privileges} (db), {@code methods} and {@code paths} (http) say on
 * {@code resource}, under {@code conditions}. Lists that do not belong to the resource's type are
 * empty; a net grant's only action is {@code connect}. Build them with {@link GrantParser}.
 */
public record Grant(String id, String name, Effect effect, SubjectPattern subject,
    ResourcePattern resource, List<String> actions, List<String> privileges,
    List<String> methods, List<String> paths, Conditions conditions, SourceLocation location) {
  public Grant {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(effect, "effect");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(resource, "resource");
    actions = List.copyOf(actions);
    privileges = List.copyOf(privileges);
    methods = List.copyOf(methods);
    paths = List.copyOf(paths);
    Objects.requireNonNull(conditions, "conditions");
  }

  /** What the request's action is compared with: actions, privileges, methods or connect. */
  public List<String> coveredActions() {
    return switch (resource.type()) {
      case "db" -> privileges;
      case "http" -> methods;
      case "net" -> List.of("connect");
      default -> actions;
    };
  }

  /** Whether this grant is the same rule as {@code other}, ignoring where it was written. */
  public boolean sameRule(Grant other) {
    return id.equals(other.id) && Objects.equals(name, other.name) && effect == other.effect
        && subject.equals(other.subject) && resource.text().equals(other.resource.text())
        && actions.equals(other.actions) && privileges.equals(other.privileges)
        && methods.equals(other.methods) && paths.equals(other.paths)
        && conditions.equals(other.conditions);
  }
}
