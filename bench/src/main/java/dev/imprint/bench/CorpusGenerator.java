package dev.imprint.bench;

import dev.imprint.scan.secret.SecretDetectors;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a deterministic, seedable benchmark corpus: a nested tree of realistic Dockerfiles,
 * Kubernetes manifests, Terraform, compose files, CI workflows and plain source/text files, with
 * a planted fraction of findings and fake secrets of the right shape, a few large (1-3 MiB) logs
 * and JSON files, and a {@code manifest.json} with the counts and total bytes. Beside the corpus,
 * {@code --planted FILE} (default {@code DIR.planted.tsv}) lists where every planted secret is,
 * one {@code path<TAB>line} a row, so {@link PlantedSecrets} can check what a scanner found.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar dev.imprint.bench.CorpusGenerator
 * [--out DIR] [--files N] [--seed S] [--large N] [--planted FILE]}.
 */
public final class CorpusGenerator {
  /** Kinds of file the corpus holds, with their share of the typical (non-large) files. */
  public enum Kind {
    DOCKERFILE(12), KUBERNETES(14), TERRAFORM(12), COMPOSE(4), WORKFLOW(5), SOURCE(38), TEXT(15),
    LARGE(0);

    final int weight;

    Kind(int weight) {
      this.weight = weight;
    }
  }

  /**
   * One generated file: where it goes (relative, forward slashes), what it holds, and the fake
   * secrets planted in it (every one a scanner must find).
   */
  public record Generated(String path, Kind kind, String content, List<String> planted) {
    public Generated {
      planted = List.copyOf(planted);
    }

    public boolean plantedSecret() {
      return !planted.isEmpty();
    }

    /** The 1-based line of each planted secret, in planting order. */
    public List<Integer> plantedLines() {
      List<Integer> lines = new ArrayList<>();
      for (String secret : planted) {
        int at = content.indexOf(secret);
        if (at < 0) {
          throw new IllegalStateException("planted secret missing from " + path);
        }
        int line = 1;
        for (int i = 0; i < at; i++) {
          line += content.charAt(i) == '\n' ? 1 : 0;
        }
        lines.add(line);
      }
      return lines;
    }
  }

  /** Records a planted secret and returns it. */
  static String plant(List<String> planted, String secret) {
    planted.add(secret);
    return secret;
  }

  /** Chance (in percent) that a typical file gets a fake secret planted. */
  static final int SECRET_PERCENT = 4;
  /** Chance (in percent) that a config file gets an insecure setting planted. */
  static final int FINDING_PERCENT = 30;

  private static final String[] IMAGES = {
    "nginx", "postgres", "redis", "python", "node", "golang", "eclipse-temurin", "alpine",
    "ubuntu", "debian", "busybox", "envoyproxy/envoy", "grafana/grafana", "bitnami/kafka"};
  private static final String[] WORDS = {
    "billing", "orders", "catalog", "auth", "search", "ledger", "gateway", "reports", "inventory",
    "payments", "users", "notify", "metrics", "export", "import", "shipping", "profile", "audit"};
  private static final String ALNUM =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  private static final String HEX = "0123456789abcdef";

  private final long seed;

  public CorpusGenerator(long seed) {
    this.seed = seed;
  }

  /** The typical (non-large) file number {@code index}; the same seed and index give the same file. */
  public Generated typical(int index) {
    SplittableRandom r = new SplittableRandom(seed * 1_000_003L + index);
    Kind kind = pickKind(r);
    boolean secret = r.nextInt(100) < SECRET_PERCENT;
    boolean finding = r.nextInt(100) < FINDING_PERCENT;
    String dir = directory(r, index);
    String svc = pick(r, WORDS) + "-" + index;
    List<String> p = new ArrayList<>();
    Generated g = switch (kind) {
      case DOCKERFILE -> new Generated(dir + svc + (r.nextInt(4) == 0 ? "/app.Dockerfile" : "/Dockerfile"),
          kind, dockerfile(r, svc, secret, finding, p), p);
      case KUBERNETES -> new Generated(dir + "k8s/" + svc + ".yaml", kind,
          kubernetes(r, svc, secret, finding, p), p);
      case TERRAFORM -> new Generated(dir + svc + "/infra/" + pick(r, new String[] {"main", "iam",
          "network", "storage"}) + ".tf", kind, terraform(r, svc, secret, finding, p), p);
      case COMPOSE -> new Generated(dir + svc + "/docker-compose.yml", kind,
          compose(r, svc, secret, finding, p), p);
      case WORKFLOW -> new Generated(dir + ".github/workflows/" + svc + ".yml", kind,
          workflow(r, svc, secret, finding, p), p);
      case SOURCE -> source(r, dir, svc, secret, p);
      case TEXT, LARGE -> new Generated(dir + "docs/" + svc + ".md", Kind.TEXT,
          text(r, svc, secret, p), p);
    };
    return g;
  }

  /** A large file (1-3 MiB of log lines or JSON); one planted secret in every other one. */
  public Generated large(int index) {
    SplittableRandom r = new SplittableRandom(seed * 7_919L + 31L * index + 5);
    int target = (1 << 20) + r.nextInt(2 << 20);
    boolean secret = index % 2 == 0;
    List<String> p = new ArrayList<>();
    StringBuilder b = new StringBuilder(target + 4096);
    String path;
    if (index % 2 == 0) {
      path = "logs/app-" + index + ".log";
      int n = 0;
      while (b.length() < target) {
        b.append(String.format(Locale.ROOT, "2026-03-%02d %02d:%02d:%02d.%03d INFO  [%s] request"
                + " id=%s path=/api/v1/%s status=%d took=%dms%n",
            1 + r.nextInt(28), r.nextInt(24), r.nextInt(60), r.nextInt(60), r.nextInt(1000),
            pick(r, WORDS), token(r, HEX, 16), pick(r, WORDS), 200 + r.nextInt(4) * 100,
            r.nextInt(900)));
        if (secret && ++n == 5000) {
          b.append("2026-03-02 10:00:00.000 DEBUG [auth] using key ").append(plant(p, awsKeyId(r)))
              .append('\n');
        }
      }
    } else {
      path = "data/export-" + index + ".json";
      b.append("[\n");
      while (b.length() < target) {
        b.append(String.format(Locale.ROOT,
            "  {\"id\": \"%s\", \"name\": \"%s\", \"count\": %d, \"tags\": [\"%s\", \"%s\"]},%n",
            token(r, HEX, 24), pick(r, WORDS), r.nextInt(100000), pick(r, WORDS), pick(r, WORDS)));
      }
      b.append("  {}\n]\n");
    }
    return new Generated("large/" + path, Kind.LARGE, b.toString(), p);
  }

  /** The first {@code count} typical files, in memory (for JMH benchmarks). */
  public List<Generated> sample(int count) {
    List<Generated> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(typical(i));
    }
    return out;
  }

  private static Kind pickKind(SplittableRandom r) {
    int total = 0;
    for (Kind k : Kind.values()) {
      total += k.weight;
    }
    int x = r.nextInt(total);
    for (Kind k : Kind.values()) {
      x -= k.weight;
      if (x < 0) {
        return k;
      }
    }
    return Kind.TEXT;
  }

  private static String directory(SplittableRandom r, int index) {
    StringBuilder d = new StringBuilder();
    d.append("org-").append(index % 7).append("/repo-").append(index % 97).append('/');
    int depth = r.nextInt(4);
    for (int i = 0; i < depth; i++) {
      d.append(WORDS[r.nextInt(WORDS.length)]).append('/');
    }
    return d.toString();
  }

  static String dockerfile(SplittableRandom r, String svc, boolean secret, boolean finding,
      List<String> planted) {
    String image = pick(r, IMAGES);
    String from = finding ? image + ":latest"
        : image + ":1." + r.nextInt(30) + "@sha256:" + token(r, HEX, 64);
    StringBuilder b = new StringBuilder();
    b.append("# syntax=docker/dockerfile:1\n");
    b.append("FROM ").append(from).append(" AS build\n");
    b.append("WORKDIR /src\n");
    b.append("ARG VERSION=1.").append(r.nextInt(40)).append(".0\n");
    b.append("COPY go.mod go.sum ./\n");
    b.append("RUN apt-get update && \\\n    apt-get install -y --no-install-recommends ca-certificates"
        + " curl && \\\n    rm -rf /var/lib/apt/lists/*\n");
    b.append("COPY . .\n");
    b.append("RUN make build SERVICE=").append(svc).append('\n');
    if (secret) {
      b.append("ENV AWS_ACCESS_KEY_ID=").append(plant(planted, awsKeyId(r))).append('\n');
    }
    if (finding) {
      b.append("ADD https://example.com/tools/").append(svc).append(".tar.gz /opt/\n");
    }
    b.append("\nFROM gcr.io/distroless/static-debian12@sha256:").append(token(r, HEX, 64))
        .append('\n');
    b.append("COPY --from=build /src/bin/").append(svc).append(" /app\n");
    b.append("EXPOSE ").append(8000 + r.nextInt(1000)).append('\n');
    if (!finding) {
      b.append("USER 65532:65532\n");
    }
    b.append("HEALTHCHECK CMD [\"/app\", \"health\"]\n");
    b.append("ENTRYPOINT [\"/app\"]\n");
    return b.toString();
  }

  static String kubernetes(SplittableRandom r, String svc, boolean secret, boolean finding,
      List<String> planted) {
    String image = "registry.example.com/" + svc + (finding ? ":latest"
        : "@sha256:" + token(r, HEX, 64));
    StringBuilder b = new StringBuilder();
    b.append("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ").append(svc)
        .append("\n  namespace: ").append(pick(r, WORDS)).append('\n');
    b.append("automountServiceAccountToken: false\n---\n");
    b.append("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ").append(svc)
        .append("\n  labels:\n    app: ").append(svc).append("\nspec:\n  replicas: ")
        .append(1 + r.nextInt(5)).append("\n  selector:\n    matchLabels:\n      app: ").append(svc)
        .append("\n  template:\n    metadata:\n      labels:\n        app: ").append(svc)
        .append("\n    spec:\n      serviceAccountName: ").append(svc)
        .append("\n      containers:\n        - name: app\n          image: ").append(image)
        .append("\n          ports:\n            - containerPort: 8080\n");
    b.append("          resources:\n            limits: {cpu: 500m, memory: 256Mi}\n");
    b.append("          securityContext:\n            runAsNonRoot: true\n"
        + "            allowPrivilegeEscalation: ").append(finding).append('\n');
    if (finding) {
      b.append("            privileged: true\n");
    }
    b.append("          env:\n            - name: LOG_LEVEL\n              value: info\n");
    if (secret) {
      b.append("            - name: GITHUB_TOKEN\n              value: ")
          .append(plant(planted, githubToken(r)))
          .append('\n');
    } else {
      b.append("            - name: DB_PASSWORD\n              valueFrom:\n"
          + "                secretKeyRef: {name: ").append(svc).append("-db, key: password}\n");
    }
    b.append("---\napiVersion: v1\nkind: Service\nmetadata:\n  name: ").append(svc)
        .append("\nspec:\n  selector:\n    app: ").append(svc)
        .append("\n  ports:\n    - port: 80\n      targetPort: 8080\n");
    return b.toString();
  }

  static String terraform(SplittableRandom r, String svc, boolean secret, boolean finding,
      List<String> planted) {
    StringBuilder b = new StringBuilder();
    b.append("resource \"aws_iam_role\" \"").append(svc.replace('-', '_')).append("\" {\n")
        .append("  name = \"").append(svc).append("\"\n")
        .append("  assume_role_policy = jsonencode({\n    Version = \"2012-10-17\"\n")
        .append("    Statement = [{\n      Effect    = \"Allow\"\n")
        .append("      Principal = { Service = \"ecs-tasks.amazonaws.com\" }\n")
        .append("      Action    = \"sts:AssumeRole\"\n    }]\n  })\n}\n\n");
    b.append("resource \"aws_iam_role_policy\" \"").append(svc.replace('-', '_')).append("\" {\n")
        .append("  role = aws_iam_role.").append(svc.replace('-', '_')).append(".id\n")
        .append("  policy = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [{\n")
        .append("      Effect   = \"Allow\"\n      Action   = ")
        .append(finding ? "\"*\"" : "[\"s3:GetObject\", \"s3:PutObject\"]")
        .append("\n      Resource = ")
        .append(finding ? "\"*\"" : "\"arn:aws:s3:::" + svc + "-data/*\"")
        .append("\n    }]\n  })\n}\n\n");
    b.append("variable \"db_password\" {\n  type      = string\n  sensitive = true\n}\n\n");
    b.append("resource \"aws_db_instance\" \"db\" {\n  identifier = \"").append(svc)
        .append("\"\n  engine     = \"postgres\"\n  username   = \"app\"\n  password   = ")
        .append(secret ? "\"" + plant(planted, token(r, ALNUM, 20)) + "\""
            : "var.db_password")
        .append("\n  storage_encrypted = ").append(!finding).append("\n}\n");
    if (secret) {
      b.append("\nprovider \"aws\" {\n  access_key = \"").append(plant(planted, awsKeyId(r)))
          .append("\"\n  secret_key = \"").append(plant(planted, token(r, ALNUM + "/+", 40)))
          .append("\"\n}\n");
    }
    return b.toString();
  }

  static String compose(SplittableRandom r, String svc, boolean secret, boolean finding,
      List<String> planted) {
    StringBuilder b = new StringBuilder("services:\n");
    b.append("  ").append(svc).append(":\n    image: ").append(pick(r, IMAGES))
        .append(finding ? ":latest" : ":1." + r.nextInt(20)).append("\n    ports:\n")
        .append("      - \"8080:8080\"\n    environment:\n      LOG_LEVEL: info\n");
    b.append("      POSTGRES_PASSWORD: ").append(secret ? plant(planted, token(r, ALNUM, 18))
        : "${POSTGRES_PASSWORD}").append('\n');
    if (finding) {
      b.append("    privileged: true\n    network_mode: host\n");
    }
    b.append("  db:\n    image: postgres:16\n    volumes:\n      - db:/var/lib/postgresql/data\n");
    b.append("volumes:\n  db: {}\n");
    return b.toString();
  }

  static String workflow(SplittableRandom r, String svc, boolean secret, boolean finding,
      List<String> planted) {
    StringBuilder b = new StringBuilder();
    b.append("name: ").append(svc).append("\non:\n  push:\n    branches: [main]\n");
    b.append(finding ? "  pull_request_target:\npermissions: write-all\n"
        : "  pull_request:\npermissions:\n  contents: read\n");
    b.append("jobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n");
    b.append("      - uses: actions/checkout@").append(finding ? "v4" : token(r, HEX, 40))
        .append('\n');
    b.append("      - uses: actions/setup-java@v4\n        with: {java-version: '17'}\n");
    b.append("      - run: mvn -B verify\n");
    if (finding) {
      b.append("      - run: echo \"${{ github.event.pull_request.title }}\"\n");
    }
    b.append("      - run: ./deploy.sh\n        env:\n          TOKEN: ")
        .append(secret ? plant(planted, slackToken(r)) : "${{ secrets.DEPLOY_TOKEN }}")
        .append('\n');
    return b.toString();
  }

  static Generated source(SplittableRandom r, String dir, String svc, boolean secret,
      List<String> planted) {
    int lang = r.nextInt(4);
    int lines = 40 + r.nextInt(260);
    StringBuilder b = new StringBuilder();
    String ext;
    switch (lang) {
      case 0 -> {
        ext = ".java";
        b.append("package com.example.").append(svc.replace('-', '_')).append(";\n\n")
            .append("public final class Service {\n");
        for (int i = 0; i < lines; i++) {
          b.append("  int m").append(i).append("(int x) { return x * ").append(r.nextInt(100))
              .append(" + ").append(pick(r, WORDS).length()).append("; }\n");
        }
        if (secret) {
          b.append("  static final String API_KEY = \"").append(plant(planted, stripeKey(r)))
              .append("\";\n");
        }
        b.append("}\n");
      }
      case 1 -> {
        ext = ".py";
        b.append("import os\nimport json\n\n");
        for (int i = 0; i < lines; i++) {
          b.append("def handle_").append(pick(r, WORDS)).append('_').append(i)
              .append("(event):\n    return json.dumps({\"ok\": ").append(i % 2 == 0 ? "True" : "False")
              .append("})\n");
        }
        b.append(secret ? "GITHUB_TOKEN = \"" + plant(planted, githubToken(r)) + "\"\n"
            : "GITHUB_TOKEN = os.environ[\"GITHUB_TOKEN\"]\n");
      }
      case 2 -> {
        ext = ".go";
        b.append("package main\n\nimport \"fmt\"\n\n");
        for (int i = 0; i < lines; i++) {
          b.append("func f").append(i).append("() { fmt.Println(\"").append(pick(r, WORDS))
              .append("\") }\n");
        }
        if (secret) {
          b.append("const key = \"").append(plant(planted, googleKey(r))).append("\"\n");
        }
      }
      default -> {
        ext = ".ts";
        for (int i = 0; i < lines; i++) {
          b.append("export const ").append(pick(r, WORDS)).append(i).append(" = (x: number) => x + ")
              .append(r.nextInt(1000)).append(";\n");
        }
        if (secret) {
          b.append("const slack = \"").append(plant(planted, slackToken(r))).append("\";\n");
        }
      }
    }
    return new Generated(dir + "src/" + svc + ext, Kind.SOURCE, b.toString(), planted);
  }

  static String text(SplittableRandom r, String svc, boolean secret, List<String> planted) {
    StringBuilder b = new StringBuilder("# ").append(svc).append("\n\n");
    int paragraphs = 3 + r.nextInt(12);
    for (int p = 0; p < paragraphs; p++) {
      int words = 30 + r.nextInt(80);
      for (int w = 0; w < words; w++) {
        b.append(pick(r, WORDS)).append(w % 14 == 13 ? ".\n" : " ");
      }
      b.append("\n\n");
    }
    if (secret) {
      b.append("Use `export AWS_ACCESS_KEY_ID=").append(plant(planted, awsKeyId(r)))
          .append("` to test.\n");
    }
    return b.toString();
  }

  static String awsKeyId(SplittableRandom r) {
    return "AKIA" + token(r, BASE32, 16);
  }

  /**
   * A GitHub personal access token of the real shape: {@code ghp_}, 30 random base62 characters
   * and the six-character checksum GitHub appends, so the GitHub token detector (which rightly
   * refuses a token whose checksum is wrong) recognises it.
   */
  static String githubToken(SplittableRandom r) {
    String random = token(r, ALNUM, 30);
    return "ghp_" + random + SecretDetectors.checksum(random);
  }

  static String slackToken(SplittableRandom r) {
    return "xoxb-" + token(r, "0123456789", 12) + "-" + token(r, "0123456789", 13) + "-"
        + token(r, ALNUM, 24);
  }

  static String stripeKey(SplittableRandom r) {
    return "sk_live_" + token(r, ALNUM, 24);
  }

  static String googleKey(SplittableRandom r) {
    return "AIza" + token(r, ALNUM + "-_", 35);
  }

  static String token(SplittableRandom r, String alphabet, int length) {
    char[] c = new char[length];
    for (int i = 0; i < length; i++) {
      c[i] = alphabet.charAt(r.nextInt(alphabet.length()));
    }
    return new String(c);
  }

  private static String pick(SplittableRandom r, String[] from) {
    return from[r.nextInt(from.length)];
  }

  /**
   * Writes {@code files} files (of which {@code large} are large) under {@code out}, and adds
   * one {@code path<TAB>line} row to {@code planted} for every planted secret.
   */
  public Map<Kind, long[]> write(Path out, int files, int large, List<String> planted)
      throws IOException {
    Map<Kind, long[]> stats = new EnumMap<>(Kind.class);
    for (Kind k : Kind.values()) {
      stats.put(k, new long[3]);
    }
    int largeCount = Math.min(large, files);
    for (int i = 0; i < files; i++) {
      Generated g = i < largeCount ? large(i) : typical(i);
      byte[] bytes = g.content().getBytes(StandardCharsets.UTF_8);
      Path target = out.resolve(g.path());
      Files.createDirectories(target.getParent());
      try (OutputStream os = Files.newOutputStream(target)) {
        os.write(bytes);
      }
      long[] s = stats.get(g.kind());
      s[0]++;
      s[1] += bytes.length;
      s[2] += g.planted().size();
      for (int line : g.plantedLines()) {
        planted.add(g.path() + "\t" + line);
      }
    }
    return stats;
  }

  static String manifest(long seed, Map<Kind, long[]> stats) {
    long files = 0;
    long bytes = 0;
    long secrets = 0;
    StringBuilder kinds = new StringBuilder();
    for (Map.Entry<Kind, long[]> e : stats.entrySet()) {
      long[] s = e.getValue();
      files += s[0];
      bytes += s[1];
      secrets += s[2];
      kinds.append(kinds.length() == 0 ? "" : ",\n").append(String.format(Locale.ROOT,
          "    \"%s\": {\"files\": %d, \"bytes\": %d, \"plantedSecrets\": %d}",
          e.getKey().name().toLowerCase(Locale.ROOT), s[0], s[1], s[2]));
    }
    return String.format(Locale.ROOT, "{\n  \"seed\": %d,\n  \"files\": %d,\n  \"bytes\": %d,\n"
        + "  \"plantedSecrets\": %d,\n  \"kinds\": {\n%s\n  }\n}\n", seed, files, bytes, secrets,
        kinds);
  }

  /** Command-line entry point; see the class Javadoc for the options. */
  public static void main(String[] args) throws IOException {
    Path out = Path.of("bench/corpus");
    int files = 20_000;
    long seed = 42;
    int large = 12;
    Path plantedFile = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + a + " needs a value");
      }
      switch (a) {
        case "--out" -> out = Path.of(args[++i]);
        case "--files" -> files = Integer.parseInt(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--large" -> large = Integer.parseInt(args[++i]);
        case "--planted" -> plantedFile = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + a
            + "; expected --out, --files, --seed, --large or --planted");
      }
    }
    Files.createDirectories(out);
    List<String> planted = new ArrayList<>();
    Map<Kind, long[]> stats = new CorpusGenerator(seed).write(out, files, large, planted);
    String manifest = manifest(seed, stats);
    Files.writeString(out.resolve("manifest.json"), manifest);
    Path where = plantedFile != null ? plantedFile
        : out.toAbsolutePath().resolveSibling(out.getFileName() + ".planted.tsv");
    Files.writeString(where, planted.isEmpty() ? "" : String.join("\n", planted) + "\n");
    System.out.print(manifest);
  }
}
