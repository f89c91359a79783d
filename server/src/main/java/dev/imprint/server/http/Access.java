package dev.imprint.server.http;

import io.javalin.security.RouteRole;

/**
 * Marks a route that needs no bearer token: {@code PUBLIC} for health, metrics and public trust
 * documents; {@code CONSOLE} for the web console's pages, which authenticate by session cookie.
 */
public enum Access implements RouteRole {
  PUBLIC,
  CONSOLE
}
