package dev.imprint.server.http;

import dev.imprint.server.auth.Role;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.security.RouteRole;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Where a capability declares its routes, each with the roles it admits. Every route must
 * name at least one role or be declared public; the list of routes is kept so tests can walk
 * them all (no token gives 401, a wrong role 403) and check the OpenAPI document covers them.
 */
public final class Api {
  /** A declared route. {@code roles} is empty for a public route. */
  public record Route(String method, String path, Set<Role> roles) {
    public boolean isPublic() {
      return roles.isEmpty();
    }
  }

  private final RoutesConfig routes;
  private final List<Route> declared = new ArrayList<>();

  Api(RoutesConfig routes) {
    this.routes = routes;
  }

  public void get(String path, Handler h, Role first, Role... more) {
    add(HandlerType.GET, path, h, first, more);
  }

  public void post(String path, Handler h, Role first, Role... more) {
    add(HandlerType.POST, path, h, first, more);
  }

  public void put(String path, Handler h, Role first, Role... more) {
    add(HandlerType.PUT, path, h, first, more);
  }

  public void patch(String path, Handler h, Role first, Role... more) {
    add(HandlerType.PATCH, path, h, first, more);
  }

  public void delete(String path, Handler h, Role first, Role... more) {
    add(HandlerType.DELETE, path, h, first, more);
  }

  /** A GET that needs no token: health, metrics, public trust documents only. */
  public void publicGet(String path, Handler h) {
    routes.addHttpHandler(HandlerType.GET, path, h, Access.PUBLIC);
    declared.add(new Route("GET", path, Set.of()));
  }

  /**
   * A POST that carries its own credential instead of an API token (a join token, a workload
   * session); the handler authenticates it and answers 401 when it is missing or invalid.
   */
  public void publicPost(String path, Handler h) {
    routes.addHttpHandler(HandlerType.POST, path, releasingBody(h), Access.PUBLIC);
    declared.add(new Route("POST", path, Set.of()));
  }

  private void add(HandlerType type, String path, Handler h, Role first, Role... more) {
    EnumSet<Role> roles = EnumSet.of(first, more);
    routes.addHttpHandler(type, path, releasingBody(h), roles.toArray(new RouteRole[0]));
    declared.add(new Route(type.name(), path, Collections.unmodifiableSet(roles)));
  }

  /** {@code h}, giving back the body bytes its request holds when it ends, however it ends. */
  private static Handler releasingBody(Handler h) {
    return ctx -> {
      try {
        h.handle(ctx);
      } finally {
        RequestLimits limits = ctx.attribute(Json.LIMITS);
        if (limits != null) {
          limits.budget().release(ctx);
        }
      }
    };
  }

  /** Every route declared so far. */
  public List<Route> routes() {
    return List.copyOf(declared);
  }
}
