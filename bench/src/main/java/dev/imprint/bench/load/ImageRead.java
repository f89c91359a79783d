package dev.imprint.bench.load;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** {@code GET /v1/images/{digest}} over 50 registered images: an authenticated point read. */
final class ImageRead implements Scenario {
  private static final int IMAGES = 50;

  @Override
  public String name() {
    return "image-read";
  }

  @Override
  public void setUp(Target t) throws Exception {
    ImageRegistration.createIdentity(t);
    for (int i = 0; i < IMAGES; i++) {
      HttpResponse<String> r = LoadGenerator.HTTP.send(
          ImageRegistration.register(t, ImageRegistration.digest("read-" + i), "r" + i),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 201) {
        throw new IllegalStateException("cannot register a bench image: " + r.body());
      }
    }
  }

  @Override
  public HttpRequest request(Target t, int client, long i) {
    String digest = ImageRegistration.digest("read-" + ((client * 7919 + i) % IMAGES));
    return t.request("/v1/images/" + digest, t.adminToken()).GET().build();
  }

  @Override
  public int expectedStatus() {
    return 200;
  }
}
