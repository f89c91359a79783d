package dev.imprint.server.kubernetes;

import java.time.Instant;

/**
 * A Kubernetes cluster whose service-account tokens Imprint verifies: its name, the issuer its
 * tokens carry ({@code iss}), and its JWKS, given as a document ({@code jwksUrl} null) or
 * fetched from {@code jwksUrl} ({@code jwks} is then the last one fetched).
 */
public record Cluster(String name, String issuer, String jwksUrl, String jwks,
    Instant createdAt, String createdBy, Instant updatedAt) {}
