package dev.imprint.server.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Keeps part of the server's threads for health and metrics: at most {@link #MAX_REQUESTS} API
 * requests are handled at once; more wait without a thread (suspended, not blocking one) for up
 * to {@link #MAX_WAIT}, and are then answered 503 {@code server.busy} with {@code Retry-After}.
 * {@code /healthz}, {@code /readyz} and {@code /metrics} never wait here, so clients that hold
 * requests open (a body trickled in a byte at a time, say) cannot take the threads probes need;
 * the minimum data rate then cuts those clients off and their places go to the waiting ones.
 */
final class ApiCapacity extends QoSHandler {
  /** The server's thread pool: enough for the API's share and the probes' beside it. */
  static final int THREADS = 256;
  /** API requests handled at once; the other threads stay free for probes and Jetty itself. */
  static final int MAX_REQUESTS = 200;
  /** How long an API request waits for a place before 503. */
  static final Duration MAX_WAIT = Duration.ofSeconds(10);
  /** Paths that never wait for a place. */
  static final String[] RESERVED = {"/healthz", "/readyz", "/metrics"};

  private final Counter rejected;

  ApiCapacity(MeterRegistry metrics) {
    setMaxRequestCount(MAX_REQUESTS);
    setMaxSuspend(MAX_WAIT);
    excludePath(RESERVED);
    rejected = Counter.builder("imprint.http.rejected").tag("reason", "busy")
        .description("API requests turned away because the server was at capacity")
        .register(metrics);
  }

  @Override
  protected void reject(Request request, Response response, Callback callback, int status) {
    busy(response);
    super.reject(request, response, callback, status);
  }

  @Override
  protected void expireSuspended(Request request, Response response, Callback callback) {
    busy(response);
    super.expireSuspended(request, response, callback);
  }

  private void busy(Response response) {
    rejected.increment();
    response.getHeaders().put(HttpHeader.RETRY_AFTER,
        Integer.toString(BodyBudget.RETRY_AFTER_SECONDS));
  }
}
