package dev.imprint.server.kubernetes;

import com.nimbusds.jose.jwk.JWKSet;
import dev.imprint.server.audit.AuditEvent;
import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.auth.Caller;
import dev.imprint.server.auth.IssuedToken;
import dev.imprint.server.auth.Role;
import dev.imprint.server.auth.TokenService;
import dev.imprint.server.identity.Identity;
import dev.imprint.server.identity.IdentityService;
import dev.imprint.server.store.Database;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The clusters Imprint trusts: each one's service-account token issuer and JWKS, the admission
 * tokens bound to it, and the service-account bindings that narrow which pods may act as an
 * identity. Every change is audited in its own transaction.
 */
public final class ClusterService {
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern SERVICE_ACCOUNT =
      Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
  private static final String COLUMNS = "name, issuer, jwks_url, jwks, created_at, created_by,"
      + " updated_at";

  /** A service-account binding: pods of {@code namespace/serviceAccount} may act as it. */
  public record Binding(String cluster, String namespace, String serviceAccount,
      String identity, Instant createdAt, String createdBy) {}

  private final Database db;
  private final AuditLog audit;
  private final Clock clock;
  private final TokenService tokens;
  private final IdentityService identities;
  private final ClusterKeys keys;

  public ClusterService(Database db, AuditLog audit, Clock clock, TokenService tokens,
      IdentityService identities) {
    this(db, audit, clock, tokens, identities, ClusterKeys.DEFAULT_REFETCH_INTERVAL);
  }

  /** With the shortest interval between fetches a token's unknown key id may cause. */
  ClusterService(Database db, AuditLog audit, Clock clock, TokenService tokens,
      IdentityService identities, Duration refetchInterval) {
    this.db = db;
    this.audit = audit;
    this.clock = clock;
    this.tokens = tokens;
    this.identities = identities;
    this.keys = new ClusterKeys(clock, refetchInterval, this::keysChanged);
  }

  ClusterKeys keys() {
    return keys;
  }

  /**
   * Registers a cluster. Exactly one of {@code jwks} (a JWKS document) and {@code jwksUrl} is
   * given; a URL is fetched now, so a wrong one is refused at once.
   */
  public Cluster add(String name, String issuer, String jwks, String jwksUrl, String actor) {
    String n = name(name);
    String iss = issuer(issuer);
    Source src = source(jwks, jwksUrl);
    Instant now = now();
    Cluster cluster = new Cluster(n, iss, src.url(), src.json(), now, actor, now);
    return db.write(c -> {
      db.lockWriters(c);
      if (find(c, n).isPresent()) {
        throw KubernetesException.conflict("cluster.exists", "a cluster named '" + n
            + "' is already registered; change it with 'imprint cluster update'");
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO k8s_clusters (" + COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, n);
        ps.setString(2, iss);
        ps.setString(3, src.url());
        ps.setString(4, src.json());
        ps.setLong(5, now.toEpochMilli());
        ps.setString(6, actor);
        ps.setLong(7, now.toEpochMilli());
        ps.executeUpdate();
      }
      audit.append(c, new AuditEvent(actor, "k8s.cluster_added", "cluster:" + n,
          details(cluster, src.keyIds())));
      return cluster;
    });
  }

  /**
   * Changes a cluster's issuer and/or JWKS (a document or a URL); null leaves a field as it is.
   */
  public Cluster update(String name, String issuer, String jwks, String jwksUrl, String actor) {
    String n = name(name);
    String iss = issuer == null ? null : issuer(issuer);
    Source src = jwks == null && jwksUrl == null ? null : source(jwks, jwksUrl);
    if (iss == null && src == null) {
      throw KubernetesException.invalid("cluster.nothing_to_change", "expected 'issuer',"
          + " 'jwks' or 'jwksUrl' to change, got none");
    }
    Instant now = now();
    return db.write(c -> {
      Cluster cur = find(c, n).orElseThrow(() -> notFound(n));
      Cluster next = new Cluster(n, iss == null ? cur.issuer() : iss,
          src == null ? cur.jwksUrl() : src.url(), src == null ? cur.jwks() : src.json(),
          cur.createdAt(), cur.createdBy(), now);
      try (PreparedStatement ps = c.prepareStatement("UPDATE k8s_clusters SET issuer = ?,"
          + " jwks_url = ?, jwks = ?, updated_at = ? WHERE name = ?")) {
        ps.setString(1, next.issuer());
        ps.setString(2, next.jwksUrl());
        ps.setString(3, next.jwks());
        ps.setLong(4, now.toEpochMilli());
        ps.setString(5, n);
        ps.executeUpdate();
      }
      Map<String, Object> d = details(next, Jwks.keyIds(Jwks.parse(next.jwks())));
      d.put("previousIssuer", cur.issuer());
      audit.append(c, new AuditEvent(actor, "k8s.cluster_updated", "cluster:" + n, d));
      return next;
    });
  }

  /** Every cluster by name. */
  public List<Cluster> list() {
    return db.read(c -> {
      List<Cluster> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
          + " FROM k8s_clusters ORDER BY name"); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(row(rs));
        }
      }
      return out;
    });
  }

  /** The cluster named {@code name}, or a {@code cluster.not_found} refusal. */
  public Cluster get(String name) {
    return db.read(c -> find(c, name)).orElseThrow(() -> notFound(name));
  }

  /** The key ids of the JWKS held for {@code cluster} (fetched ones as last fetched). */
  public List<String> keyIds(Cluster cluster) {
    return Jwks.keyIds(keys.keys(cluster));
  }

  /** Clusters whose tokens carry issuer {@code iss}. */
  List<Cluster> byIssuer(Connection c, String iss) throws SQLException {
    List<Cluster> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
        + " FROM k8s_clusters WHERE issuer = ? ORDER BY name")) {
      ps.setString(1, iss);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(row(rs));
        }
      }
    }
    return out;
  }

  /**
   * Creates an admission token bound to cluster {@code name}: the pods its reviews admit are
   * recorded in that cluster, and it cannot speak for another.
   */
  public IssuedToken admissionToken(String name, String description, String actor) {
    String n = name(name);
    String desc = description == null || description.isBlank()
        ? "admission webhooks of cluster " + n : description;
    return tokens.create(Role.ADMISSION, desc, actor, (tx, tokenId) -> {
      if (find(tx, n).isEmpty()) {
        throw notFound(n);
      }
      try (PreparedStatement ps = tx.prepareStatement(
          "INSERT INTO k8s_admission_tokens (token_id, cluster) VALUES (?, ?)")) {
        ps.setString(1, tokenId);
        ps.setString(2, n);
        ps.executeUpdate();
      }
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("cluster", n);
      audit.append(tx, new AuditEvent(actor, "k8s.admission_token_bound", "token:" + tokenId,
          d));
    });
  }

  /**
   * The cluster an admission review is recorded in: the one the caller's token is bound to, or
   * for an admin or unbound admission token the one the webhook URL names ({@code ?cluster=}).
   */
  String clusterFor(Caller caller, String requested) {
    Optional<String> bound = db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT cluster FROM k8s_admission_tokens WHERE token_id = ?")) {
        ps.setString(1, caller.tokenId());
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
        }
      }
    });
    if (bound.isPresent()) {
      if (requested != null && !requested.equals(bound.get())) {
        throw KubernetesException.forbidden("admission.cluster_mismatch", "this admission token"
            + " is bound to cluster '" + bound.get() + "' and cannot speak for cluster '"
            + ContainerImage.shorten(requested) + "'");
      }
      return bound.get();
    }
    if (requested == null || requested.isEmpty()) {
      throw KubernetesException.invalid("admission.cluster_missing", "this token is not bound"
          + " to a cluster: create the webhook's token with 'imprint cluster token NAME', or add"
          + " ?cluster=NAME to the webhook URL");
    }
    return get(name(requested)).name();
  }

  /** Binds service account {@code namespace/serviceAccount} of {@code cluster} to an identity. */
  public Binding bind(String cluster, String identity, String namespace, String serviceAccount,
      String actor) {
    String n = name(cluster);
    String ns = namespace(namespace);
    String sa = serviceAccount(serviceAccount);
    Instant now = now();
    return db.write(c -> {
      db.lockWriters(c);
      find(c, n).orElseThrow(() -> notFound(n));
      Identity id = identity(c, identity);
      if (binding(c, id.id(), n, ns, sa)) {
        return new Binding(n, ns, sa, id.spiffeId(), now, actor);
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO k8s_bindings (identity_id,"
          + " cluster, namespace, service_account, created_at, created_by)"
          + " VALUES (?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, id.id());
        ps.setString(2, n);
        ps.setString(3, ns);
        ps.setString(4, sa);
        ps.setLong(5, now.toEpochMilli());
        ps.setString(6, actor);
        ps.executeUpdate();
      }
      audit.append(c, new AuditEvent(actor, "k8s.binding_added", id.spiffeId(),
          bindingDetails(n, ns, sa)));
      return new Binding(n, ns, sa, id.spiffeId(), now, actor);
    });
  }

  /** Removes a binding; false when there was none. */
  public boolean unbind(String cluster, String identity, String namespace,
      String serviceAccount, String actor) {
    String n = name(cluster);
    String ns = namespace(namespace);
    String sa = serviceAccount(serviceAccount);
    return db.write(c -> {
      Identity id = identity(c, identity);
      int removed;
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM k8s_bindings WHERE"
          + " identity_id = ? AND cluster = ? AND namespace = ? AND service_account = ?")) {
        ps.setString(1, id.id());
        ps.setString(2, n);
        ps.setString(3, ns);
        ps.setString(4, sa);
        removed = ps.executeUpdate();
      }
      if (removed > 0) {
        audit.append(c, new AuditEvent(actor, "k8s.binding_removed", id.spiffeId(),
            bindingDetails(n, ns, sa)));
      }
      return removed > 0;
    });
  }

  /** The bindings of {@code cluster}, by identity, namespace and service account. */
  public List<Binding> bindings(String cluster) {
    String n = name(cluster);
    return db.read(c -> {
      List<Binding> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT b.cluster, b.namespace,"
          + " b.service_account, i.spiffe_id, b.created_at, b.created_by FROM k8s_bindings b"
          + " JOIN identities i ON i.id = b.identity_id WHERE b.cluster = ?"
          + " ORDER BY i.spiffe_id, b.namespace, b.service_account")) {
        ps.setString(1, n);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Binding(rs.getString(1), rs.getString(2), rs.getString(3),
                rs.getString(4), Instant.ofEpochMilli(rs.getLong(5)), rs.getString(6)));
          }
        }
      }
      return out;
    });
  }

  /** The bindings of identity {@code identityId} in every cluster. */
  static List<Binding> bindingsOf(Connection c, String identityId, String spiffeId)
      throws SQLException {
    List<Binding> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT cluster, namespace,"
        + " service_account, created_at, created_by FROM k8s_bindings WHERE identity_id = ?"
        + " ORDER BY cluster, namespace, service_account")) {
      ps.setString(1, identityId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Binding(rs.getString(1), rs.getString(2), rs.getString(3), spiffeId,
              Instant.ofEpochMilli(rs.getLong(4)), rs.getString(5)));
        }
      }
    }
    return out;
  }

  private static boolean binding(Connection c, String identityId, String cluster, String ns,
      String sa) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM k8s_bindings WHERE"
        + " identity_id = ? AND cluster = ? AND namespace = ? AND service_account = ?")) {
      ps.setString(1, identityId);
      ps.setString(2, cluster);
      ps.setString(3, ns);
      ps.setString(4, sa);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private Identity identity(Connection c, String ref) throws SQLException {
    if (ref == null || ref.isBlank()) {
      throw KubernetesException.invalid("cluster.identity_missing", "expected 'identity' (the"
          + " SPIFFE ID or id of the identity to bind), got none");
    }
    return identities.find(c, ref, true).orElseThrow(() -> KubernetesException.notFound(
        "cluster.identity_unknown", "no identity with SPIFFE ID or id '"
            + ContainerImage.shorten(ref) + "'"));
  }

  /** A fetched JWKS that differs from the stored one: store it and audit the new key ids. */
  private void keysChanged(Cluster cluster, String jwks) {
    db.write(c -> {
      int n;
      try (PreparedStatement ps = c.prepareStatement("UPDATE k8s_clusters SET jwks = ?"
          + " WHERE name = ? AND jwks_url = ? AND jwks <> ?")) {
        ps.setString(1, jwks);
        ps.setString(2, cluster.name());
        ps.setString(3, cluster.jwksUrl());
        ps.setString(4, jwks);
        n = ps.executeUpdate();
      }
      if (n > 0) { // another replica may have stored (and audited) the same keys first
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("jwksUrl", cluster.jwksUrl());
        d.put("keyIds", Jwks.keyIds(Jwks.parse(jwks)));
        audit.append(c, new AuditEvent("system:jwks-refresh", "k8s.cluster_keys_changed",
            "cluster:" + cluster.name(), d));
      }
      return null;
    });
  }

  /** Where a cluster's keys come from, checked and normalised. */
  private record Source(String url, String json, List<String> keyIds) {}

  private Source source(String jwks, String jwksUrl) {
    if ((jwks == null) == (jwksUrl == null)) {
      throw KubernetesException.invalid("cluster.jwks_missing", "expected exactly one of 'jwks'"
          + " (the issuer's JWKS document) and 'jwksUrl' (where to fetch it), got "
          + (jwks == null ? "neither" : "both"));
    }
    if (jwks != null) {
      JWKSet set = Jwks.parse(jwks);
      return new Source(null, set.toString(true), Jwks.keyIds(set));
    }
    java.net.URI url = ClusterKeys.checkUrl(jwksUrl);
    try {
      JWKSet set = Jwks.parse(keys.fetch(url).body());
      return new Source(url.toString(), set.toString(true), Jwks.keyIds(set));
    } catch (IOException e) {
      throw new KubernetesException(KubernetesException.Kind.UNPROCESSABLE,
          "cluster.jwks_unavailable", "cannot fetch the JWKS from " + url + ": "
              + e.getMessage());
    } catch (KubernetesException e) {
      throw new KubernetesException(KubernetesException.Kind.UNPROCESSABLE,
          "cluster.jwks_unavailable", "the document at " + url + " is not a usable JWKS: "
              + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KubernetesException(KubernetesException.Kind.UNAVAILABLE,
          "cluster.jwks_unavailable", "interrupted while fetching the JWKS from " + url);
    }
  }

  private static Map<String, Object> details(Cluster c, List<String> keyIds) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("issuer", c.issuer());
    d.put("jwksUrl", c.jwksUrl());
    d.put("keyIds", keyIds);
    return d;
  }

  private static Map<String, Object> bindingDetails(String cluster, String ns, String sa) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("cluster", cluster);
    d.put("namespace", ns);
    d.put("serviceAccount", sa);
    return d;
  }

  Optional<Cluster> find(Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
        + " FROM k8s_clusters WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    }
  }

  private static Cluster row(ResultSet rs) throws SQLException {
    return new Cluster(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
        Instant.ofEpochMilli(rs.getLong(5)), rs.getString(6),
        Instant.ofEpochMilli(rs.getLong(7)));
  }

  static KubernetesException notFound(String name) {
    return KubernetesException.notFound("cluster.not_found", "no cluster named '"
        + ContainerImage.shorten(String.valueOf(name)) + "' (see 'imprint cluster list')");
  }

  static String name(String name) {
    if (name == null || name.isBlank()) {
      throw KubernetesException.invalid("cluster.name_missing", "expected a cluster name, got"
          + " none");
    }
    if (!NAME.matcher(name).matches()) {
      throw KubernetesException.invalid("cluster.name_invalid", "expected a cluster name of"
          + " lower-case letters, digits and '-' (at most 63, as a DNS label), got '"
          + ContainerImage.shorten(name) + "'");
    }
    return name;
  }

  private static String issuer(String issuer) {
    if (issuer == null || issuer.isBlank()) {
      throw KubernetesException.invalid("cluster.issuer_missing", "expected 'issuer', the"
          + " service-account token issuer (kube-apiserver --service-account-issuer), got none");
    }
    if (issuer.length() > 512 || issuer.codePoints().anyMatch(cp -> Character.isWhitespace(cp)
        || Character.isISOControl(cp))) {
      throw KubernetesException.invalid("cluster.issuer_invalid", "expected an issuer of at"
          + " most 512 characters without spaces, such as https://kubernetes.default.svc");
    }
    return issuer;
  }

  static String namespace(String ns) {
    if (ns == null || !NAME.matcher(ns).matches()) {
      throw KubernetesException.invalid("cluster.namespace_invalid", "expected a namespace"
          + " (a DNS label), got " + (ns == null ? "none" : "'" + ContainerImage.shorten(ns)
              + "'"));
    }
    return ns;
  }

  static String serviceAccount(String sa) {
    if (sa == null || !SERVICE_ACCOUNT.matcher(sa).matches()) {
      throw KubernetesException.invalid("cluster.service_account_invalid", "expected a service"
          + " account name (a DNS subdomain), got " + (sa == null ? "none" : "'"
              + ContainerImage.shorten(sa) + "'"));
    }
    return sa;
  }

  private Instant now() {
    return Instant.ofEpochMilli(clock.millis());
  }
}
