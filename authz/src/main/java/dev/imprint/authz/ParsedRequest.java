package dev.imprint.authz;

import java.time.Instant;

/** A request that passed the checks of docs/grants.md, its resource parsed. */
final class ParsedRequest {
  final String subject;
  final String action;
  final ResourcePattern resource;
  final String path;
  final String environment;
  final Boolean imageApproved;
  final String identityStatus;
  final Instant time;

  private ParsedRequest(Request r, ResourcePattern resource) {
    this.subject = r.subject();
    this.action = r.action();
    this.resource = resource;
    this.path = r.context().get("path");
    this.environment = r.context().get("environment");
    String approved = r.context().get("imageApproved");
    this.imageApproved = approved == null ? null : Boolean.valueOf(approved.equals("true"));
    this.identityStatus = r.context().get("identityStatus");
    this.time = r.time();
  }

  /** Checks and parses; throws {@code request.*} naming what is malformed. */
  static ParsedRequest parse(Request r) {
    String err = Syntax.spiffeId(r.subject());
    if (err != null) {
      throw new AuthzException("request.subject", err);
    }
    ResourcePattern resource;
    try {
      resource = Resources.parse(r.resource(), false);
    } catch (AuthzException e) {
      throw new AuthzException("request.resource", e.detail());
    }
    String actionErr = switch (resource.type()) {
      case "net" -> "connect".equals(r.action()) ? null
          : "the action on a net: resource is 'connect', got '" + Syntax.shown(r.action()) + "'";
      case "http" -> Syntax.method(r.action());
      case "db" -> Syntax.privilege(r.action());
      default -> Syntax.action(r.action());
    };
    if (actionErr != null) {
      throw new AuthzException("request.action", actionErr);
    }
    for (var e : r.context().entrySet()) {
      String keyErr = Syntax.contextKey(e.getKey());
      if (keyErr != null) {
        throw new AuthzException("request.context", keyErr);
      }
    }
    String path = r.context().get("path");
    if (resource instanceof HttpResource) {
      String pathErr = path == null ? "an http: request needs the context key 'path'"
          : Syntax.httpPath(path, false);
      if (pathErr != null) {
        throw new AuthzException("request.path", pathErr);
      }
    } else if (path != null) {
      throw new AuthzException("request.context", "the context key 'path' belongs to http:"
          + " resources only; got it for '" + Syntax.shown(r.resource()) + "'");
    }
    String approved = r.context().get("imageApproved");
    if (approved != null && !approved.equals("true") && !approved.equals("false")) {
      throw new AuthzException("request.context", "expected imageApproved 'true' or 'false',"
          + " got '" + Syntax.shown(approved) + "'");
    }
    String status = r.context().get("identityStatus");
    if (status != null && !status.equals("active") && !status.equals("disabled")
        && !status.equals("offboarded")) {
      throw new AuthzException("request.context", "expected identityStatus 'active', 'disabled'"
          + " or 'offboarded', got '" + Syntax.shown(status) + "'");
    }
    return new ParsedRequest(r, resource);
  }
}
