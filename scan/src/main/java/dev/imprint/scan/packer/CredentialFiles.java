package dev.imprint.scan.packer;

import java.util.Locale;
import java.util.regex.Pattern;

/** Recognises paths of files that hold credentials: SSH and TLS private keys, configs, .env. */
final class CredentialFiles {
  private static final Pattern SSH_KEY = Pattern.compile("id_(rsa|dsa|ecdsa|ed25519)(_sk)?");
  private static final Pattern KEY_FILE = Pattern.compile(
      ".{1,200}\\.(pem|key|p12|pfx|jks|keystore|ppk)");
  private static final Pattern PUBLIC = Pattern.compile(
      ".*(\\.pub|\\.crt|\\.cer|\\.asc|cert|chain|(^|[._-])ca([._-]|$)|bundle|public|trust|gpg"
          + "|pgp|keyring).*");

  private CredentialFiles() {}

  /** What kind of credential a path names, or null when it names none. */
  static String kind(String path) {
    String p = path.trim().replace('\\', '/');
    String lower = p.toLowerCase(Locale.ROOT);
    String name = lower.substring(lower.lastIndexOf('/') + 1);
    if (name.isEmpty() || PUBLIC.matcher(name).matches()) {
      return null;
    }
    if (SSH_KEY.matcher(name).matches()) {
      return "an SSH private key";
    }
    if (lower.contains(".kube/config") || name.equals("kubeconfig")
        || name.endsWith(".kubeconfig")) {
      return "a kubeconfig";
    }
    if (lower.contains(".aws/credentials") || lower.contains(".docker/config.json")
        || name.equals(".git-credentials") || name.equals(".netrc") || name.equals(".npmrc")
        || name.equals(".pypirc") || name.equals(".pgpass") || name.equals(".vault-token")) {
      return "a credentials file";
    }
    if (name.contains("credential") || name.contains("service-account")
        || name.contains("service_account") || name.contains("serviceaccount")
        || name.endsWith("-key.json") || name.endsWith("_key.json")) {
      return "a credentials file";
    }
    if (name.equals(".env") || name.endsWith(".env") || name.startsWith(".env.")
        && !name.contains("example") && !name.contains("sample") && !name.contains("template")) {
      return "an environment file";
    }
    if (KEY_FILE.matcher(name).matches()) {
      return "a private key";
    }
    return null;
  }
}
