/**
 * Images registered by digest with the identity they carry, their provenance and scan
 * summaries, moved through {@code registered -> approved | rejected -> deployed -> retired}
 * (and rolled back to a predecessor) with every move kept as history and audited. Approval is
 * decided by the operator's {@link dev.imprint.server.image.ImagePolicy}, which also weighs who
 * supplied each report and the provenance (a pipeline token registers only for the identity it
 * is bound to) and whether each report says what wrote it and what it scanned; retirement runs
 * {@link dev.imprint.server.image.ImageService.RetirementHook}s in the same transaction, which
 * is where credential revocation plugs in.
 */
package dev.imprint.server.image;
