package dev.imprint.server;

import dev.imprint.server.auth.Caller;
import dev.imprint.server.http.ApiServer;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line per request: method, matched route (never the raw path with its parameters or
 * query), status, duration and the caller's token id. The token itself is never available
 * here: {@link Caller} holds only its id.
 */
final class RequestLog {
  static final Logger LOG = LoggerFactory.getLogger("imprint.request");

  private RequestLog() {}

  static void log(Context ctx, Float millis) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    String method = ctx.method().name();
    String route = route(ctx);
    Caller caller = ApiServer.callerOrNull(ctx);
    String tokenId = caller == null ? "-" : caller.tokenId();
    int status = ctx.statusCode();
    double ms = millis == null ? 0 : millis;
    LOG.atInfo()
        .addKeyValue("method", method)
        .addKeyValue("route", route)
        .addKeyValue("status", status)
        .addKeyValue("durationMs", Math.round(ms * 100) / 100.0)
        .addKeyValue("tokenId", tokenId)
        .log(line(method, route, status, ms, tokenId));
  }

  /**
   * {@code POST /v1/svid/renew 200 1.3ms token=-}: built directly rather than through
   * {@code String.format}, whose parsing of the pattern cost more than the rest of the line.
   */
  static String line(String method, String route, int status, double ms, String tokenId) {
    long tenths = Math.round(ms * 10);
    return new StringBuilder(48 + route.length()).append(method).append(' ').append(route)
        .append(' ').append(status).append(' ').append(tenths / 10).append('.')
        .append(tenths % 10).append("ms token=").append(tokenId).toString();
  }

  private static String route(Context ctx) {
    try {
      var matched = ctx.endpoints().matchedHttpEndpoint();
      return matched == null ? "unmatched" : matched.path;
    } catch (RuntimeException e) {
      return "unmatched";
    }
  }
}
