/**
 * Free text as the control plane accepts it: the one check every free-text field of every route
 * goes through ({@link dev.imprint.server.text.FreeText}), so that a description, a reason, an
 * owner or a finding's message can never carry a terminal escape, a line break that forges a
 * log line, a NUL that truncates a C consumer's copy, a bidirectional override that makes a
 * review show something else than what is stored (CVE-2021-42574, "Trojan Source"), or a lone
 * surrogate that no UTF-8 store can hold. Lengths are counted in code points, as a person
 * counts characters. A refusal is a {@link dev.imprint.server.text.TextRefused} with a stable
 * code; it names the field and the code point, never the value.
 */
package dev.imprint.server.text;
