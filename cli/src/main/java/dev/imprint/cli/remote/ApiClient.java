package dev.imprint.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Map;
import java.util.StringJoiner;

/**
 * A small client of the control plane's {@code /v1} API: JSON in and out, the bearer token
 * from {@code IMPRINT_TOKEN}, and problem documents turned into {@link RemoteException}.
 */
public final class ApiClient {
  private static final ObjectMapper JSON = new ObjectMapper();

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

  public JsonNode post(String path, Object body) {
    return send("POST", path, body);
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
    exchange("GET", path, null, target);
  }

  /** Sends a request and returns the JSON body (an empty object for 204). */
  public JsonNode send(String method, String path, Object body) {
    return exchange(method, path, body, null);
  }

  private JsonNode exchange(String method, String path, Object body, java.nio.file.Path target) {
    HttpRequest.Builder b = authorized(path)
        .timeout(target == null ? Duration.ofSeconds(30) : Duration.ofMinutes(30))
        .header("Accept", "application/json");
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
          node.path("detail").asText(node.path("title").asText("")), status);
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
