package dev.imprint.authz;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Keeps an embedded {@link Decider} in step with a server's current policy: polls the
 * authenticated {@code GET /v1/grants} with {@code If-None-Match}, validates what it gets with
 * {@link GrantParser#parseSnapshot(String)} and swaps the policy atomically. A failed poll or an
 * invalid snapshot keeps the last good policy (decisions go on) and is reported by
 * {@link #lastError()}.
 */
public final class PolicySync implements AutoCloseable {
  static final int MAX_BODY = 64 << 20;
  private final URI grantsUri;
  private final Supplier<String> bearerToken;
  private final Decider decider;
  private final HttpClient client;
  private final ScheduledExecutorService timer;
  private volatile String etag;
  private volatile String lastError;

  private PolicySync(URI server, Supplier<String> bearerToken, Decider decider,
      HttpClient client) {
    String base = server.toString().replaceAll("/+$", "");
    this.grantsUri = URI.create(base + "/v1/grants");
    this.bearerToken = Objects.requireNonNull(bearerToken, "bearerToken");
    this.decider = Objects.requireNonNull(decider, "decider");
    this.client = Objects.requireNonNull(client, "client");
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "imprint-policy-sync");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * A sync that is not polling yet: call {@link #refresh()} once (so the first decision has the
   * server's policy), then {@link #every(Duration)}.
   *
   * @param server the server's base URL, e.g. {@code https://imprint.internal:7878}
   * @param bearerToken the API token (or a source of fresh ones) to read grants with
   */
  public static PolicySync create(URI server, Supplier<String> bearerToken, Decider decider,
      HttpClient client) {
    return new PolicySync(server, bearerToken, decider, client);
  }

  /** Polls every {@code interval} from now on (failures are kept in {@link #lastError()}). */
  public PolicySync every(Duration interval) {
    long ms = interval.toMillis();
    if (ms < 100) {
      throw new IllegalArgumentException("expected a poll interval of at least 100 ms, got "
          + interval);
    }
    timer.scheduleWithFixedDelay(() -> {
      try {
        refresh();
      } catch (AuthzException e) {
        // kept in lastError; the decider goes on with the last good policy
      }
    }, ms, ms, TimeUnit.MILLISECONDS);
    return this;
  }

  /**
   * Fetches the server's policy once; swaps it in when it changed.
   *
   * @return whether the decider's policy changed
   * @throws AuthzException {@code grant.sync} when the server cannot be read or refuses, or
   *     {@code grant.invalid} when its snapshot does not validate
   */
  public boolean refresh() {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(grantsUri).timeout(Duration.ofSeconds(30))
          .header("Authorization", "Bearer " + bearerToken.get())
          .header("Accept", "application/json");
      String tag = etag;
      if (tag != null) {
        b.header("If-None-Match", tag);
      }
      HttpResponse<byte[]> response = client.send(b.GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() == 304) {
        lastError = null;
        return false;
      }
      if (response.statusCode() != 200) {
        throw fail("grant.sync", "GET " + grantsUri + " answered " + response.statusCode());
      }
      if (response.body().length > MAX_BODY) {
        throw fail("grant.sync", "the policy snapshot is larger than " + MAX_BODY + " bytes");
      }
      GrantSet set = GrantParser.parseSnapshot(new String(response.body(),
          StandardCharsets.UTF_8));
      Policy next;
      try {
        next = set.policy(set.policyVersion());
      } catch (AuthzException e) {
        throw fail(e.code(), e.detail());
      }
      decider.update(next);
      etag = response.headers().firstValue("ETag").orElse(null);
      lastError = null;
      return true;
    } catch (IOException e) {
      throw fail("grant.sync", "GET " + grantsUri + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw fail("grant.sync", "interrupted while reading " + grantsUri);
    }
  }

  /** The last poll's failure, empty when it succeeded. */
  public Optional<String> lastError() {
    return Optional.ofNullable(lastError);
  }

  private AuthzException fail(String code, String detail) {
    lastError = code + ": " + detail;
    return new AuthzException(code, detail);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
