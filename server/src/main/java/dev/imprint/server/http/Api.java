package dev.imprint.server.http;

import dev.imprint.server.auth.Role;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
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
  private final CoreRoutes core;
  private final List<Route> declared = new ArrayList<>();
  private final List<Route> pages = new ArrayList<>();

  Api(RoutesConfig routes, CoreRoutes core) {
    this.routes = routes;
    this.core = core;
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

  /**
   * A {@link #publicPost(String, Handler) public POST} whose plain calls are served on Jetty's
   * core API ({@link CoreRoutes}) and every other call through Javalin, with the same handler:
   * for the hottest calls only (a workload's renewal), where the framework costs as much as
   * the call's own work.
   */
  public void publicPost(String path, Call.Handler h) {
    core.add(path, h);
    publicPost(path, (Handler) ctx -> Json.answer(ctx, h.handle(new JavalinCall(ctx))));
  }

  /** A call on Javalin's context. */
  private record JavalinCall(Context ctx) implements Call {
    @Override
    public String header(String name) {
      return ctx.header(name);
    }

    @Override
    public <T> T body(Class<T> type) {
      return Json.body(ctx, type);
    }

    @Override
    public void header(String name, String value) {
      ctx.header(name, value);
    }
  }

  /**
   * A web console page or form ({@code GET} or {@code POST}): no bearer token; the handler
   * authenticates the session cookie and, on a {@code POST}, the CSRF token. Pages are kept
   * apart from the API routes (they are not in the OpenAPI document) so tests can walk them.
   */
  public void page(String method, String path, Handler h) {
    HandlerType type = switch (method) {
      case "GET" -> HandlerType.GET;
      case "POST" -> HandlerType.POST;
      default -> throw new IllegalArgumentException("a console page is GET or POST, got "
          + method);
    };
    routes.addHttpHandler(type, path, releasingBody(h), Access.CONSOLE);
    pages.add(new Route(type.name(), path, Set.of()));
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

  /** Every console page declared so far. */
  public List<Route> pages() {
    return List.copyOf(pages);
  }

  /** Every route declared so far. */
  public List<Route> routes() {
    return List.copyOf(declared);
  }
}
