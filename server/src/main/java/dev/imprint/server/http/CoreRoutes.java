package dev.imprint.server.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Serves the hottest public calls (a workload's SVID renewal) on Jetty's core API, ahead of the
 * servlet container and Javalin, whose layers cost a workload's renewal about as much CPU as
 * everything it does apart from its signature. The route's logic is the same {@link
 * Call.Handler} Javalin serves it with ({@link Api#publicPost(String, Call.Handler)}).
 *
 * <p>Only the plain case is served here: {@code POST} to the route's exact path with a
 * Content-Length from 1 to the server-wide body limit, Content-Type {@code application/json} in
 * UTF-8, no {@code Accept-Encoding} but {@code identity} and no {@code Expect}. Every other call
 * to the path goes on to Javalin, which answers it as before: 413, 415, a chunked body,
 * compression, 405 for another method. The handlers around both are the same (capacity, minimum
 * data rate, graceful stop); a call served here is measured, logged and refused exactly as
 * through Javalin: the same body budget, JSON checks and problems, the same security headers,
 * request log line and request timer.
 */
final class CoreRoutes extends Handler.Wrapper {
  private final Map<String, Call.Handler> routes = new ConcurrentHashMap<>();
  private final LongAdder served = new LongAdder();
  private final long maxBodyBytes;
  private final BodyBudget budget;
  private final RequestTimers timers;
  private final ApiServer.Hooks hooks;

  CoreRoutes(long maxBodyBytes, BodyBudget budget, RequestTimers timers, ApiServer.Hooks hooks) {
    this.maxBodyBytes = maxBodyBytes;
    this.budget = budget;
    this.timers = timers;
    this.hooks = hooks;
  }

  /** Serves {@code POST path} with {@code h} in the plain case (routes are added before start). */
  void add(String path, Call.Handler h) {
    routes.put(path, h);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = Request.getPathInContext(request);
    Call.Handler h = plain(request, path);
    if (h == null) {
      return super.handle(request, response, callback);
    }
    serve(h, path, request, response, callback);
    return true;
  }

  /** Calls served here so far. */
  long served() {
    return served.sum();
  }

  /** The handler for {@code request} if it is a plain call of a core route, else null. */
  private Call.Handler plain(Request request, String path) {
    if (routes.isEmpty() || !HttpMethod.POST.is(request.getMethod())) {
      return null;
    }
    Call.Handler h = routes.get(path);
    if (h == null) {
      return null;
    }
    long length = request.getLength();
    if (length < 1 || length > maxBodyBytes) {
      return null;
    }
    var headers = request.getHeaders();
    String encoding = headers.get(HttpHeader.ACCEPT_ENCODING);
    if (encoding != null && !encoding.strip().equalsIgnoreCase("identity")
        || headers.contains(HttpHeader.EXPECT)
        || Json.mediaTypeRefusal(headers.get(HttpHeader.CONTENT_TYPE)) != null) {
      return null;
    }
    return h;
  }

  private void serve(Call.Handler h, String path, Request request, Response response,
      Callback callback) {
    long started = System.nanoTime();
    served.increment();
    hooks.before();
    Exchange call = new Exchange(request, response);
    int status;
    String type;
    byte[] body;
    try {
      body = Json.MAPPER.writeValueAsBytes(h.handle(call));
      status = 200;
      type = "application/json";
    } catch (Exception | Error e) {
      ApiProblem p = ApiServer.problemOf(e, "POST", path, maxBodyBytes, call::header);
      body = ApiServer.problemBody(p, path);
      status = p.status();
      type = "application/problem+json";
      if (!call.read) {
        // refused before the body was read (an invalid session): read and drop it, so that the
        // answer leaves nothing unread on a connection the client may send its next call on
        discard(request);
      }
    } finally {
      budget.give(call.held);
    }
    response.setStatus(status);
    var out = response.getHeaders();
    out.put(HttpHeader.CONTENT_TYPE, type);
    out.put(ApiServer.CACHE_CONTROL);
    out.put(ApiServer.NOSNIFF);
    out.put(HttpHeader.CONTENT_LENGTH, body.length);
    long nanos = System.nanoTime() - started;
    timers.record("POST", path, status, nanos);
    hooks.log("POST", path, status, nanos / 1e6f, null);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  /**
   * Reads and drops {@code request}'s body when it is no larger than what a refused call's body
   * is read to on Javalin's side ({@link Json#REFUSED_LINGER_BYTES}), so that an unauthenticated
   * client holds a thread no longer here than there.
   */
  private static void discard(Request request) {
    if (request.getLength() > Json.REFUSED_LINGER_BYTES) {
      return;
    }
    try {
      Content.Source.consumeAll(request);
    } catch (IOException | RuntimeException e) {
      // the client went away or stalled: there is nobody left to answer
    }
  }

  /** A call on Jetty's request and response. */
  private final class Exchange implements Call {
    private final Request request;
    private final Response response;
    private boolean read;
    /** KiB of the body budget this call holds. */
    int held;

    Exchange(Request request, Response response) {
      this.request = request;
      this.response = response;
    }

    @Override
    public String header(String name) {
      return request.getHeaders().get(name);
    }

    @Override
    public void header(String name, String value) {
      response.getHeaders().put(name, value);
    }

    @Override
    public <T> T body(Class<T> type) {
      if (read) {
        throw new IllegalStateException("the body of a call is read once");
      }
      read = true;
      long length = request.getLength();
      held = budget.take(length, this::header);
      byte[] bytes;
      try {
        ByteBuffer buffer = Content.Source.asByteBuffer(request);
        bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
      } catch (IOException | RuntimeException e) {
        throw Json.problem(e, maxBodyBytes);
      }
      return Json.parse(bytes, type, maxBodyBytes,
          more -> held = budget.takeMore(held, more, this::header));
    }
  }
}
