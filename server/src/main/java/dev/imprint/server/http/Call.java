package dev.imprint.server.http;

/**
 * One call of a route written once for both ways the server serves it: through Javalin, and on
 * Jetty's core API ({@link CoreRoutes}) for the hot calls whose framework cost would otherwise
 * be a large part of their own. A handler reads headers and the JSON body here, may set response
 * headers, and returns the JSON answer (status 200); it refuses by throwing, exactly as a Javalin
 * handler does ({@link ApiProblem}, a store failure, and so on), and both ways turn the exception
 * into the same problem.
 */
public interface Call {
  /** The request header {@code name} (case-insensitive), or null. */
  String header(String name);

  /**
   * The request body as {@code type}: a JSON object within the server-wide body limit, read as
   * {@link Json#body(io.javalin.http.Context, Class)} reads it, with the same problems.
   */
  <T> T body(Class<T> type);

  /** Sets the response header {@code name}, also on a refusal. */
  void header(String name, String value);

  /** A route's logic: the JSON answer of a call, or an exception that refuses it. */
  @FunctionalInterface
  interface Handler {
    Object handle(Call call) throws Exception;
  }
}
