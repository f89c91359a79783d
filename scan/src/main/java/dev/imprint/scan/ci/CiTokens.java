package dev.imprint.scan.ci;

import dev.imprint.scan.yaml.YamlMap;
import dev.imprint.scan.yaml.YamlNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The credentials a CI system issues to each job (GitHub's token, its OIDC request token,
 * GitLab's job token, job JWTs and {@code id_tokens:}) and the hosts each may be sent to. A
 * network command that sends one anywhere else hands the job's identity to that host.
 */
final class CiTokens {
  /** What a token is for, which decides where it may go. */
  enum Kind {
    /** Authenticates to the CI provider's own API, registry or cache only. */
    PROVIDER,
    /** Mints OIDC ID tokens for any audience: only the provider's token endpoint may see it. */
    ID_TOKEN_REQUEST,
    /** An OIDC ID token or job JWT: meant for a relying party (Vault, a cloud's STS). */
    ID_TOKEN
  }

  /**
   * A token a script may reference.
   *
   * @param audience for {@code id_tokens:}, the declared audience(s), lower case
   */
  record Token(String name, Kind kind, List<String> audience) {}

  private static final Pattern URL_HOST =
      Pattern.compile("(?i)^[a-z][a-z0-9+.-]{0,20}://(?:[^/@\\s]*@)?([^/:?#\\s]+)");
  private static final Pattern VAR = Pattern.compile("\\$\\{\\{\\s*([A-Za-z0-9_.]+)\\s*}}"
      + "|\\$\\{([A-Za-z_][A-Za-z0-9_]*)}|\\$([A-Za-z_][A-Za-z0-9_]*)");

  /** A shell assignment: {@code [export|local|readonly] NAME=value}. */
  private static final Pattern ASSIGNMENT = Pattern.compile("^(?:(?:export|local|readonly|"
      + "declare(?:\\s+-[A-Za-z]+)?)\\s+)?([A-Za-z_][A-Za-z0-9_]{0,100})=(.*)$");
  /** The audience asked of GitHub's ID token endpoint ({@code &audience=sts.amazonaws.com}). */
  private static final Pattern AUDIENCE = Pattern.compile("[?&]audience=([^&\"'\\s)`]{1,300})");

  /**
   * An audience that names no host ({@code sigstore}, {@code hookd}) or one not known
   * statically: the relying party it was minted for may be any host.
   */
  private static final String ANY_AUDIENCE = "*";
  /** Tools whose output, given a token, is another credential rather than the token. */
  private static final Pattern EXCHANGE = Pattern.compile("(?:^|[\\s(|;&`])(?:curl|wget|"
      + "vault|aws|gcloud|az|http|xh|invoke-restmethod|invoke-webrequest)(?:\\s|$)");

  private final Map<String, Token> tokens;
  private final boolean github;
  /** Variables holding the ID token endpoint's URL, with the audience the URL asks for. */
  private final Map<String, List<String>> requestUrls = new HashMap<>();

  private CiTokens(Map<String, Token> tokens, boolean github) {
    this.tokens = tokens;
    this.github = github;
  }

  /**
   * GitHub Actions: the OIDC request and runtime tokens, and GITHUB_TOKEN under any env name
   * bound to {@code secrets.GITHUB_TOKEN} or {@code github.token}.
   */
  static CiTokens github(List<YamlMap> envs) {
    Map<String, Token> t = new HashMap<>();
    t.put("ACTIONS_ID_TOKEN_REQUEST_TOKEN",
        new Token("ACTIONS_ID_TOKEN_REQUEST_TOKEN", Kind.ID_TOKEN_REQUEST, List.of()));
    t.put("ACTIONS_RUNTIME_TOKEN",
        new Token("ACTIONS_RUNTIME_TOKEN", Kind.ID_TOKEN_REQUEST, List.of()));
    t.put("secrets.GITHUB_TOKEN", new Token("GITHUB_TOKEN", Kind.PROVIDER, List.of()));
    t.put("github.token", new Token("GITHUB_TOKEN", Kind.PROVIDER, List.of()));
    for (YamlMap env : envs) {
      for (Map.Entry<String, YamlNode> e : env.entries().entrySet()) {
        String v = e.getValue().text();
        if (v != null && (v.contains("secrets.GITHUB_TOKEN") || v.contains("github.token"))) {
          t.put(e.getKey(), new Token("GITHUB_TOKEN (as " + e.getKey() + ")", Kind.PROVIDER,
              List.of()));
        }
      }
    }
    return new CiTokens(t, true);
  }

  /** GitLab CI: the job token and registry passwords, job JWTs, and the job's id_tokens. */
  static CiTokens gitlab(GitlabJob job, GitlabJob defaults) {
    Map<String, Token> t = new HashMap<>();
    for (String n : List.of("CI_JOB_TOKEN", "CI_BUILD_TOKEN", "CI_REGISTRY_PASSWORD",
        "CI_DEPENDENCY_PROXY_PASSWORD")) {
      t.put(n, new Token(n, Kind.PROVIDER, List.of()));
    }
    for (String n : List.of("CI_JOB_JWT", "CI_JOB_JWT_V1", "CI_JOB_JWT_V2")) {
      t.put(n, new Token(n, Kind.ID_TOKEN, List.of()));
    }
    for (GitlabJob j : List.of(defaults, job)) {
      for (Map.Entry<String, YamlNode> e : j.node().map("id_tokens").entries().entrySet()) {
        List<String> aud = new ArrayList<>();
        YamlNode a = e.getValue().asMap().get("aud");
        if (a != null && a.text() != null) {
          aud.add(a.text().toLowerCase(Locale.ROOT));
        } else if (a != null) {
          for (YamlNode x : a.asList()) {
            if (x.text() != null) {
              aud.add(x.text().toLowerCase(Locale.ROOT));
            }
          }
        }
        t.put(e.getKey(), new Token(e.getKey() + " (id_tokens)", Kind.ID_TOKEN, aud));
      }
    }
    return new CiTokens(t, false);
  }

  /**
   * Learns the variables a script line makes hold a token, for the lines after it: a command
   * substitution that fetches an OIDC ID token from GitHub's endpoint
   * ({@code TOKEN=$(curl ... "$ACTIONS_ID_TOKEN_REQUEST_URL&audience=...")}) holds an ID token
   * for the audience it asks, and so does one that extracts it from such a variable
   * ({@code JWT=$(echo "$RESPONSE" | jq -r .value)}); a plain assignment that copies a token
   * ({@code HEADER="Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN"}) holds that token.
   */
  void learn(String line) {
    Matcher a = ASSIGNMENT.matcher(line.trim());
    if (!a.matches()) {
      return;
    }
    String name = a.group(1);
    String value = a.group(2);
    boolean substitution = value.contains("$(") || value.indexOf('`') >= 0;
    List<String> endpoint = requestUrl(value);
    if (endpoint != null && !substitution) {
      requestUrls.put(name, endpoint);
      return;
    }
    Token held = null;
    if (endpoint != null) {
      held = new Token(name + " (an OIDC ID token)", Kind.ID_TOKEN, endpoint);
    } else {
      Matcher m = Shell.REF.matcher(value);
      while (held == null && m.find()) {
        Token t = of(m.group());
        if (t != null && (!substitution || t.kind() == Kind.ID_TOKEN && !exchange(value))) {
          held = new Token(name + " (holding " + t.name() + ")", t.kind(), t.audience());
        }
      }
    }
    if (held != null) {
      tokens.put(name, held);
    }
  }

  /**
   * Whether a command substitution runs a tool that may exchange the token for another
   * credential (Vault's JWT login, STS): its output is then not the token itself.
   */
  private static boolean exchange(String value) {
    return EXCHANGE.matcher(value).find();
  }

  /**
   * The audience a value asks GitHub's ID token endpoint for (empty when it names none), or
   * null when the value does not name the endpoint.
   */
  private List<String> requestUrl(String value) {
    List<String> audience = null;
    if (github && value.contains("ACTIONS_ID_TOKEN_REQUEST_URL")) {
      audience = new ArrayList<>();
    }
    Matcher m = Shell.REF.matcher(value);
    while (m.find()) {
      List<String> known = requestUrls.get(refName(m.group()));
      if (known != null) {
        audience = audience == null ? new ArrayList<>() : audience;
        audience.addAll(known);
      }
    }
    if (audience != null) {
      Matcher aud = AUDIENCE.matcher(value);
      while (aud.find()) {
        String a = URLDecoder.decode(aud.group(1), StandardCharsets.UTF_8)
            .toLowerCase(Locale.ROOT);
        audience.add(a.contains("$") || a.contains("{") || !a.contains("://") && !a.contains(".")
            ? ANY_AUDIENCE : a);
      }
    }
    return audience;
  }

  private static String refName(String ref) {
    Matcher m = VAR.matcher(ref);
    return !m.find() ? "" : m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2)
        : m.group(3);
  }

  /** The token a reference ({@code $X}, {@code ${X}}, {@code ${{ x }}}) names, or null. */
  Token of(String ref) {
    Matcher m = VAR.matcher(ref);
    if (!m.find()) {
      return null;
    }
    String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2)
        : m.group(3);
    if (m.group(1) != null && name.startsWith("env.")) {
      name = name.substring(4);
    }
    return tokens.get(name);
  }

  /**
   * Why a line sends a job token where it does not belong, or {@code null}: a network command
   * (curl, wget, nc, ...) that carries one of the tokens (in a header, the body or the URL) to
   * a literal host the token is not for. A URL held in a variable the scanner cannot resolve is
   * given the benefit of the doubt.
   */
  String sentElsewhere(String line) {
    for (Shell.Command c : Shell.commands(line)) {
      if (!Shell.isNetwork(c.name())) {
        continue;
      }
      Token token = null;
      Matcher m = Shell.REF.matcher(String.join(" ", c.words()));
      while (token == null && m.find()) {
        token = of(m.group());
      }
      if (token == null) {
        continue;
      }
      String target = target(c);
      if (target == null) {
        continue;
      }
      Matcher host = URL_HOST.matcher(target);
      String h = host.find() ? host.group(1).toLowerCase(Locale.ROOT)
          : Shell.RAW_SOCKETS.contains(c.name()) && !target.startsWith("$")
              ? target.toLowerCase(Locale.ROOT) : null;
      if (h == null || h.contains("$") || allowed(token, h, target)) {
        continue;
      }
      return "sends the job's " + token.name() + " to " + h + " with " + c.name();
    }
    return null;
  }

  /**
   * Services a secret's name says it authenticates to (a word of the name, such as NPM in
   * NPM_TOKEN), each with the hosts it is used against. Sending such a secret to a literal URL
   * that is not one of them, and does not name the service either, hands it to a third party.
   */
  private static final Map<String, List<String>> SERVICES = Map.ofEntries(
      Map.entry("NPM", List.of("npmjs.org", "npmjs.com", "npm.pkg.github.com")),
      Map.entry("PYPI", List.of("pypi.org", "pythonhosted.org")),
      Map.entry("DOCKERHUB", List.of("docker.io", "docker.com")),
      Map.entry("DOCKER", List.of("docker.io", "docker.com")),
      Map.entry("SLACK", List.of("slack.com")),
      Map.entry("CODECOV", List.of("codecov.io")),
      Map.entry("SONAR", List.of("sonarcloud.io", "sonarqube.org")),
      Map.entry("GITHUB", List.of("github.com", "githubusercontent.com", "ghcr.io")),
      Map.entry("GH", List.of("github.com", "githubusercontent.com", "ghcr.io")),
      Map.entry("GITLAB", List.of("gitlab.com")),
      Map.entry("HEROKU", List.of("heroku.com")),
      Map.entry("CLOUDFLARE", List.of("cloudflare.com")),
      Map.entry("DISCORD", List.of("discord.com", "discordapp.com")),
      Map.entry("TELEGRAM", List.of("telegram.org")),
      Map.entry("SENTRY", List.of("sentry.io")),
      Map.entry("DATADOG", List.of("datadoghq.com", "datadoghq.eu", "ddog-gov.com")),
      Map.entry("NETLIFY", List.of("netlify.com", "netlify.app")),
      Map.entry("VERCEL", List.of("vercel.com")),
      Map.entry("SNYK", List.of("snyk.io")),
      Map.entry("TWILIO", List.of("twilio.com")),
      Map.entry("SENDGRID", List.of("sendgrid.com")),
      Map.entry("OPENAI", List.of("openai.com")),
      Map.entry("ANTHROPIC", List.of("anthropic.com")),
      Map.entry("HUGGINGFACE", List.of("huggingface.co")),
      Map.entry("HF", List.of("huggingface.co")),
      Map.entry("CODECLIMATE", List.of("codeclimate.com")),
      Map.entry("COVERALLS", List.of("coveralls.io")));

  /** The service a secret's name says it belongs to (a word of the name), or null. */
  static String service(String secretName) {
    for (String word : secretName.toUpperCase(Locale.ROOT).split("[^A-Z0-9]+")) {
      if (SERVICES.containsKey(word)) {
        return word;
      }
      for (String s : List.of("DOCKERHUB", "GITHUB", "GITLAB", "SONAR", "DATADOG")) {
        if (word.startsWith(s)) {
          return s;
        }
      }
    }
    return null;
  }

  /**
   * Why a line sends a secret named for one service (NPM_TOKEN, SLACK_BOT_TOKEN, ...) to a
   * literal URL of another host, in a header, the body or the URL; or {@code null}.
   *
   * @param secretName the secret a reference in the line stands for, or null when it is none
   */
  static String serviceSecretSentElsewhere(String line,
      java.util.function.Function<String, String> secretName) {
    for (Shell.Command c : Shell.commands(line)) {
      if (!Shell.isNetwork(c.name())) {
        continue;
      }
      Matcher m = Shell.REF.matcher(String.join(" ", c.words()));
      String name = null;
      String service = null;
      while (service == null && m.find()) {
        name = secretName.apply(m.group());
        service = name == null ? null : service(name);
      }
      String target = service == null ? null : target(c);
      Matcher host = target == null ? null : URL_HOST.matcher(target);
      if (host == null || !host.find() || host.group(1).contains("$")) {
        continue;
      }
      String h = host.group(1).toLowerCase(Locale.ROOT);
      String u = target.toLowerCase(Locale.ROOT);
      boolean own = u.contains(service.toLowerCase(Locale.ROOT));
      for (String suffix : SERVICES.get(service)) {
        own |= h.equals(suffix) || h.endsWith("." + suffix);
      }
      if (!own) {
        return "sends secret " + name + " (a " + service + " credential) to " + h + " with "
            + c.name();
      }
    }
    return null;
  }

  /**
   * The request's destination: the first URL, else the host a raw socket tool dials. A word
   * that starts from a variable ({@code "$ACTIONS_ID_TOKEN_REQUEST_URL&audience=api://x"}) goes
   * where the variable says: a URL later in it is a parameter, not the destination.
   */
  private static String target(Shell.Command c) {
    for (String w : c.words()) {
      int i = w.indexOf("://");
      if (i > 0 && w.lastIndexOf('$', i) < 0) {
        int s = i;
        while (s > 0 && (Character.isLetterOrDigit(w.charAt(s - 1)) || w.charAt(s - 1) == '+'
            || w.charAt(s - 1) == '.' || w.charAt(s - 1) == '-')) {
          s--;
        }
        return w.substring(s);
      }
    }
    for (String w : c.words()) {
      String u = w.toUpperCase(Locale.ROOT);
      if (w.startsWith("$") && (u.contains("URL") || u.contains("ADDR") || u.contains("HOST")
          || u.contains("ENDPOINT") || u.contains("SERVER"))) {
        return w;
      }
    }
    if (Shell.RAW_SOCKETS.contains(c.name())) {
      List<String> ws = c.words();
      for (int i = 1; i < ws.size(); i++) {
        if (!ws.get(i).startsWith("-") && !ws.get(i).contains("$")) {
          return ws.get(i);
        }
      }
    }
    return null;
  }

  private boolean allowed(Token token, String host, String url) {
    return switch (token.kind()) {
      case ID_TOKEN_REQUEST -> host.endsWith(".actions.githubusercontent.com")
          || host.endsWith(".githubapp.com") || host.endsWith(".ghe.com");
      case PROVIDER -> github ? githubHost(host) : gitlabHost(host);
      case ID_TOKEN -> relyingParty(token, host, url);
    };
  }

  private static boolean githubHost(String h) {
    return h.equals("github.com") || h.endsWith(".github.com") || h.equals("ghcr.io")
        || h.endsWith(".githubusercontent.com") || h.endsWith(".ghe.com");
  }

  private static boolean gitlabHost(String h) {
    return h.contains("gitlab");
  }

  /**
   * Where an ID token may go: its declared audience, or an endpoint that exchanges it (Vault's
   * JWT login, a cloud's STS, an OAuth token endpoint).
   */
  private static boolean relyingParty(Token token, String host, String url) {
    for (String a : token.audience()) {
      if (a.equals(ANY_AUDIENCE)) {
        return true;
      }
      Matcher m = URL_HOST.matcher(a);
      String audHost = m.find() ? m.group(1) : a;
      if (host.equals(audHost) || host.endsWith("." + audHost)) {
        return true;
      }
    }
    String u = url.toLowerCase(Locale.ROOT);
    return host.startsWith("sts.") || host.contains(".sts.") || host.contains("vault")
        || host.startsWith("oauth2.") || host.startsWith("iamcredentials.")
        || u.contains("/auth/") || u.contains("/login") || u.contains("/oauth")
        || u.contains("/token");
  }
}
