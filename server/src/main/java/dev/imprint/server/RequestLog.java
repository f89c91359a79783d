package dev.imprint.server;

import dev.imprint.server.auth.Caller;
import dev.imprint.server.http.ApiServer;
import io.javalin.http.Context;
import java.util.Locale;
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
    String route = route(ctx);
    String tokenId = tokenId(ctx);
    int status = ctx.statusCode();
    double ms = millis == null ? 0 : millis;
    LOG.atInfo()
        .addKeyValue("method", ctx.method().name())
        .addKeyValue("route", route)
        .addKeyValue("status", status)
        .addKeyValue("durationMs", Math.round(ms * 100) / 100.0)
        .addKeyValue("tokenId", tokenId)
        .log(String.format(Locale.ROOT, "%s %s %d %.1fms token=%s", ctx.method().name(), route,
            status, ms, tokenId));
  }

  private static String route(Context ctx) {
    try {
      var matched = ctx.endpoints().matchedHttpEndpoint();
      return matched == null ? "unmatched" : matched.path;
    } catch (RuntimeException e) {
      return "unmatched";
    }
  }

  private static String tokenId(Context ctx) {
    try {
      return ApiServer.caller(ctx).tokenId();
    } catch (IllegalStateException e) {
      return "-";
    }
  }
}
