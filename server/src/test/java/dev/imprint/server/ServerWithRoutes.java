package dev.imprint.server;

import dev.imprint.server.http.ApiModule;
import java.io.PrintStream;
import java.time.Clock;
import java.util.List;

/**
 * Starts a server with extra, test-only routes or a clock of the test's, for tests outside this
 * package.
 */
public final class ServerWithRoutes {
  private ServerWithRoutes() {}

  /** A server on {@code config} with {@code extra} modules wired after the product's. */
  public static ImprintServer start(ServerConfig config, PrintStream console,
      List<ApiModule> extra) {
    return start(config, console, Clock.systemUTC(), extra);
  }

  /** A server on {@code config} reading the time from {@code clock} (a test moves it). */
  public static ImprintServer start(ServerConfig config, PrintStream console, Clock clock,
      List<ApiModule> extra) {
    return ImprintServer.start(config, console, clock, extra);
  }
}
