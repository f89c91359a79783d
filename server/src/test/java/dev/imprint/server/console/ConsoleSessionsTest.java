package dev.imprint.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.auth.Caller;
import dev.imprint.server.auth.IssuedToken;
import dev.imprint.server.auth.Role;
import dev.imprint.server.auth.TokenService;
import dev.imprint.server.store.Database;
import dev.imprint.server.testing.MovableClock;
import dev.imprint.server.testing.Stores;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Console sessions in the store, on SQLite and PostgreSQL. */
class ConsoleSessionsTest {
  static final Instant START = Instant.parse("2026-12-06T10:00:00Z");
  @TempDir Path dir;

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aSessionLastsItsLifetimeAndTheStoreKeepsNeitherTheCookieNorTheCsrfToken(
      Stores.Kind kind) throws Exception {
    MovableClock clock = new MovableClock(START);
    try (Database db = Stores.open(kind, dir);
        TokenService tokens = new TokenService(db, new AuditLog(db, clock), clock,
            Duration.ofMillis(50))) {
      IssuedToken admin = tokens.create(Role.ADMIN, "console", "test");
      ConsoleSessions sessions = new ConsoleSessions(db, clock);
      ConsoleSessions.Opened opened = sessions.open(new Caller(admin.token().id(), Role.ADMIN));
      assertThat(opened.cookie()).hasSize(43);
      assertThat(sessions.find(opened.cookie())).hasValueSatisfying(s -> {
        assertThat(s.role()).isEqualTo(Role.ADMIN);
        assertThat(s.csrf()).isEqualTo(opened.session().csrf()).isNotEqualTo(opened.cookie());
        assertThat(s.expiresAt()).isEqualTo(clock.instant().plus(ConsoleSessions.LIFETIME));
      });
      List<String> stored = new ArrayList<>();
      db.read(c -> {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM console_sessions");
            ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
              stored.add(String.valueOf(rs.getObject(i)));
            }
          }
        }
        return null;
      });
      assertThat(stored).isNotEmpty().noneMatch(v -> v.contains(opened.cookie())
          || v.contains(opened.session().csrf()) || v.contains(admin.secret()));
      clock.set(clock.instant().plus(ConsoleSessions.LIFETIME).minusSeconds(1));
      assertThat(sessions.find(opened.cookie())).isPresent();
      clock.set(clock.instant().plusSeconds(1));
      assertThat(sessions.find(opened.cookie())).as("expired").isEmpty();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void closedForgedOrMalformedCookiesFindNoSession(Stores.Kind kind) throws Exception {
    MovableClock clock = new MovableClock(START);
    try (Database db = Stores.open(kind, dir);
        TokenService tokens = new TokenService(db, new AuditLog(db, clock), clock,
            Duration.ofMillis(50))) {
      IssuedToken auditor = tokens.create(Role.AUDITOR, "console", "test");
      ConsoleSessions sessions = new ConsoleSessions(db, clock);
      ConsoleSessions.Opened a = sessions.open(new Caller(auditor.token().id(), Role.AUDITOR));
      ConsoleSessions.Opened b = sessions.open(new Caller(auditor.token().id(), Role.AUDITOR));
      assertThat(a.session().csrf()).isNotEqualTo(b.session().csrf());
      assertThat(sessions.find(a.cookie()).orElseThrow().canChange()).isFalse();
      sessions.close(a.cookie());
      assertThat(sessions.find(a.cookie())).isEmpty();
      assertThat(sessions.find(b.cookie())).as("the other session stays").isPresent();
      assertThat(sessions.find("A".repeat(43))).isEmpty();
      assertThat(sessions.find(b.cookie() + "x")).isEmpty();
      assertThat(sessions.find(null)).isEmpty();
      assertThat(sessions.find("' OR 1=1 --")).isEmpty();
      assertThat(ConsoleSessions.csrfMatches(sessions.find(b.cookie()).orElseThrow(),
          a.session().csrf())).isFalse();
      assertThat(ConsoleSessions.csrfMatches(sessions.find(b.cookie()).orElseThrow(), null))
          .isFalse();
    }
  }
}
