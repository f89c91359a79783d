package dev.imprint.server;

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

  /** The line of one answered call ({@code tokenId} null on a public route). */
  static void log(String method, String route, int status, float millis, String tokenId) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    String token = tokenId == null ? "-" : tokenId;
    LOG.atInfo()
        .addKeyValue("method", method)
        .addKeyValue("route", route)
        .addKeyValue("status", status)
        .addKeyValue("durationMs", Math.round(millis * 100) / 100.0)
        .addKeyValue("tokenId", token)
        .log(line(method, route, status, millis, token));
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
}
