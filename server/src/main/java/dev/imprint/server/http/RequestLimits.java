package dev.imprint.server.http;

/**
 * What one request may send: the server-wide body limit (routes may set their own) and the
 * budget of body bytes all requests in flight share.
 */
record RequestLimits(long maxBodyBytes, BodyBudget budget) {}
