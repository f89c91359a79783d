package dev.imprint.server.testing;

import dev.imprint.server.ImprintServer;
import dev.imprint.server.ServerConfig;
import java.nio.file.Path;

/**
 * Runs a real server in its own JVM for {@link ServerProcess}: {@code <data-dir> [jdbc-url]}.
 * Prints the admin token (first start) and {@code ready <url>}, then serves until killed.
 */
public final class ServerProcessMain {
  private ServerProcessMain() {}

  public static void main(String[] args) throws Exception {
    ServerConfig d = ServerConfig.defaults();
    ServerConfig c = new ServerConfig("127.0.0.1", 0, Path.of(args[0]),
        args.length > 1 ? args[1] : null, d.trustDomain(), null, null, false, d.logFormat(),
        d.maxBodyBytes());
    ImprintServer server = ImprintServer.start(c, System.out);
    System.out.println("ready " + server.url());
    System.out.flush();
    Thread.currentThread().join();
  }
}
