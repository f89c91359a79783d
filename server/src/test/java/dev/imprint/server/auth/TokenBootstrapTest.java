package dev.imprint.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.store.Database;
import dev.imprint.server.testing.Stores;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TokenBootstrapTest {
  @TempDir Path dir;

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void replicasStartingTogetherOnOneStoreCreateExactlyOneAdminToken(Stores.Kind kind)
      throws Exception {
    String url = Stores.jdbcUrl(kind);
    try (Database a = Database.open(url, dir); Database b = Database.open(url, dir)) {
      List<TokenService> replicas = new ArrayList<>();
      for (Database db : List.of(a, b, a, b, a, b, a, b)) {
        replicas.add(new TokenService(db, new AuditLog(db, Clock.systemUTC()), Clock.systemUTC(),
            TokenService.USAGE_FLUSH_INTERVAL));
      }
      CyclicBarrier together = new CyclicBarrier(replicas.size());
      ExecutorService pool = Executors.newFixedThreadPool(replicas.size());
      List<Future<Optional<IssuedToken>>> started = new ArrayList<>();
      for (TokenService t : replicas) {
        started.add(pool.submit(() -> {
          together.await(60, TimeUnit.SECONDS);
          return t.bootstrapAdmin();
        }));
      }
      int printed = 0;
      for (Future<Optional<IssuedToken>> f : started) {
        printed += f.get(120, TimeUnit.SECONDS).isPresent() ? 1 : 0;
      }
      pool.shutdown();
      replicas.forEach(TokenService::close);
      assertThat(printed).isEqualTo(1);
      long admins = a.read(c -> {
        try (PreparedStatement ps = c.prepareStatement(
            "SELECT COUNT(*) FROM api_tokens WHERE role = 'admin'");
            ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      });
      assertThat(admins).isEqualTo(1);
    }
  }
}
