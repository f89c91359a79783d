package dev.imprint.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.cli.remote.ApiClient;
import dev.imprint.cli.remote.RemoteCommand;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code imprint join-token create}: a single-use join token for an approved image. */
@Command(name = "join-token", mixinStandardHelpOptions = true,
    description = "Creates single-use join tokens with which a workload of an approved image"
        + " attests and gets its SVIDs (needs an admin token, or a pipeline token bound to the"
        + " image's identity or to the pipeline that registered it, in IMPRINT_TOKEN).",
    subcommands = {JoinTokenCommand.Create.class})
final class JoinTokenCommand {
  /** {@code imprint join-token create}. */
  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Creates a join token bound to one approved (or deployed) image and the"
          + " identity it carries, and prints the token alone on standard output (shown once;"
          + " only its hash is stored).")
  static final class Create extends RemoteCommand {
    @Option(names = "--image", required = true, paramLabel = "sha256:DIGEST",
        description = "The approved or deployed image the workload runs.")
    String image;

    @Option(names = "--identity", required = true, paramLabel = "SPIFFE_ID",
        description = "The identity the image carries.")
    String identity;

    @Option(names = "--ttl", paramLabel = "DURATION",
        description = "How long the token may wait to be redeemed: 30s to 1h (default 10m).")
    String ttl;

    @Override
    protected JsonNode call(ApiClient client) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("image", image);
      body.put("identity", identity);
      if (ttl != null) {
        body.put("ttl", ttl);
      }
      return client.post("/v1/join-tokens", body);
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      out.println(r.path("token").asText());
    }
  }
}
