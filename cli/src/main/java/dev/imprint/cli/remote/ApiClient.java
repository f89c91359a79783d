package dev.imprint.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A small client of the control plane's {@code /v1} API: JSON in and out, the bearer token
 * from {@code IMPRINT_TOKEN}, and problem documents turned into {@link RemoteException}.
 */
public final class ApiClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Pages {@link #getAllPages} reads at most (200 items each). */
  public static final int MAX_PAGES = 10_000;

  private final URI base;
  private final String token;
  private final HttpClient http;

  /** A client that refuses to send the token over plain HTTP to a host off this machine. */
  public ApiClient(String server, String token) {
    this(server, token, false);
  }

  /**
   * A client of {@code server}. Unless {@code insecure}, a plain {@code http://} URL must name a
   * loopback host ({@code localhost}, {@code 127.0.0.0/8}, {@code ::1}): the bearer token would
   * otherwise cross the network readable by anyone on the path.
   *
   * @throws RemoteException exit code 2, {@code client.insecure_transport}, for plain HTTP to
   *     another host without {@code insecure}
   * @throws IllegalArgumentException for a URL that is not {@code http(s)://HOST:PORT}
   */
  public ApiClient(String server, String token, boolean insecure) {
    String s = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
    try {
      this.base = URI.create(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("expected --server http(s)://HOST:PORT, got '" + server + "'");
    }
    if (base.getScheme() == null || !(base.getScheme().equals("http")
        || base.getScheme().equals("https")) || base.getHost() == null) {
      throw new IllegalArgumentException("expected --server http(s)://HOST:PORT, got '" + server + "'");
    }
    if (base.getScheme().equals("http") && !insecure && !loopback(base.getHost())) {
      throw new RemoteException(RemoteException.USAGE, "client.insecure_transport",
          "refusing to send the API token over plain http:// to " + base.getHost() + ", which"
              + " is not this machine: anyone on the network path could read and reuse it. Use"
              + " https://, or give --insecure to accept the risk");
    }
    this.token = token;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /**
   * True for {@code localhost} and loopback address literals. Other names are not resolved:
   * what a name resolves to can change between this check and the request.
   */
  static boolean loopback(String host) {
    String h = host.startsWith("[") && host.endsWith("]")
        ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!h.contains(":") && !h.matches("[0-9.]+")) {
      return false; // a name, not an address literal
    }
    try {
      return java.net.InetAddress.getByName(h).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  /** The shared mapper for request bodies. */
  public static ObjectMapper json() {
    return JSON;
  }

  public JsonNode get(String path, Map<String, String> query) {
    return send("GET", path + query(query), null);
  }

  /**
   * Every item of a paginated list: follows {@code next} from page to page ({@code limit} 200)
   * and returns the items of all pages in order; at most {@link #MAX_PAGES} pages, so a server
   * whose cursor never ends cannot keep the client looping.
   */
  public ArrayNode getAllPages(String path, Map<String, String> query) {
    ArrayNode items = JSON.createArrayNode();
    String cursor = null;
    for (int page = 0; page < MAX_PAGES; page++) {
      Map<String, String> q = new LinkedHashMap<>(query);
      q.put("limit", "200");
      q.put("cursor", cursor);
      JsonNode res = get(path, q);
      res.path("items").forEach(items::add);
      cursor = res.path("next").isTextual() ? res.get("next").asText() : null;
      if (cursor == null) {
        return items;
      }
    }
    throw new RemoteException(RemoteException.REFUSED, "client.too_many_pages",
        "the server's list at " + path + " did not end after " + MAX_PAGES + " pages");
  }

  /**
   * A POST. One that creates ({@code /v1/tokens}, {@code /v1/identities}, {@code /v1/images},
   * {@code /v1/findings}, {@code /v1/join-tokens}, {@code /v1/clusters} and a cluster's
   * {@code admission-tokens} and {@code bindings}, {@code /v1/keys/rotate},
   * {@code /v1/db/servers}, and a workload's {@code /v1/db/credentials}, whose key the server
   * binds to its SPIFFE ID) carries a fresh {@code Idempotency-Key} and is sent again with the
   * same key, up to {@value #ATTEMPTS} times in all, when the server could not be reached or
   * answered 503 {@code store.outcome_unknown}, {@code store.unavailable} or {@code store.busy}:
   * the server then answers a retry of a request that did land with its original answer, so a
   * retry never makes a second token or database login.
   */
  public JsonNode post(String path, Object body) {
    if (!CREATING.matcher(path).matches()) {
      return send("POST", path, body);
    }
    String key = java.util.UUID.randomUUID().toString();
    for (int attempt = 1; ; attempt++) {
      try {
        return exchange("POST", path, body, null, key);
      } catch (RemoteException e) {
        if (attempt >= ATTEMPTS || !RETRIED.contains(e.code())) {
          throw e;
        }
        pause(attempt);
      }
    }
  }

  /** Creating calls: they get an Idempotency-Key and are retried. */
  private static final java.util.regex.Pattern CREATING =
      java.util.regex.Pattern.compile("/v1/(tokens|identities|images|findings|join-tokens"
          + "|clusters(/[^/]+/(admission-tokens|bindings))?|keys/rotate"
          + "|db/(servers|credentials))");
  /** How many times a creating call is sent at most. */
  static final int ATTEMPTS = 4;
  /** What a retry with the same key fixes: the call may not have landed, or may have. */
  private static final java.util.Set<String> RETRIED = java.util.Set.of("store.outcome_unknown",
      "store.unavailable", "store.busy", "client.unreachable", "client.io");

  private static void pause(int attempt) {
    try {
      Thread.sleep(500L << Math.min(attempt, 4)); // 1 s, 2 s, 4 s
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RemoteException(RemoteException.UNREACHABLE, "client.interrupted", "interrupted");
    }
  }

  public JsonNode patch(String path, Object body) {
    return send("PATCH", path, body);
  }

  public JsonNode delete(String path) {
    return send("DELETE", path, null);
  }

  /**
   * A GET answered in plain text ({@code Accept: text/plain}), such as a signed checkpoint
   * note; a problem becomes a RemoteException.
   */
  public String getText(String path) {
    HttpRequest req = authorized(path).timeout(Duration.ofSeconds(30))
        .header("Accept", "text/plain").GET().build();
    HttpResponse<byte[]> res = send(req, HttpResponse.BodyHandlers.ofByteArray());
    if (res.statusCode() / 100 != 2) {
      parse(res.statusCode(), res.body());
    }
    return new String(res.body(), StandardCharsets.UTF_8);
  }

  /** Streams the body of a GET to {@code target} (a problem becomes a RemoteException). */
  public void download(String path, java.nio.file.Path target) {
    exchange("GET", path, null, target, null);
  }

  /** Sends a request and returns the JSON body (an empty object for 204). */
  public JsonNode send(String method, String path, Object body) {
    return exchange(method, path, body, null, null);
  }

  private JsonNode exchange(String method, String path, Object body, java.nio.file.Path target,
      String idempotencyKey) {
    HttpRequest.Builder b = authorized(path)
        .timeout(target == null ? Duration.ofSeconds(30) : Duration.ofMinutes(30))
        .header("Accept", "application/json");
    if (idempotencyKey != null) {
      b.header("Idempotency-Key", idempotencyKey);
    }
    try {
      if (body != null) {
        b.header("Content-Type", "application/json").method(method,
            HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      } else {
        b.method(method, HttpRequest.BodyPublishers.noBody());
      }
      if (target != null) {
        HttpResponse<java.nio.file.Path> res = send(b.build(),
            HttpResponse.BodyHandlers.ofFile(target));
        if (res.statusCode() / 100 != 2) {
          return parse(res.statusCode(), java.nio.file.Files.readAllBytes(target));
        }
        return null;
      }
      HttpResponse<byte[]> res = send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      return parse(res.statusCode(), res.body());
    } catch (IOException e) {
      throw new RemoteException(RemoteException.UNREACHABLE, "client.io",
          "talking to " + base + " failed: " + e.getMessage());
    }
  }

  /** A request to {@code path} with the bearer token (refused here when there is none). */
  private HttpRequest.Builder authorized(String path) {
    if (token == null || token.isBlank()) {
      throw new RemoteException(RemoteException.USAGE, "client.token_missing",
          "no API token: set IMPRINT_TOKEN (an admin token is printed at the server's first start)");
    }
    return HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token);
  }

  /** Sends {@code req}; failing to reach the server becomes a RemoteException. */
  private <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> handler) {
    try {
      return http.send(req, handler);
    } catch (ConnectException | HttpTimeoutException e) {
      throw new RemoteException(RemoteException.UNREACHABLE, "client.unreachable",
          "cannot reach the Imprint server at " + base + " (start it with 'imprint server', or set"
              + " --server / IMPRINT_SERVER)");
    } catch (IOException e) {
      throw new RemoteException(RemoteException.UNREACHABLE, "client.io",
          "talking to " + base + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RemoteException(RemoteException.UNREACHABLE, "client.interrupted", "interrupted");
    }
  }

  private static JsonNode parse(int status, byte[] raw) {
    JsonNode node = raw.length == 0 ? JSON.createObjectNode() : readOrNull(raw);
    if (status >= 200 && status < 300) {
      if (node == null) {
        throw new RemoteException(RemoteException.REFUSED, "client.bad_response",
            "the server answered " + status + " with a body that is not JSON");
      }
      return node;
    }
    if (node != null && node.hasNonNull("code")) {
      throw new RemoteException(RemoteException.REFUSED, node.get("code").asText(),
          node.path("detail").asText(node.path("title").asText("")), status, node);
    }
    throw new RemoteException(RemoteException.REFUSED, "http." + status,
        "the server answered HTTP " + status, status);
  }

  private static JsonNode readOrNull(byte[] raw) {
    try {
      return JSON.readTree(raw);
    } catch (IOException e) {
      return null;
    }
  }

  private static String query(Map<String, String> q) {
    if (q == null || q.isEmpty()) {
      return "";
    }
    StringJoiner j = new StringJoiner("&", "?", "");
    q.forEach((k, v) -> {
      if (v != null) {
        j.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
            + URLEncoder.encode(v, StandardCharsets.UTF_8));
      }
    });
    return j.length() == 1 ? "" : j.toString();
  }
}
