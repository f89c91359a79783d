package dev.imprint.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.cli.remote.ApiClient;
import dev.imprint.cli.remote.RemoteCommand;
import dev.imprint.cli.remote.Table;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code imprint cluster}: the Kubernetes clusters whose service-account tokens are trusted. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = "Registers Kubernetes clusters (their service-account token issuer and JWKS),"
        + " creates the admission webhooks' token and binds service accounts to identities"
        + " (admin; an auditor may list and show).",
    subcommands = {ClusterCommand.Add.class, ClusterCommand.Update.class,
        ClusterCommand.ListClusters.class, ClusterCommand.Show.class, ClusterCommand.Token.class,
        ClusterCommand.Bind.class, ClusterCommand.Unbind.class})
final class ClusterCommand {
  /** Largest JWKS file read. */
  static final long MAX_JWKS = 1 << 20;

  private ClusterCommand() {}

  static String path(String name) {
    return "/v1/clusters/" + URLEncoder.encode(name, StandardCharsets.UTF_8);
  }

  /**
   * Puts {@code --jwks FILE|URL} into {@code body}: an http(s) URL as {@code jwksUrl} (the
   * server fetches and refreshes it), anything else as a file whose JWKS is sent.
   */
  static void jwks(String jwks, Map<String, Object> body) {
    if (jwks.startsWith("https://") || jwks.startsWith("http://")) {
      body.put("jwksUrl", jwks);
      return;
    }
    Path file = Path.of(jwks);
    try {
      if (Files.size(file) > MAX_JWKS) {
        throw new IllegalArgumentException("--jwks: " + file + " is larger than 1 MiB");
      }
      body.put("jwks", ApiClient.json().readTree(file.toFile()));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("--jwks: " + file + " is not JSON: "
          + e.getOriginalMessage());
    } catch (IOException e) {
      throw new IllegalArgumentException("--jwks: cannot read " + file + " (give a JWKS file"
          + " or an https:// URL): " + e.getMessage());
    }
  }

  static void printOne(JsonNode c, PrintWriter out) {
    out.println("name:     " + c.path("name").asText());
    out.println("issuer:   " + c.path("issuer").asText());
    out.println("jwks:     " + (c.path("jwksUrl").isTextual() ? c.path("jwksUrl").asText()
        + " (fetched, refreshed)" : "document"));
    out.println("key ids:  " + String.join(", ", ApiClient.json().convertValue(
        c.path("keyIds"), String[].class)));
    out.println("updated:  " + c.path("updatedAt").asText());
    JsonNode bindings = c.path("bindings");
    if (bindings.isArray() && !bindings.isEmpty()) {
      Table t = new Table("IDENTITY", "NAMESPACE", "SERVICE ACCOUNT", "SINCE");
      for (JsonNode b : bindings) {
        t.row(b.path("identity").asText(), b.path("namespace").asText(),
            b.path("serviceAccount").asText(), b.path("createdAt").asText());
      }
      out.println("bindings:");
      t.print(out);
    }
  }

  /** {@code imprint cluster add NAME --issuer URL --jwks FILE|URL}. */
  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Registers a cluster's service-account token issuer and its JWKS (a file,"
          + " or a URL the server fetches now and refreshes).")
  static final class Add extends RemoteCommand {
    @Parameters(paramLabel = "NAME", description = "The cluster's name (a DNS label).")
    String name;

    @Option(names = "--issuer", required = true, paramLabel = "URL",
        description = "The 'iss' of its service-account tokens (kube-apiserver"
            + " --service-account-issuer).")
    String issuer;

    @Option(names = "--jwks", required = true, paramLabel = "FILE|URL",
        description = "The issuer's public JWKS: a file (kubectl get --raw /openid/v1/jwks),"
            + " or its https:// URL.")
    String jwks;

    @Override
    protected JsonNode call(ApiClient client) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("name", name);
      body.put("issuer", issuer);
      jwks(jwks, body);
      return client.post("/v1/clusters", body);
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      out.println("added cluster " + r.path("name").asText() + " (keys "
          + String.join(", ", ApiClient.json().convertValue(r.path("keyIds"), String[].class))
          + ")");
    }
  }

  /** {@code imprint cluster update NAME}. */
  @Command(name = "update", mixinStandardHelpOptions = true,
      description = "Changes a cluster's issuer and/or JWKS.")
  static final class Update extends RemoteCommand {
    @Parameters(paramLabel = "NAME", description = "The cluster.")
    String name;

    @Option(names = "--issuer", paramLabel = "URL", description = "The new issuer.")
    String issuer;

    @Option(names = "--jwks", paramLabel = "FILE|URL", description = "The new JWKS.")
    String jwks;

    @Override
    protected JsonNode call(ApiClient client) {
      Map<String, Object> body = new LinkedHashMap<>();
      if (issuer != null) {
        body.put("issuer", issuer);
      }
      if (jwks != null) {
        jwks(jwks, body);
      }
      return client.patch(path(name), body);
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      printOne(r, out);
    }
  }

  /** {@code imprint cluster list}. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists clusters.")
  static final class ListClusters extends RemoteCommand {
    @Override
    protected JsonNode call(ApiClient client) {
      return client.get("/v1/clusters", Map.of());
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      Table t = new Table("NAME", "ISSUER", "JWKS", "KEYS", "UPDATED");
      for (JsonNode c : r.path("items")) {
        t.row(c.path("name").asText(), c.path("issuer").asText(),
            c.path("jwksUrl").isTextual() ? c.path("jwksUrl").asText() : "document",
            c.path("keyIds").size(), c.path("updatedAt").asText());
      }
      t.print(out);
    }
  }

  /** {@code imprint cluster show NAME}. */
  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Shows a cluster with its key ids and service-account bindings.")
  static final class Show extends RemoteCommand {
    @Parameters(paramLabel = "NAME", description = "The cluster.")
    String name;

    @Override
    protected JsonNode call(ApiClient client) {
      return client.get(path(name), Map.of());
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      printOne(r, out);
    }
  }

  /** {@code imprint cluster token NAME}: the webhooks' token, printed alone. */
  @Command(name = "token", mixinStandardHelpOptions = true,
      description = "Creates an admission token bound to the cluster, for its API server's"
          + " webhook kubeconfig, and prints it alone on standard output (shown once).")
  static final class Token extends RemoteCommand {
    @Parameters(paramLabel = "NAME", description = "The cluster.")
    String name;

    @Option(names = "--description", paramLabel = "TEXT", description = "What it is for.")
    String description;

    @Override
    protected JsonNode call(ApiClient client) {
      return admissionToken(client, name, description);
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      out.println(r.path("token").asText());
    }
  }

  /** Creates an admission token bound to cluster {@code name}. */
  static JsonNode admissionToken(ApiClient client, String name, String description) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (description != null) {
      body.put("description", description);
    }
    return client.post(path(name) + "/admission-tokens", body);
  }

  /** Options naming one service-account binding. */
  abstract static class BindingCommand extends RemoteCommand {
    @Parameters(paramLabel = "NAME", description = "The cluster.")
    String name;

    @Option(names = "--identity", required = true, paramLabel = "SPIFFE_ID",
        description = "The identity.")
    String identity;

    @Option(names = "--service-account", required = true, paramLabel = "NAMESPACE/NAME",
        description = "The service account, e.g. payments/payments-api.")
    String serviceAccount;

    String namespace() {
      return split()[0];
    }

    String account() {
      return split()[1];
    }

    private String[] split() {
      int slash = serviceAccount.indexOf('/');
      if (slash <= 0 || slash == serviceAccount.length() - 1
          || serviceAccount.indexOf('/', slash + 1) >= 0) {
        throw new IllegalArgumentException("expected --service-account NAMESPACE/NAME, got '"
            + serviceAccount + "'");
      }
      return new String[] {serviceAccount.substring(0, slash),
          serviceAccount.substring(slash + 1)};
    }
  }

  /** {@code imprint cluster bind NAME --identity ID --service-account NS/SA}. */
  @Command(name = "bind", mixinStandardHelpOptions = true,
      description = "Binds a service account to an identity: once an identity has bindings,"
          + " only pods running as one of them are issued its SVIDs.")
  static final class Bind extends BindingCommand {
    @Override
    protected JsonNode call(ApiClient client) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("identity", identity);
      body.put("namespace", namespace());
      body.put("serviceAccount", account());
      return client.post(path(name) + "/bindings", body);
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      out.println("bound " + r.path("cluster").asText() + ":" + r.path("namespace").asText()
          + "/" + r.path("serviceAccount").asText() + " to " + r.path("identity").asText());
    }
  }

  /** {@code imprint cluster unbind NAME --identity ID --service-account NS/SA}. */
  @Command(name = "unbind", mixinStandardHelpOptions = true, description = "Removes a binding.")
  static final class Unbind extends BindingCommand {
    @Override
    protected JsonNode call(ApiClient client) {
      client.delete(path(name) + "/bindings?identity=" + enc(identity) + "&namespace="
          + enc(namespace()) + "&serviceAccount=" + enc(account()));
      return ApiClient.json().createObjectNode().put("unbound", true);
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      out.println("unbound " + name + ":" + serviceAccount + " from " + identity);
    }

    private static String enc(String s) {
      return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
  }
}
