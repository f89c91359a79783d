package dev.imprint.server.idempotency;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.imprint.server.http.ApiProblem;
import dev.imprint.server.http.ApiServer;
import dev.imprint.server.http.Json;
import dev.imprint.server.idempotency.IdempotencyKeys.Answer;
import dev.imprint.server.store.Database;
import io.javalin.http.Context;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * How a creating route honours an {@code Idempotency-Key} header
 * (draft-ietf-httpapi-idempotency-key-header): the first request with a key runs, and its answer
 * is stored in the same transaction as its change; a retry with the same key and the same
 * request gets that answer again ({@code Idempotency-Replayed: true}) and changes nothing; the
 * same key with another request is 422 {@code idempotency.key_reused}. Without the header a
 * request runs as it always did.
 */
public final class Idempotent {
  /** The request header. */
  public static final String HEADER = "Idempotency-Key";
  /** The response header on a replayed answer. */
  public static final String REPLAYED = "Idempotency-Replayed";
  /** Printable ASCII but quote and backslash, 16 to 255 of them: a UUID fits. */
  private static final Pattern KEY = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{16,255}");

  private final IdempotencyKeys keys;

  public Idempotent(IdempotencyKeys keys) {
    this.keys = keys;
  }

  /**
   * Answers {@code ctx} with what {@code render} makes of the result of {@code action}, which
   * makes one write whose result is a {@code type} (the answer is stored with that write), or
   * with the stored answer of an earlier request with the same key. {@code request} is the
   * parsed body: a retry must carry the same.
   *
   * @throws ApiProblem 400 {@code idempotency.key_invalid} for a malformed key, 422
   *     {@code idempotency.key_reused} when the key answered another request
   */
  public <T> void respond(Context ctx, Object request, Class<T> type,
      Function<T, Answer> render, Supplier<T> action) {
    if (ctx.header(HEADER) == null) {
      send(ctx, render.apply(action.get()), false);
      return;
    }
    respond(ctx, ApiServer.caller(ctx).tokenId(), request, type, render, action);
  }

  /**
   * As {@link #respond(Context, Object, Class, Function, Supplier)}, for a route whose caller
   * has no API token: the key is bound to {@code caller} instead, which the route has
   * authenticated (a workload's SPIFFE ID, which no token id can equal).
   */
  public <T> void respond(Context ctx, String caller, Object request, Class<T> type,
      Function<T, Answer> render, Supplier<T> action) {
    String header = ctx.header(HEADER);
    if (header == null) {
      send(ctx, render.apply(action.get()), false);
      return;
    }
    IdempotencyKeys.Key key = IdempotencyKeys.key(caller, parse(header));
    String requestText = requestText(ctx, request);
    String requestHash = key.requestHash(requestText);
    Optional<IdempotencyKeys.Stored> earlier = keys.find(key);
    if (earlier.isPresent()) {
      replay(ctx, key, earlier.get(), requestText);
      return;
    }
    AtomicReference<Answer> answered = new AtomicReference<>();
    T result;
    try {
      result = Database.withRider(keys.rider(key, requestHash, r -> type.isInstance(r)
          ? Optional.of(render.apply(type.cast(r))) : Optional.empty(), answered::set), action);
    } catch (IdempotencyKeys.AlreadyAnswered e) {
      // a concurrent request with this key committed first; this one's change rolled back
      replay(ctx, key, keys.find(key).orElseThrow(() -> new ApiProblem(409,
          "idempotency.in_progress", "Conflict", "another request with this Idempotency-Key"
              + " is being answered; retry it in a moment")), requestText);
      return;
    }
    send(ctx, answered.get() != null ? answered.get() : render.apply(result), false);
  }

  /** An answer of {@code status} with {@code body} rendered as JSON and an optional location. */
  public static Answer answer(int status, String location, Object body) {
    try {
      return new Answer(status, location, Json.MAPPER.writeValueAsString(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an API answer is always JSON", e);
    }
  }

  private void replay(Context ctx, IdempotencyKeys.Key key, IdempotencyKeys.Stored stored,
      String requestText) {
    if (!IdempotencyKeys.sameRequest(key, stored, requestText)) {
      throw new ApiProblem(422, "idempotency.key_reused", "Unprocessable content", "this"
          + " Idempotency-Key answered a different request (method, path or body) in the last "
          + IdempotencyKeys.RETENTION.toHours() + " hours; use a new key for a new request");
    }
    send(ctx, keys.open(key, stored), true);
  }

  private static void send(Context ctx, Answer a, boolean replayed) {
    if (a.location() != null) {
      ctx.header("Location", a.location());
    }
    if (replayed) {
      ctx.header(REPLAYED, "true");
    }
    ctx.status(a.status()).contentType("application/json").result(a.body());
  }

  /** The key of the header, a bare token or a structured-field string ({@code "..."}). */
  static String parse(String header) {
    String v = header.strip();
    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
      v = v.substring(1, v.length() - 1);
    }
    if (!KEY.matcher(v).matches()) {
      throw ApiProblem.badRequest("idempotency.key_invalid", "expected an Idempotency-Key of 16"
          + " to 255 printable ASCII characters other than quote and backslash (a random UUID),"
          + " got " + (v.length() < 16 || v.length() > 255 ? v.length() + " characters"
              : "other characters"));
    }
    return v;
  }

  /**
   * What a retry must repeat: the method, the path and the parsed body (stored only as its
   * keyed fingerprint, see {@link IdempotencyKeys.Key#requestHash}).
   */
  private static String requestText(Context ctx, Object request) {
    try {
      return ctx.method().name() + " " + ctx.path() + "\n"
          + Json.MAPPER.writeValueAsString(request);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed request is always JSON", e);
    }
  }
}
