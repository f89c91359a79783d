package dev.imprint.server.console;

import dev.imprint.authz.Grant;
import dev.imprint.scan.Catalog;
import dev.imprint.scan.Rule;
import dev.imprint.server.audit.AuditIntegrityException;
import dev.imprint.server.audit.AuditService;
import dev.imprint.server.auth.Caller;
import dev.imprint.server.auth.Role;
import dev.imprint.server.auth.TokenService;
import dev.imprint.server.authz.PolicyService;
import dev.imprint.server.http.Api;
import dev.imprint.server.http.ApiModule;
import dev.imprint.server.http.ApiProblem;
import dev.imprint.server.identity.Identity;
import dev.imprint.server.identity.IdentityService;
import dev.imprint.server.image.Image;
import dev.imprint.server.image.ImageService;
import dev.imprint.server.store.StoreException;
import dev.imprint.server.text.FreeText;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The web console at {@code /}: server-rendered pages (precompiled JTE templates) over the same
 * services the API calls, with the same roles. Login takes an API token once and opens a
 * store-backed session (cookie HttpOnly, SameSite=Strict, Secure under TLS); every form carries
 * the session's CSRF token; an auditor sees everything and can change nothing; workload,
 * admission and pipeline tokens cannot sign in. Every response forbids framing and inline
 * script (Content-Security-Policy).
 */
public final class ConsoleRoutes implements ApiModule {
  /** The session cookie's name. */
  public static final String COOKIE = "imprint_session";
  /** The Content-Security-Policy of every console response. */
  public static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self';"
      + " img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none';"
      + " base-uri 'none'";
  private static final int AUDIT_PAGE = 50;
  private static final Duration SERIES = Duration.ofDays(30);
  /** How far back the alerts page lists resolved alerts. */
  static final Duration RESOLVED_SHOWN = Duration.ofDays(7);
  /** The most alerts the alerts page lists in each of its tables. */
  static final int ALERT_ROWS = 200;

  /** The services the console reads and acts through: the same objects the API routes use. */
  public record Services(TokenService tokens, IdentityService identities, ImageService images,
      AuditService audit, Supplier<PolicyService> policies, AlertFeed alerts) {}

  private final Services services;
  private final ConsoleSessions sessions;
  private final EstateReads reads;
  private final Clock clock;
  private final boolean secureCookie;
  private final TemplateEngine templates;

  /** {@code secureCookie}: mark the session cookie Secure (the server speaks TLS). */
  public ConsoleRoutes(dev.imprint.server.store.Database db, Clock clock, Services services,
      boolean secureCookie) {
    this.services = services;
    this.sessions = new ConsoleSessions(db, clock);
    this.reads = new EstateReads(db);
    this.clock = clock;
    this.secureCookie = secureCookie;
    this.templates = TemplateEngine.createPrecompiled(null, ContentType.Html,
        ConsoleRoutes.class.getClassLoader(), "dev.imprint.server.console");
  }

  @Override
  public String openApiFragment() {
    return "openapi/console.json";
  }

  @Override
  public void routes(Api api) {
    api.page("GET", "/console/console.css", ctx -> asset(ctx, "console.css", "text/css"));
    api.page("GET", "/console/console.js", ctx -> asset(ctx, "console.js",
        "text/javascript"));
    api.page("GET", "/login", guarded(this::loginPage));
    api.page("POST", "/login", guarded(this::login));
    api.page("POST", "/logout", guarded(this::logout));
    api.page("GET", "/", page(this::overview));
    api.page("GET", "/identities", page(this::identities));
    api.page("GET", "/identities/{id}", page(this::identity));
    api.page("GET", "/images", page(this::images));
    api.page("GET", "/images/{digest}", page(this::image));
    api.page("POST", "/images/{digest}/{action}", form(this::move));
    api.page("GET", "/findings", page(this::findings));
    api.page("GET", "/audit", page(this::audit));
    api.page("GET", "/audit/{seq}", page(this::auditEntry));
    api.page("GET", "/alerts", page(this::alerts));
  }

  /** A signed-in page's body. */
  @FunctionalInterface
  private interface PageHandler {
    void handle(Context ctx, ConsoleSessions.Session session) throws Exception;
  }

  /** Security headers on every console response. */
  private static void headers(Context ctx) {
    ctx.header("Content-Security-Policy", CSP);
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Referrer-Policy", "same-origin");
    ctx.header("Cross-Origin-Opener-Policy", "same-origin");
    ctx.header("Cross-Origin-Resource-Policy", "same-origin");
  }

  private Handler guarded(Handler h) {
    return ctx -> {
      headers(ctx);
      try {
        h.handle(ctx);
      } catch (ApiProblem p) {
        error(ctx, null, p.status(), p.code(), p.detail());
      } catch (StoreException e) {
        error(ctx, null, 503, e.code(), e.getMessage());
      } catch (AuditIntegrityException e) {
        error(ctx, null, 503, e.code(), e.detail() + "; the server refuses to serve the audit"
            + " log until an operator has investigated (docs/audit.md)");
      }
    };
  }

  /** A GET page: without a session, to the login page. */
  private Handler page(PageHandler h) {
    return guarded(ctx -> {
      Optional<ConsoleSessions.Session> s = sessions.find(ctx.cookie(COOKIE));
      if (s.isEmpty()) {
        ctx.redirect("/login", io.javalin.http.HttpStatus.SEE_OTHER);
        return;
      }
      try {
        h.handle(ctx, s.get());
      } catch (ApiProblem p) {
        error(ctx, s.get(), p.status(), p.code(), p.detail());
      }
    });
  }

  /**
   * A POST form: refused without a session (401), from another origin, without the session's
   * CSRF token or with a wrong one (403 {@code console.csrf_invalid}), and for a read-only role
   * (403 {@code console.read_only}).
   */
  private Handler form(PageHandler h) {
    return guarded(ctx -> {
      Optional<ConsoleSessions.Session> s = sessions.find(ctx.cookie(COOKIE));
      if (s.isEmpty()) {
        error(ctx, null, 401, "console.session_missing", "this form needs a console session;"
            + " sign in again");
        return;
      }
      if (!sameOrigin(ctx) || !ConsoleSessions.csrfMatches(s.get(), ctx.formParam("csrf"))) {
        error(ctx, s.get(), 403, "console.csrf_invalid", "the form did not carry this"
            + " session's CSRF token (or came from another site); reload the page and try again");
        return;
      }
      if (!s.get().canChange()) {
        error(ctx, s.get(), 403, "console.read_only", "role " + s.get().role().wire()
            + " reads everything and changes nothing");
        return;
      }
      h.handle(ctx, s.get());
    });
  }

  /**
   * False when the browser says the request came from another origin: {@code Sec-Fetch-Site}
   * other than same-origin (or none: typed by the user), or, from a browser that sends no
   * fetch metadata, an {@code Origin} whose host is not this request's {@code Host}. A request
   * with neither (not a browser) passes here; on a form it still needs the CSRF token.
   */
  private static boolean sameOrigin(Context ctx) {
    String site = ctx.header("Sec-Fetch-Site");
    if (site != null) {
      return site.equals("same-origin") || site.equals("none");
    }
    String origin = ctx.header("Origin");
    if (origin == null) {
      return true;
    }
    try {
      String host = URI.create(origin).getAuthority();
      return host != null && host.equalsIgnoreCase(ctx.header("Host"));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private void loginPage(Context ctx) {
    if (sessions.find(ctx.cookie(COOKIE)).isPresent()) {
      ctx.redirect("/", io.javalin.http.HttpStatus.SEE_OTHER);
      return;
    }
    render(ctx, 200, "login.jte", new Views.Login(frame("Sign in", "login", null), null, null));
  }

  private void login(Context ctx) {
    Views.Frame frame = frame("Sign in", "login", null);
    if (!sameOrigin(ctx)) {
      render(ctx, 403, "login.jte", new Views.Login(frame, "console.csrf_invalid",
          "the sign-in form came from another site"));
      return;
    }
    String token = ctx.formParam("token");
    Optional<Caller> caller = services.tokens().authenticate(
        token == null ? null : token.trim());
    if (caller.isEmpty()) {
      render(ctx, 401, "login.jte", new Views.Login(frame, "console.token_invalid",
          "the token is unknown, revoked or malformed, or its identity is not active"));
      return;
    }
    Role role = caller.get().role();
    if (role != Role.ADMIN && role != Role.AUDITOR) {
      render(ctx, 403, "login.jte", new Views.Login(frame, "console.role_refused",
          "a " + role.wire() + " token cannot sign in to the console; use an admin or auditor"
              + " token"));
      return;
    }
    ConsoleSessions.Opened opened = sessions.open(caller.get());
    ctx.header("Set-Cookie", cookie(opened.cookie(), ConsoleSessions.LIFETIME.toSeconds()));
    ctx.redirect("/", io.javalin.http.HttpStatus.SEE_OTHER);
  }

  private void logout(Context ctx) {
    String cookie = ctx.cookie(COOKIE);
    Optional<ConsoleSessions.Session> s = sessions.find(cookie);
    if (s.isPresent() && (!sameOrigin(ctx)
        || !ConsoleSessions.csrfMatches(s.get(), ctx.formParam("csrf")))) {
      error(ctx, s.get(), 403, "console.csrf_invalid", "the sign-out form did not carry this"
          + " session's CSRF token");
      return;
    }
    sessions.close(cookie);
    ctx.header("Set-Cookie", cookie("", 0));
    ctx.redirect("/login", io.javalin.http.HttpStatus.SEE_OTHER);
  }

  private String cookie(String value, long maxAgeSeconds) {
    return COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds
        + "; HttpOnly; SameSite=Strict" + (secureCookie ? "; Secure" : "");
  }

  private void overview(Context ctx, ConsoleSessions.Session s) {
    List<Views.Count> identities = counts(reads.identitiesByRisk(), "/identities?risk=");
    List<Views.Count> images = counts(reads.imagesByState(), "/images?status=");
    List<Views.Count> findings = counts(reads.findingsBySeverity(), "/findings?severity=");
    AlertFeed feed = services.alerts();
    List<Views.Count> alerts = new ArrayList<>();
    if (feed.wired()) {
      alerts = counts(feed.unresolvedCounts(), "/alerts?severity=");
    }
    Instant since = clock.instant().minus(SERIES);
    LocalDate from = since.atZone(ZoneOffset.UTC).toLocalDate();
    LocalDate to = clock.instant().atZone(ZoneOffset.UTC).toLocalDate();
    String findingsSvg = Drawings.perDay("Findings uploaded per day", "findings",
        Drawings.byDay(reads.findingsPerDay(since)), from, to);
    String issuanceSvg = Drawings.perDay("SVIDs issued per day", "SVIDs issued",
        Drawings.byDay(reads.actionsPerDay("svid.issued", since)), from, to);
    render(ctx, 200, "overview.jte", new Views.Overview(frame("Estate overview", "overview", s),
        identities, images, findings, alerts, feed.wired(), findingsSvg, issuanceSvg));
  }

  private static List<Views.Count> counts(Map<String, Long> m, String href) {
    return m.entrySet().stream().map(e -> new Views.Count(e.getKey(), e.getValue(),
        href + e.getKey())).toList();
  }

  private void identities(Context ctx, ConsoleSessions.Session s) {
    String risk = ctx.queryParam("risk");
    List<EstateReads.IdentityRow> rows = reads.identities().stream()
        .filter(r -> risk == null || risk.isBlank() || r.risk().equals(risk)).toList();
    render(ctx, 200, "identities.jte", new Views.Identities(frame("Identities", "identities",
        s), risk, rows));
  }

  private void identity(Context ctx, ConsoleSessions.Session s) {
    Identity id = services.identities().get(ctx.pathParam("id"));
    List<EstateReads.CodeEntry> code = reads.code(id.id());
    List<Image> images = services.images().list(new ImageService.Filter(id.spiffeId(), null,
        null), null, 200).items();
    List<EstateReads.AuditRow> issued = reads.auditMentioning(id.spiffeId(), "svid.issued",
        20);
    List<Views.GrantUse> grants = grants(id);
    List<EstateReads.AuditRow> trail = reads.auditMentioning(id.spiffeId(), null, 100);
    String svg = Drawings.chain("Chain of " + id.spiffeId(),
        code.stream().map(c -> new Drawings.Node(c.repository(), c.path() + ":" + c.line(),
            null, "code")).toList(),
        new Drawings.Node(id.spiffeId(), id.kind().name().toLowerCase(Locale.ROOT) + ", "
            + id.status().wire(), null, "identity"),
        images.stream().map(i -> new Drawings.Node(i.digest(), i.repository() + " "
            + i.status().wire(), "/images/" + i.digest(), "image-" + i.status().wire()))
            .toList(),
        grants.stream().map(g -> new Drawings.Node(g.name(), g.uses() + " uses, last "
            + g.lastUsed(), null, "grant")).toList());
    render(ctx, 200, "identity.jte", new Views.IdentityDetail(frame(id.spiffeId(),
        "identities", s), id, code, images, issued, grants, services.policies() != null, trail,
        svg));
  }

  private List<Views.GrantUse> grants(Identity id) {
    if (services.policies() == null || services.policies().get() == null) {
      return List.of();
    }
    Map<String, long[]> use = reads.grantUse();
    List<Views.GrantUse> out = new ArrayList<>();
    for (Grant g : services.policies().get().current().policy().grants()) {
      if (!g.subject().matches(id.spiffeId())) {
        continue;
      }
      long[] u = use.get(g.id());
      out.add(new Views.GrantUse(g.id(), g.name() == null ? g.id() : g.name(),
          g.effect().name().toLowerCase(Locale.ROOT), g.resource().toString(),
          String.join(", ", g.actions().isEmpty() ? g.privileges() : g.actions()),
          u == null ? "never" : Instant.ofEpochMilli(u[0]).toString(), u == null ? 0 : u[1]));
    }
    return out;
  }

  private void images(Context ctx, ConsoleSessions.Session s) {
    String status = ctx.queryParam("status");
    List<Image> rows = services.images().list(new ImageService.Filter(null, null,
        status == null || status.isBlank() ? null : Image.Status.parse(status)), null, 200)
        .items();
    render(ctx, 200, "images.jte", new Views.Images(frame("Images", "images", s), status,
        rows));
  }

  private void image(Context ctx, ConsoleSessions.Session s) {
    renderImage(ctx, s, ctx.pathParam("digest"), ctx.queryParam("done"), null, 200);
  }

  private void renderImage(Context ctx, ConsoleSessions.Session s, String digest, String done,
      Views.Error problem, int status) {
    Image img = services.images().get(digest);
    List<Views.Move> moves = new ArrayList<>();
    if (s.canChange()) {
      addMove(moves, img, Image.Status.APPROVED, "approve", "Approve", false);
      addMove(moves, img, Image.Status.REJECTED, "reject", "Reject", true);
      addMove(moves, img, Image.Status.DEPLOYED, "deploy", "Mark deployed", false);
      addMove(moves, img, Image.Status.RETIRED, "retire", "Retire", true);
      if (img.status() == Image.Status.DEPLOYED) {
        moves.add(new Views.Move("rollback", "Roll back", true));
      }
    }
    render(ctx, status, "image.jte", new Views.ImageDetail(frame(img.repository() + "@"
        + img.digest(), "images", s), img, services.images().policy().evaluate(img),
        services.images().policy().allowForce(), services.images().history(img.digest()), moves,
        done, problem));
  }

  private static void addMove(List<Views.Move> moves, Image img, Image.Status to, String action,
      String label, boolean reasonRequired) {
    if (ImageService.legal(img.status(), to)) {
      moves.add(new Views.Move(action, label, reasonRequired));
    }
  }

  /** A lifecycle move through the same service calls as the API, audited the same way. */
  private void move(Context ctx, ConsoleSessions.Session s) {
    String digest = ctx.pathParam("digest");
    String action = ctx.pathParam("action");
    String reason = ctx.formParam("reason");
    String actor = s.actor();
    ImageService images = services.images();
    try {
      switch (action) {
        case "approve" -> images.approve(digest, reason, "on".equals(ctx.formParam("force")),
            actor);
        case "reject" -> images.reject(digest, reason, actor);
        case "deploy" -> images.deploy(digest, reason, actor);
        case "retire" -> images.retire(digest, reason, actor);
        case "rollback" -> images.rollback(digest, reason, actor);
        default -> throw ApiProblem.notFound("console.action_unknown", "expected approve,"
            + " reject, deploy, retire or rollback, got '" + FreeText.printable(action) + "'");
      }
    } catch (ApiProblem p) {
      if (p.status() == 404) {
        throw p;
      }
      renderImage(ctx, s, digest, null, new Views.Error(null, p.status(), p.code(), p.detail()),
          p.status());
      return;
    }
    ctx.redirect("/images/" + digest + "?done=" + action, io.javalin.http.HttpStatus.SEE_OTHER);
  }

  private void findings(Context ctx, ConsoleSessions.Session s) {
    String repository = ctx.queryParam("repository");
    String severity = ctx.queryParam("severity");
    List<Views.RuleRow> rows = reads.rulesFound(repository, severity).stream().map(r -> {
      Optional<Rule> rule = Catalog.rule(r.ruleId());
      return new Views.RuleRow(r, rule.map(Rule::rationale).orElse(null),
          rule.map(Rule::remediation).orElse(null));
    }).toList();
    render(ctx, 200, "findings.jte", new Views.Findings(frame("Findings", "findings", s),
        repository, severity, rows, EstateReads.SEVERITIES));
  }

  private void audit(Context ctx, ConsoleSessions.Session s) {
    AuditService audit = services.audit();
    long size = audit.size();
    long end = size;
    String before = ctx.queryParam("before");
    if (before != null) {
      try {
        end = Math.max(0, Math.min(size, Long.parseLong(before)));
      } catch (NumberFormatException e) {
        throw ApiProblem.badRequest("console.parameter_invalid", "expected 'before' to be an"
            + " entry number, got '" + FreeText.printable(before) + "'");
      }
    }
    long start = Math.max(0, end - AUDIT_PAGE);
    render(ctx, 200, "audit.jte", new Views.Audit(frame("Audit log", "audit", s), size, start,
        Math.min(size, end + AUDIT_PAGE), start, reads.auditPage(start, end),
        audit.latestCheckpointSize()));
  }

  private void auditEntry(Context ctx, ConsoleSessions.Session s) {
    long seq;
    try {
      seq = Long.parseLong(ctx.pathParam("seq"));
    } catch (NumberFormatException e) {
      throw ApiProblem.badRequest("console.parameter_invalid", "expected an entry number, got '"
          + ctx.pathParam("seq") + "'");
    }
    List<EstateReads.AuditRow> row = reads.auditPage(seq, seq + 1);
    if (row.isEmpty()) {
      throw ApiProblem.notFound("audit.entry_not_found", "the audit log has no entry " + seq);
    }
    render(ctx, 200, "audit-entry.jte", new Views.AuditEntry(frame("Audit entry " + seq,
        "audit", s), InclusionCheck.check(services.audit(), seq, row.get(0).entry())));
  }

  private void alerts(Context ctx, ConsoleSessions.Session s) {
    AlertFeed feed = services.alerts();
    String severity = ctx.queryParam("severity");
    if (severity == null || severity.isBlank()) {
      severity = null;
    } else if (feed.wired() && !feed.unresolvedCounts().containsKey(severity)) {
      throw ApiProblem.badRequest("console.parameter_invalid", "expected severity one of "
          + feed.unresolvedCounts().keySet() + ", got '" + FreeText.printable(severity) + "'");
    }
    // filtered in the query, then limited: a filter for a rare severity still finds its alerts
    // behind any number of newer ones of another severity
    List<AlertFeed.Alert> unresolved = feed.unresolved(severity, ALERT_ROWS);
    List<AlertFeed.Alert> resolved = feed.resolvedSince(clock.instant().minus(RESOLVED_SHOWN),
        severity, ALERT_ROWS);
    render(ctx, 200, "alerts.jte", new Views.Alerts(frame("Alerts", "alerts", s),
        feed.wired(), unresolved, resolved, RESOLVED_SHOWN.toDays()));
  }

  private void error(Context ctx, ConsoleSessions.Session s, int status, String code,
      String detail) {
    render(ctx, status, "error.jte", new Views.Error(frame("Error", "", s), status, code,
        detail));
  }

  private static Views.Frame frame(String title, String section, ConsoleSessions.Session s) {
    return new Views.Frame(title, section, s);
  }

  private void render(Context ctx, int status, String template, Object model) {
    StringOutput out = new StringOutput();
    templates.render(template, model, out);
    ctx.status(status).contentType("text/html; charset=utf-8").result(out.toString());
  }

  private static void asset(Context ctx, String name, String type) {
    headers(ctx);
    try (InputStream in = ConsoleRoutes.class.getResourceAsStream("/console/" + name)) {
      if (in == null) {
        throw new IllegalStateException("console asset " + name + " is missing from the jar");
      }
      ctx.contentType(type + "; charset=utf-8").result(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
