/**
 * NHI alerts: detections that read the audit log every replica shares (a retired image or a
 * disabled identity still attesting, a dormant identity waking up, attestation storms, refused
 * join tokens, denied-decision probing, unused grants, overdue signing keys, a failed audit
 * integrity check), the alerts they raise (stored once cluster-wide under a dedup key and
 * audited), their delivery to a signed webhook and to Alertmanager, and their HTTP routes.
 * {@link dev.imprint.server.alert.AlertService} is the public read and change API (the console
 * uses it).
 */
package dev.imprint.server.alert;
