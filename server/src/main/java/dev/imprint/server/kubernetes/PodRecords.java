package dev.imprint.server.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.store.Database;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The pods the validating webhook admitted ({@code k8s_pods}): what each runs (every container's
 * image and digest) as which service account, found again by the pod's uid when it attests.
 */
final class PodRecords {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String COLUMNS = "id, cluster, namespace, name, generate_name, uid,"
      + " service_account, containers, review_uid, admitted_at, admitted_by, deleted_at";
  /** Kubernetes appends five random characters to a generateName cut to 58. */
  static final int GENERATED_SUFFIX = 5;
  static final int MAX_GENERATE_PREFIX = 58;

  /** One container as admitted; {@code digest} is null when its image was not pinned. */
  record PodContainer(String kind, String name, String image, String digest) {}

  /** One admitted pod. {@code uid} is null until known; {@code deletedAt} once deleted. */
  record Pod(String id, String cluster, String namespace, String name, String generateName,
      String uid, String serviceAccount, List<PodContainer> containers, String reviewUid,
      Instant admittedAt, String admittedBy, Instant deletedAt) {
    /** {@code namespace/name} (or {@code namespace/generateName*}), for messages. */
    String label() {
      return namespace + "/" + (name.isEmpty() ? generateName + "*" : name);
    }
  }

  private PodRecords() {}

  /**
   * Records {@code pod} in transaction {@code tx}: replaces the row of the same cluster and uid
   * (an update, or a review sent again; a deleted pod stays deleted), else inserts one. Takes the writers' lock first so that
   * replicas admitting the same pod at once update one row instead of failing on the key.
   */
  static Pod admit(Connection tx, Pod pod, Database db) throws SQLException {
    db.lockWriters(tx);
    Optional<Pod> existing = pod.uid() == null ? Optional.empty()
        : byUid(tx, pod.cluster(), pod.uid());
    String id = existing.map(Pod::id).orElseGet(PodRecords::newId);
    if (existing.isPresent()) {
      try (PreparedStatement ps = tx.prepareStatement("UPDATE k8s_pods SET namespace = ?,"
          + " name = ?, generate_name = ?, service_account = ?, containers = ?,"
          + " review_uid = ?, updated_at = ? WHERE id = ?")) {
        ps.setString(1, pod.namespace());
        ps.setString(2, pod.name());
        ps.setString(3, pod.generateName());
        ps.setString(4, pod.serviceAccount());
        ps.setString(5, json(pod.containers()));
        ps.setString(6, pod.reviewUid());
        ps.setLong(7, pod.admittedAt().toEpochMilli());
        ps.setString(8, id);
        ps.executeUpdate();
      }
    } else {
      try (PreparedStatement ps = tx.prepareStatement("INSERT INTO k8s_pods (id, cluster,"
          + " namespace, name, generate_name, uid, service_account, containers, review_uid,"
          + " admitted_at, admitted_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, id);
        ps.setString(2, pod.cluster());
        ps.setString(3, pod.namespace());
        ps.setString(4, pod.name());
        ps.setString(5, pod.generateName());
        if (pod.uid() == null) {
          ps.setNull(6, Types.VARCHAR);
        } else {
          ps.setString(6, pod.uid());
        }
        ps.setString(7, pod.serviceAccount());
        ps.setString(8, json(pod.containers()));
        ps.setString(9, pod.reviewUid());
        ps.setLong(10, pod.admittedAt().toEpochMilli());
        ps.setString(11, pod.admittedBy());
        ps.setLong(12, pod.admittedAt().toEpochMilli());
        ps.executeUpdate();
      }
    }
    return new Pod(id, pod.cluster(), pod.namespace(), pod.name(), pod.generateName(),
        pod.uid(), pod.serviceAccount(), pod.containers(), pod.reviewUid(),
        existing.map(Pod::admittedAt).orElse(pod.admittedAt()),
        existing.map(Pod::admittedBy).orElse(pod.admittedBy()), null);
  }

  /** Marks the pod of {@code uid} deleted; false when none was recorded. */
  static boolean deleted(Connection tx, String cluster, String uid, Instant at)
      throws SQLException {
    try (PreparedStatement ps = tx.prepareStatement("UPDATE k8s_pods SET deleted_at = ?,"
        + " updated_at = ? WHERE cluster = ? AND uid = ? AND deleted_at IS NULL")) {
      ps.setLong(1, at.toEpochMilli());
      ps.setLong(2, at.toEpochMilli());
      ps.setString(3, cluster);
      ps.setString(4, uid);
      return ps.executeUpdate() > 0;
    }
  }

  static Optional<Pod> byUid(Connection c, String cluster, String uid) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
        + " FROM k8s_pods WHERE cluster = ? AND uid = ?")) {
      ps.setString(1, cluster);
      ps.setString(2, uid);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    }
  }

  /**
   * Pods of {@code namespace} recorded without a uid that pod {@code podName} may be: the one of
   * that exact name, else those whose generateName it extends by the five characters Kubernetes
   * appends; oldest first.
   */
  static List<Pod> unclaimed(Connection c, String cluster, String namespace, String podName)
      throws SQLException {
    List<Pod> exact = new ArrayList<>();
    List<Pod> generated = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM k8s_pods"
        + " WHERE cluster = ? AND namespace = ? AND uid IS NULL AND deleted_at IS NULL"
        + " AND (name = ? OR name = '') ORDER BY admitted_at, id")) {
      ps.setString(1, cluster);
      ps.setString(2, namespace);
      ps.setString(3, podName);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Pod p = row(rs);
          if (p.name().equals(podName)) {
            exact.add(p);
          } else if (generatedFrom(podName, p.generateName())) {
            generated.add(p);
          }
        }
      }
    }
    return exact.isEmpty() ? generated : exact;
  }

  /** Whether Kubernetes could have named a pod {@code name} from {@code generateName}. */
  static boolean generatedFrom(String name, String generateName) {
    if (generateName.isEmpty()) {
      return false;
    }
    String prefix = generateName.length() > MAX_GENERATE_PREFIX
        ? generateName.substring(0, MAX_GENERATE_PREFIX) : generateName;
    return name.length() == prefix.length() + GENERATED_SUFFIX && name.startsWith(prefix);
  }

  /** Gives an uid-less row the uid of the pod that proved to be it; false if taken meanwhile. */
  static boolean claim(Connection tx, String id, String uid) throws SQLException {
    try (PreparedStatement ps = tx.prepareStatement(
        "UPDATE k8s_pods SET uid = ? WHERE id = ? AND uid IS NULL")) {
      ps.setString(1, uid);
      ps.setString(2, id);
      return ps.executeUpdate() > 0;
    }
  }

  /** Notes when the pod last attested. */
  static void attested(Connection tx, String id, Instant at) throws SQLException {
    try (PreparedStatement ps = tx.prepareStatement(
        "UPDATE k8s_pods SET attested_at = ? WHERE id = ?")) {
      ps.setLong(1, at.toEpochMilli());
      ps.setString(2, id);
      ps.executeUpdate();
    }
  }

  private static Pod row(ResultSet rs) throws SQLException {
    long deleted = rs.getLong(12);
    Instant deletedAt = rs.wasNull() ? null : Instant.ofEpochMilli(deleted);
    return new Pod(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
        rs.getString(5), rs.getString(6), rs.getString(7), containers(rs.getString(8)),
        rs.getString(9), Instant.ofEpochMilli(rs.getLong(10)), rs.getString(11), deletedAt);
  }

  private static String json(List<PodContainer> containers) {
    try {
      return JSON.writeValueAsString(containers);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("containers are always serialisable", e);
    }
  }

  private static List<PodContainer> containers(String json) throws SQLException {
    try {
      return JSON.readValue(json, new TypeReference<List<PodContainer>>() {});
    } catch (JsonProcessingException e) {
      throw new SQLException("a stored pod's containers are not JSON", e);
    }
  }

  private static String newId() {
    byte[] b = new byte[12];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
