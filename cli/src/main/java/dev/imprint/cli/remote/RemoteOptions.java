package dev.imprint.cli.remote;

import picocli.CommandLine.Option;

/**
 * Options every command that talks to the server shares: {@code --server} (or
 * {@code IMPRINT_SERVER}), the token from {@code IMPRINT_TOKEN}, {@code --insecure} and
 * {@code --output}.
 */
public final class RemoteOptions {
  /** How results are printed. */
  public enum Output { table, json }

  @Option(names = "--server", paramLabel = "URL",
      defaultValue = "${env:IMPRINT_SERVER:-http://127.0.0.1:7878}",
      description = "Control plane URL (default: IMPRINT_SERVER or ${DEFAULT-VALUE}).")
  String server;

  @Option(names = "--insecure",
      description = "Allow sending the token over plain http:// to a server that is not on"
          + " this machine (refused otherwise: anyone on the network path could read it).")
  boolean insecure;

  @Option(names = {"-o", "--output"}, paramLabel = "table|json", defaultValue = "table",
      description = "Human table (default) or JSON for scripts.")
  Output output;

  /** The token source; tests replace it. Never printed. */
  static java.util.function.Supplier<String> tokenSource = () -> System.getenv("IMPRINT_TOKEN");

  /** A client for the configured server and token. */
  public ApiClient client() {
    return new ApiClient(server, tokenSource.get(), insecure);
  }

  /**
   * A client for the configured server that sends {@code bearer} (a workload's JWT-SVID)
   * instead of the API token.
   */
  public ApiClient client(String bearer) {
    return new ApiClient(server, bearer, insecure);
  }

  /**
   * A client for {@code server} with the token from IMPRINT_TOKEN (for other commands);
   * {@code insecure} allows plain HTTP to a host that is not this machine.
   */
  public static ApiClient client(String server, boolean insecure) {
    return new ApiClient(server, tokenSource.get(), insecure);
  }

  public Output output() {
    return output;
  }

  public boolean json() {
    return output == Output.json;
  }

  /** Replaces where the token comes from (tests); returns the previous source. */
  public static java.util.function.Supplier<String> useTokenSource(
      java.util.function.Supplier<String> source) {
    var previous = tokenSource;
    tokenSource = source;
    return previous;
  }
}
