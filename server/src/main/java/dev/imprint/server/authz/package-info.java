/**
 * Authorization on the server: policy versions of grants (plan, apply, the published snapshot),
 * the decision point {@code POST /v1/authorize} for workloads and gateways, batched decision
 * records (audit entries, daily aggregates, last use of each grant) and what they tell: unused
 * grants, dormant identities, narrower grants, and a replay of recorded decisions against a
 * candidate grant set. The grant language and the decider are the {@code authz} module's.
 */
package dev.imprint.server.authz;
