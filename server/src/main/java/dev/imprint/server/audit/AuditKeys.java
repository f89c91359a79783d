package dev.imprint.server.audit;

import dev.imprint.server.store.Database;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * Loads the audit signing key from {@code server_keys}, or generates and stores it (wrapped by
 * the key-encryption key) on first start. Two replicas starting together both try to insert;
 * the first insert wins and both then use the stored key.
 */
final class AuditKeys {
  static final String KEY_ID = "audit-ed25519";

  private AuditKeys() {}

  static CheckpointSigner loadOrCreate(Database db, KeyEncryptionKey kek, String keyName,
      Clock clock) {
    Optional<String> stored = load(db);
    if (stored.isEmpty()) {
      byte[] seed = new byte[Ed25519PrivateKeyParameters.KEY_SIZE];
      new SecureRandom().nextBytes(seed);
      byte[] pub = new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
      String wrapped = kek.wrap(seed, KEY_ID);
      db.write(c -> {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO server_keys (id, algorithm,"
            + " public_key, private_key_enc, created_at) VALUES (?, 'Ed25519', ?, ?, ?)"
            + " ON CONFLICT (id) DO NOTHING")) {
          ps.setString(1, KEY_ID);
          ps.setString(2, Base64.getEncoder().encodeToString(pub));
          ps.setString(3, wrapped);
          ps.setLong(4, clock.millis());
          ps.executeUpdate();
        }
        return null;
      });
      stored = load(db);
    }
    byte[] seed = kek.unwrap(stored.orElseThrow(), KEY_ID);
    return new CheckpointSigner(keyName, seed);
  }

  private static Optional<String> load(Database db) {
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT private_key_enc FROM server_keys WHERE id = ?")) {
        ps.setString(1, KEY_ID);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
        }
      }
    });
  }
}
