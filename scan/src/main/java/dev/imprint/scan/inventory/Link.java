package dev.imprint.scan.inventory;

/**
 * A relation between two identities (or an identity and a place) that no single-file check sees.
 *
 * @param kind one of {@code static-key-source}, {@code oidc-trust}, {@code rbac},
 *     {@code secret-reuse}
 * @param from the id of the identity holding or using the credential
 * @param to the id of the identity it most likely acts as
 * @param reason one sentence saying why the link is drawn and what it allows
 */
public record Link(String kind, String from, String to, String reason) {}
