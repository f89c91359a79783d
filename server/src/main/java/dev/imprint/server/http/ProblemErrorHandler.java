package dev.imprint.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty's own error answers as RFC 9457 problem documents, so that every error the server
 * sends is {@code application/problem+json} with a stable code, never an HTML page, an empty
 * body or a stack trace: a request line or header that is not HTTP (400 {@code http.400}), a
 * target or headers too large (414 {@code http.414}, 431 {@code http.431}), requests turned away
 * at capacity (503 {@code server.busy}), and anything that escapes a route's handler, an
 * {@link OutOfMemoryError} included (500 {@code internal}; the cause goes to the log).
 */
final class ProblemErrorHandler extends ErrorHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ProblemErrorHandler.class);
  private static final HttpField PROBLEM_JSON = new HttpField(HttpHeader.CONTENT_TYPE,
      "application/problem+json");
  private static final HttpField NO_STORE = new HttpField(HttpHeader.CACHE_CONTROL, "no-store");

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = response.getStatus() < 400 ? 500 : response.getStatus();
    if (status >= 500 && status != 503) {
      Object cause = request.getAttribute(ERROR_EXCEPTION);
      if (cause == null) {
        cause = request.getAttribute("jakarta.servlet.error.exception");
      }
      LOG.error("request {} {} failed with {}", request.getMethod(),
          request.getHttpURI().getPath(), status, cause instanceof Throwable t ? t : null);
    }
    response.setStatus(status);
    response.getHeaders().put(PROBLEM_JSON);
    response.getHeaders().put(NO_STORE);
    if (status == 503) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER,
          Integer.toString(BodyBudget.RETRY_AFTER_SECONDS));
    }
    response.write(true, body(status, request.getHttpURI().getPath()), callback);
    return true;
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(PROBLEM_JSON);
    fields.put(NO_STORE);
    return body(status, null);
  }

  /** The problem document for {@code status}; {@code path} is its instance when known. */
  static ByteBuffer body(int status, String path) {
    String code = switch (status) {
      case 500 -> "internal";
      case 503 -> "server.busy";
      case 408 -> "request.too_slow";
      default -> "http." + status;
    };
    ObjectNode json = Json.MAPPER.createObjectNode();
    json.put("type", "urn:imprint:problem:" + code);
    json.put("title", title(status));
    json.put("status", status);
    json.put("detail", detail(status));
    if (path != null) {
      json.put("instance", Json.printable(path));
    }
    json.put("code", code);
    try {
      return ByteBuffer.wrap(Json.MAPPER.writeValueAsBytes(json));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a problem document is always JSON", e);
    }
  }

  private static String title(int status) {
    String reason = HttpStatus.getMessage(status);
    return reason == null ? "HTTP " + status : reason;
  }

  private static String detail(int status) {
    return switch (status) {
      case 400 -> "the request is not valid HTTP/1.1 (its request line, a header or its"
          + " framing); the connection is closed";
      case 408 -> "the request arrived slower than the server's minimum data rate or stalled"
          + " past its idle timeout; the connection is closed";
      case 413 -> "the request body is larger than the server accepts";
      case 414 -> "the request target (path and query) is longer than the server accepts";
      case 415 -> "expected Content-Type application/json (UTF-8)";
      case 431 -> "the request headers are larger than the server accepts";
      case 500 -> "the server could not complete the request; the cause is in the server log";
      case 503 -> "the server is at its limit of requests in progress; retry after "
          + BodyBudget.RETRY_AFTER_SECONDS + " seconds";
      default -> "the server answered " + status + " " + title(status);
    };
  }
}
