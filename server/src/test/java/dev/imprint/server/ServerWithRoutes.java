package dev.imprint.server;

import dev.imprint.server.http.ApiModule;
import java.io.PrintStream;
import java.time.Clock;
import java.util.List;

/** Starts a server with extra, test-only routes, for tests outside this package. */
public final class ServerWithRoutes {
  private ServerWithRoutes() {}

  /** A server on {@code config} with {@code extra} modules wired after the product's. */
  public static ImprintServer start(ServerConfig config, PrintStream console,
      List<ApiModule> extra) {
    return ImprintServer.start(config, console, Clock.systemUTC(), extra);
  }
}
