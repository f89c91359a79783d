package dev.imprint.scan.inventory;

/**
 * A relation between two identities (or an identity and a place) that no single-file check sees,
 * with the evidence on both ends.
 *
 * @param kind one of the {@code LINK_*} constants of {@link Inventory}
 * @param from the id of the identity holding or using the credential
 * @param to the id of the identity it acts as, or {@code file:path} for a place
 * @param fromLocation where the evidence on the {@code from} side is
 * @param toLocation where the evidence on the {@code to} side is
 * @param reason one sentence saying why the link is drawn and what it allows; never a secret
 */
public record Link(String kind, String from, String to, Place fromLocation, Place toLocation,
    String reason) {}
