package com.acme.orders;

final class PemParser {
  static final String BEGIN = "-----BEGIN RSA PRIVATE KEY-----";
  static final String END = "-----END RSA PRIVATE KEY-----";

  static boolean isKey(String text) {
    return text.startsWith(BEGIN) && text.contains(END) && !text.contains("ENCRYPTED");
  }
}
