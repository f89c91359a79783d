package dev.imprint.server.http;

import io.javalin.security.RouteRole;

/** Marks a route that needs no token (health, metrics, public trust documents). */
public enum Access implements RouteRole {
  PUBLIC
}
