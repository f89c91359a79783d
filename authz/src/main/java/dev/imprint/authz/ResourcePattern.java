package dev.imprint.authz;

/**
 * A grant's resource, typed as docs/grants.md defines: {@link DbResource}, {@link NetResource},
 * {@link HttpResource}, or a {@link NamedResource} for every other type. A pattern may end in a
 * wildcard segment; a request's resource never does.
 */
public sealed interface ResourcePattern
    permits DbResource, NetResource, HttpResource, NamedResource {

  /** The resource as written, e.g. {@code db:postgres://orders-db:5432/orders/public}. */
  String text();

  /** The type before the first ':' ({@code db}, {@code net}, {@code http}, or another). */
  String type();

  /** Whether this pattern matches more than one resource by a wildcard. */
  boolean wildcard();

  /** Parses a pattern as written in a grant; throws {@code grant.resource} when malformed. */
  static ResourcePattern parse(String text) {
    return Resources.parse(text, true);
  }
}
