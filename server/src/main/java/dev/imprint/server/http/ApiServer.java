package dev.imprint.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imprint.server.auth.Caller;
import dev.imprint.server.auth.Role;
import dev.imprint.server.auth.TokenService;
import dev.imprint.server.store.StoreException;
import dev.imprint.server.text.TextRefused;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.javalin.security.RouteRole;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.MinimumDataRateHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP front: authenticates every call that is not public, checks the route's roles,
 * renders errors as RFC 9457 problems, measures requests, and serves health, metrics and the
 * OpenAPI document. Capabilities add their routes through {@link ApiModule}.
 */
public final class ApiServer {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
  private static final String CALLER = "imprint.caller";
  private static final String STARTED = "imprint.started";

  /**
   * How much larger than the server-wide limit a body may be on the routes that take documents
   * (findings uploads, image registrations with their reports).
   */
  public static final int DOCUMENT_BODY_FACTOR = 16;

  /**
   * Bytes per second a request body must arrive at, on average since the server first waited
   * for it, checked each time the server waits for more of it; slower bodies are cut off with
   * 408 {@code request.too_slow}.
   */
  public static final long MIN_REQUEST_DATA_RATE = 1024;
  /** How long a blocked read or write of a request may wait for the client before 408. */
  public static final long IDLE_TIMEOUT_MILLIS = 30_000;

  /**
   * How to listen and how much to accept. {@code inputLimits} false drops the shared body budget
   * and the minimum request data rate: for the input-limits benchmark A/B only, never reachable
   * from the command line.
   */
  public record Settings(String host, int port, long maxBodyBytes,
      Consumer<JavalinConfig> jettyCustomizer, boolean inputLimits, Hooks hooks) {
    /** Settings with the input limits on, as every server runs. */
    public Settings(String host, int port, long maxBodyBytes,
        Consumer<JavalinConfig> jettyCustomizer) {
      this(host, port, maxBodyBytes, jettyCustomizer, true, Hooks.NONE);
    }

    /** Settings without hooks. */
    public Settings(String host, int port, long maxBodyBytes,
        Consumer<JavalinConfig> jettyCustomizer, boolean inputLimits) {
      this(host, port, maxBodyBytes, jettyCustomizer, inputLimits, Hooks.NONE);
    }
  }

  /**
   * What the server around the HTTP front does for every API call, whichever way it is served
   * (through Javalin or on Jetty's core API, see {@link CoreRoutes}).
   */
  public interface Hooks {
    /** Nothing. */
    Hooks NONE = new Hooks() {
      @Override
      public void before() {}

      @Override
      public void log(String method, String route, int status, float millis, String tokenId) {}
    };

    /** Runs on the request's thread before its handler. */
    void before();

    /**
     * The call is answered: its method, matched route ({@code unmatched} when none matched),
     * status, duration, and the id of the caller's token (null on a public route).
     */
    void log(String method, String route, int status, float millis, String tokenId);
  }

  /** Sent on every API answer: nothing here may be cached, nor sniffed as another type. */
  static final HttpField CACHE_CONTROL = new HttpField(HttpHeader.CACHE_CONTROL, "no-store");
  static final HttpField NOSNIFF = new HttpField("X-Content-Type-Options", "nosniff");

  private final Javalin app;
  private final List<Api.Route> routes;
  private final List<Api.Route> pages;
  private final CoreRoutes core;

  private ApiServer(Javalin app, List<Api.Route> routes, List<Api.Route> pages,
      CoreRoutes core) {
    this.app = app;
    this.routes = routes;
    this.pages = pages;
    this.core = core;
  }

  /** Builds and starts the server; {@code readiness} answers {@code /readyz}. */
  public static ApiServer start(Settings settings, TokenService tokens,
      PrometheusMeterRegistry metrics, Readiness readiness, List<ApiModule> modules) {
    String openApi = openApiText(modules);
    RequestTimers timers = new RequestTimers(metrics);
    BodyBudget budget = settings.inputLimits()
        ? BodyBudget.forHeap(Runtime.getRuntime().maxMemory(),
            settings.maxBodyBytes() * DOCUMENT_BODY_FACTOR + settings.maxBodyBytes())
        : BodyBudget.none();
    RequestLimits limits = new RequestLimits(settings.maxBodyBytes(), budget);
    Gauge.builder("imprint.http.body.held", budget, BodyBudget::heldBytes).baseUnit("bytes")
        .description("request body bytes held by requests in flight").register(metrics);
    Gauge.builder("imprint.http.body.budget", budget, BodyBudget::totalBytes).baseUnit("bytes")
        .description("request body bytes the server holds at most at once").register(metrics);
    CoreRoutes core = new CoreRoutes(settings.maxBodyBytes(), budget, timers, settings.hooks());
    Api[] holder = new Api[1];
    Javalin app = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      cfg.startup.showOldJavalinVersionWarning = false;
      cfg.http.maxRequestSize = settings.maxBodyBytes();
      cfg.http.prefer405over404 = true;
      // Javalin copies a result stream to the response through a buffer of this size, allocated
      // afresh for every response (32 KiB by default); every result here is bytes that
      // ResponseBody writes itself, so the copy only ever sees an empty stream
      cfg.http.responseBufferSize = ResponseBody.COPY_BUFFER_BYTES;
      cfg.jsonMapper(new JavalinJackson(Json.MAPPER, false));
      cfg.jetty.threadPool = new QueuedThreadPool(ApiCapacity.THREADS, 8, 60_000);
      if (settings.jettyCustomizer() != null) {
        settings.jettyCustomizer().accept(cfg);
      }
      // HttpConfiguration's own minimum request data rate is not used: Jetty 12's servlet
      // input checks it on every read, so a small body read late by a busy server (all of it
      // arrived long before) fails with 408; the handler checks only when the server waits
      // for bytes the client has not sent yet
      cfg.jetty.modifyHttpConfiguration(http -> http.setIdleTimeout(IDLE_TIMEOUT_MILLIS));
      ProblemErrorHandler errors = new ProblemErrorHandler();
      cfg.jetty.modifyServer(server -> {
        server.setErrorHandler(errors);
        // the core routes go innermost, so that Javalin's servlet context is attached below them
        // and every handler above (graceful stop, data rate, capacity) sees their calls too
        innermost(server).setHandler(core);
        if (settings.inputLimits()) {
          server.insertHandler(new MinimumDataRateHandler(MIN_REQUEST_DATA_RATE, 0));
        }
        server.insertHandler(new ApiCapacity(metrics));
      });
      cfg.jetty.modifyServletContextHandler(context -> {
        context.setErrorHandler(errors);
        // no servlet sessions: API calls carry bearer tokens and the console keeps its own
        // cookie session (ConsoleSessions), so Jetty's session handler would only wrap every
        // request's stream and look for a session cookie (Jetty cannot unset it: see NoSessions)
        context.setSessionHandler(new NoSessions());
      });
      cfg.router.javaLangErrorHandler(ApiServer::errorEscaped);
      Api api = new Api(cfg.routes, core);
      holder[0] = api;
      Hooks hooks = settings.hooks();
      cfg.routes.before(ctx -> {
        ctx.attribute(STARTED, System.nanoTime());
        ctx.attribute(Json.LIMITS, limits);
        ctx.header(CACHE_CONTROL.getName(), CACHE_CONTROL.getValue());
        ctx.header(NOSNIFF.getName(), NOSNIFF.getValue());
        hooks.before();
      });
      cfg.requestLogger.http((ctx, millis) -> {
        Caller caller = callerOrNull(ctx);
        hooks.log(ctx.method().name(), route(ctx), ctx.statusCode(),
            millis == null ? 0 : millis, caller == null ? null : caller.tokenId());
      });
      cfg.routes.beforeMatched(ctx -> authorize(ctx, tokens));
      ResponseBody bodies = new ResponseBody(
          cfg.http.compressionStrategy.getDefaultMinSizeForCompression());
      cfg.routes.after(ctx -> {
        record(ctx, timers);
        bodies.write(ctx);
      });
      // Javalin answers its own HTTP statuses (a 405, say) in plain text unless a handler is
      // registered for them by name: the same mapping goes under both
      io.javalin.http.ExceptionHandler<Exception> problems = (e, ctx) -> {
        problem(ctx, problemOf(e, ctx.method().name(), ctx.path(), settings.maxBodyBytes(),
            ctx::header));
        Json.discardUnread(ctx);
      };
      cfg.routes.exception(HttpResponseException.class, problems::handle);
      cfg.routes.exception(Exception.class, problems);
      cfg.routes.error(404, "*", ctx -> {
        String type = ctx.res().getContentType();
        // a problem already written, or a console page that says what was not found
        if (!"application/problem+json".equals(type)
            && (type == null || !type.startsWith("text/html"))) {
          problem(ctx, ApiProblem.notFound("http.not_found", "no route for "
              + ctx.method() + " " + ctx.path()));
        }
      });
      api.publicGet("/healthz", ctx -> ctx.json(java.util.Map.of("status", "ok")));
      api.publicGet("/readyz", ctx -> {
        List<Readiness.Failure> failures = readiness.failures();
        if (failures.isEmpty()) {
          ctx.json(java.util.Map.of("status", "ready"));
        } else {
          ctx.status(503).json(java.util.Map.of("status", "not ready", "reasons", failures));
        }
      });
      api.publicGet("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
          .result(metrics.scrape()));
      api.publicGet("/v1/openapi.json", ctx -> ctx.contentType("application/json")
          .result(openApi));
      for (ApiModule m : modules) {
        m.routes(api);
      }
    });
    app.start(settings.host(), settings.port());
    return new ApiServer(app, holder[0].routes(), holder[0].pages(), core);
  }

  /**
   * Jetty's servlet context always has a session handler once Javalin has given it one (it
   * refuses to unset it), so this one stands in its place and passes every request straight on:
   * no stream wrapper and no cookie parsing; the request has no session ({@code getSession(false)}
   * is null) and none can be opened ({@code getSession(true)} throws).
   */
  static final class NoSessions extends org.eclipse.jetty.ee10.servlet.SessionHandler {
    @Override
    public boolean handle(org.eclipse.jetty.server.Request request,
        org.eclipse.jetty.server.Response response, org.eclipse.jetty.util.Callback callback)
        throws Exception {
      var servlet = org.eclipse.jetty.server.Request.as(request,
          org.eclipse.jetty.ee10.servlet.ServletContextRequest.class);
      if (servlet != null) {
        servlet.setRequestedSession(org.eclipse.jetty.session.AbstractSessionManager
            .RequestedSession.NO_REQUESTED_SESSION);
      }
      org.eclipse.jetty.server.Handler next = getHandler();
      return next != null && next.handle(request, response, callback);
    }

    @Override
    public void newSession(org.eclipse.jetty.server.Request request, String requestedId,
        java.util.function.Consumer<org.eclipse.jetty.session.ManagedSession> consumer) {
      throw new IllegalStateException("this server opens no servlet sessions: API calls carry"
          + " bearer tokens and the console keeps its own cookie session");
    }
  }

  /** The authenticated caller of a request (set before any non-public handler runs). */
  public static Caller caller(Context ctx) {
    Caller c = ctx.attribute(CALLER);
    if (c == null) {
      throw new IllegalStateException("no caller on a public route");
    }
    return c;
  }

  /** The authenticated caller of a request, or null on a public route or before it is known. */
  public static Caller callerOrNull(Context ctx) {
    return ctx.attribute(CALLER);
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return app.port();
  }

  /** Calls served on Jetty's core API so far ({@link CoreRoutes}): for tests. */
  public long coreCalls() {
    return core.served();
  }

  /** Every route, for the route-walking tests. */
  public List<Api.Route> routes() {
    return routes;
  }

  /** Every web console page, for the console's route-walking tests. */
  public List<Api.Route> pages() {
    return pages;
  }

  /** Stops accepting requests, lets in-flight requests finish, then stops. */
  public void stop() {
    app.stop();
  }

  private static void authorize(Context ctx, TokenService tokens) {
    Set<RouteRole> roles = ctx.routeRoles();
    if (roles.contains(Access.PUBLIC) || roles.contains(Access.CONSOLE)) {
      return;
    }
    String header = ctx.header("Authorization");
    String bearer = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
        ? header.substring(7).trim() : null;
    Caller caller = tokens.authenticate(bearer).orElse(null);
    if (caller == null) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"imprint\"");
      throw new ApiProblem(401, bearer == null ? "auth.token_missing" : "auth.token_invalid",
          "Unauthorized", bearer == null
              ? "expected an Authorization: Bearer <token> header, got none"
              : "the bearer token is unknown, revoked or malformed, or the identity it is bound"
                  + " to is disabled or offboarded");
    }
    if (!roles.contains(caller.role())) {
      throw new ApiProblem(403, "auth.role_forbidden", "Forbidden", "this call needs role "
          + roles.stream().map(r -> ((Role) r).wire()).sorted()
              .collect(Collectors.joining(" or ")) + "; the token has role " + caller.role().wire());
    }
    ctx.attribute(CALLER, caller);
  }

  private static void record(Context ctx, RequestTimers timers) {
    Long started = ctx.attribute(STARTED);
    if (started == null) {
      return;
    }
    timers.record(ctx.method().name(), route(ctx), ctx.statusCode(),
        System.nanoTime() - started);
  }

  /** The route {@code ctx} matched (its pattern, never the raw path), or {@code unmatched}. */
  private static String route(Context ctx) {
    try {
      var matched = ctx.endpoints().matchedHttpEndpoint();
      return matched == null ? "unmatched" : matched.path;
    } catch (RuntimeException e) {
      return "unmatched";
    }
  }

  /** The innermost handler wrapper of {@code server} (the server itself when it has none). */
  private static Handler.Wrapper innermost(Server server) {
    Handler.Wrapper w = server;
    while (w.getHandler() instanceof Handler.Wrapper inner) {
      w = inner;
    }
    if (w.getHandler() != null) {
      throw new IllegalStateException("the server's innermost handler " + w.getHandler()
          + " is not a wrapper: the core routes have no place in front of the servlet context");
    }
    return w;
  }

  /**
   * An {@link Error} out of a handler (an OutOfMemoryError, a StackOverflowError, a failed
   * assertion): logged with its cause, answered 500 {@code internal} like any other failure.
   * Javalin hands these over apart from exceptions, with the response only.
   */
  private static void errorEscaped(HttpServletResponse res, Error error) {
    LOG.error("a request failed with {}", error.getClass().getName(), error);
    if (res.isCommitted()) {
      return;
    }
    try {
      res.resetBuffer();
      res.setStatus(500);
      res.setContentType("application/problem+json");
      res.setHeader("Cache-Control", "no-store");
      ByteBuffer body = ProblemErrorHandler.body(500, null);
      res.getOutputStream().write(body.array(), body.arrayOffset(), body.remaining());
    } catch (IOException | RuntimeException e) {
      LOG.warn("the 500 answer could not be written: {}", e.toString());
    }
  }

  static void problem(Context ctx, ApiProblem p) {
    ctx.status(p.status()).contentType("application/problem+json")
        .result(problemBody(p, ctx.path()));
  }

  /** The RFC 9457 body of {@code p} for a request to {@code path}. */
  static byte[] problemBody(ApiProblem p, String path) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("type", "urn:imprint:problem:" + p.code());
    body.put("title", p.title());
    body.put("status", p.status());
    body.put("detail", p.detail());
    body.put("instance", path);
    body.put("code", p.code());
    p.extensions().forEach((k, v) -> body.set(k, Json.MAPPER.valueToTree(v)));
    try {
      return Json.MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      return "{}".getBytes(StandardCharsets.UTF_8);
    }
  }

  /**
   * The problem a handler's exception answers, on either way a call is served: its own problem,
   * a store failure (with its Retry-After), refused text, Javalin's HTTP statuses; anything else
   * is logged and answered 500 {@code internal}. {@code header} sets response headers.
   */
  static ApiProblem problemOf(Throwable e, String method, String path, long maxBodyBytes,
      BiConsumer<String, String> header) {
    if (e instanceof ApiProblem p) {
      return p;
    }
    if (e instanceof StoreException s) {
      if (s.retryAfterSeconds() > 0) {
        header.accept("Retry-After", Integer.toString(s.retryAfterSeconds()));
      }
      return fromStore(s);
    }
    if (e instanceof TextRefused t) {
      return ApiProblem.badRequest(t.code(), t.getMessage());
    }
    if (e instanceof HttpResponseException h) {
      return h.getStatus() == 404
          ? ApiProblem.notFound("http.not_found", "no route for " + method + " " + path)
          : new ApiProblem(h.getStatus(), "http." + h.getStatus(), statusTitle(h.getStatus()),
              h.getStatus() == 413 ? "the request body is larger than the limit of "
                  + maxBodyBytes + " bytes" : h.getMessage());
    }
    if (e instanceof Error) {
      LOG.error("a request failed with {}", e.getClass().getName(), e);
    } else {
      LOG.error("request {} {} failed", method, path, e);
    }
    return new ApiProblem(500, "internal", "Internal server error",
        "the server could not complete the request; the cause is in the server log");
  }

  private static ApiProblem fromStore(StoreException e) {
    return switch (e.code()) {
      case "store.conflict" -> ApiProblem.conflict(e.code(), e.getMessage());
      // expected while the store is down or overloaded: the store logs the outage once, and
      // the request log has each 503
      case "store.unavailable" -> new ApiProblem(503, e.code(), "Service unavailable",
          "the store is unavailable or did not serve the request in time; nothing was written;"
              + " retry after the Retry-After seconds");
      case "store.busy" -> new ApiProblem(503, e.code(), "Service unavailable",
          "too many requests are waiting for the store; nothing was written; retry after the"
              + " Retry-After seconds");
      case "store.outcome_unknown" -> new ApiProblem(503, e.code(), "Service unavailable",
          "the store failed while the change was being committed, or after it was"
              + " committed and before the request was done, and whether the change is in place"
              + " could not be confirmed in time; retry with the same Idempotency-Key to get the"
              + " original answer, or check before retrying without one");
      default -> {
        LOG.error("store failure", e);
        yield new ApiProblem(503, e.code(), "Service unavailable",
            "the store could not complete the request; the cause is in the server log");
      }
    };
  }

  private static String statusTitle(int status) {
    return switch (status) {
      case 413 -> "Content too large";
      case 405 -> "Method not allowed";
      case 404 -> "Not found";
      default -> "HTTP " + status;
    };
  }

  private static String openApiText(List<ApiModule> modules) {
    try {
      return Json.MAPPER.writerWithDefaultPrettyPrinter()
          .writeValueAsString(OpenApiDocument.assemble(modules));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render the OpenAPI document", e);
    }
  }
}
