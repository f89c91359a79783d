package dev.imprint.server.http;

/** A capability's HTTP surface: its routes and its part of the OpenAPI document. */
public interface ApiModule {
  /** Declares the module's routes. */
  void routes(Api api);

  /**
   * The class-path resource holding this module's OpenAPI fragment (a JSON object with
   * {@code paths} and optionally {@code components.schemas}), merged into {@code /v1/openapi.json}.
   */
  String openApiFragment();
}
