package com.shop;

final class TokenService {
  private static final String HEADER = "-----BEGIN PRIVATE KEY-----";
  private static final String FOOTER = "-----END PRIVATE KEY-----";

  String sign(String payload) {
    String secret = computeSecret(payload);
    String password = System.getenv("SIGNING_PASSWORD");
    return secret + password;
  }

  private String computeSecret(String p) {
    return p;
  }
}
