package dev.imprint.bench.load;

import java.net.URI;
import java.net.http.HttpRequest;

/** The server under load: its base URL and the admin token. */
record Target(String url, String adminToken) {
  HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path));
    return token == null ? b : b.header("Authorization", "Bearer " + token);
  }

  HttpRequest postJson(String path, String token, String json) {
    return request(path, token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build();
  }
}
