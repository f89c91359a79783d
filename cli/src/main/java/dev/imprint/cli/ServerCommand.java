package dev.imprint.cli;

import dev.imprint.server.ImprintServer;
import dev.imprint.server.ServerConfig;
import dev.imprint.server.StartupException;
import dev.imprint.server.store.StoreException;
import dev.imprint.server.store.StoreSettings;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code imprint server}: runs the control plane until stopped. */
@Command(name = "server", mixinStandardHelpOptions = true,
    description = {"Runs the Imprint control plane: images, identities, tokens and the audit log"
        + " behind an authenticated HTTP API.",
        "On first start it prints the admin token once as 'admin token: <token>'; a later"
            + " start mints one only with --bootstrap-admin.",
        "The data directory and its files are created owner-only; the server refuses to start"
            + " when another server holds the data directory or when the store or the"
            + " key-encryption key is open to other users."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped cleanly (SIGTERM or Ctrl-C)",
        "2:invalid options, the store could not be opened, another server holds the data"
            + " directory, or a store or key file is open to other users"})
final class ServerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:7878",
      description = "Address to listen on (default: ${DEFAULT-VALUE}). Anything but loopback"
          + " needs --tls-cert and --tls-key.")
  String listen;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "imprint-data",
      description = "Directory of the embedded SQLite store (default: ${DEFAULT-VALUE}),"
          + " created owner-only; one server at a time holds it (a lock on imprint.lock).")
  Path dataDir;

  @Option(names = "--db", paramLabel = "JDBC_URL", defaultValue = "${env:IMPRINT_DB_URL}",
      description = "Use PostgreSQL instead of SQLite: jdbc:postgresql://HOST/DB (or set"
          + " IMPRINT_DB_URL, which keeps a password off the command line).")
  String jdbcUrl;

  @Option(names = "--trust-domain", paramLabel = "DOMAIN", defaultValue = "imprint.local",
      description = "SPIFFE trust domain; identities outside it are refused (default:"
          + " ${DEFAULT-VALUE}).")
  String trustDomain;

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "Server certificate chain (PEM).")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "Server private key (PEM).")
  Path tlsKey;

  @Option(names = "--insecure-no-tls",
      description = "Allow plain HTTP on a non-loopback address (logged loudly).")
  boolean insecureNoTls;

  @Option(names = "--image-policy", paramLabel = "FILE",
      description = "YAML image policy that decides approvals (default: no Imprint finding at"
          + " or above high, no critical vulnerability, source repository and commit present;"
          + " see docs/api.md).")
  Path imagePolicy;

  @Option(names = "--kek-file", paramLabel = "FILE",
      description = "Key-encryption key (base64 of 32 bytes, a file readable by the server's"
          + " user only) that wraps the audit signing key in the store. Default: IMPRINT_KEK,"
          + " else <data-dir>/kek, created owner-only on first start: inside the directory it"
          + " protects, so in production keep it elsewhere (this option on another volume, or"
          + " IMPRINT_KEK). Replicas sharing a PostgreSQL store need the same one.")
  Path kekFile;

  @Option(names = "--bootstrap-admin",
      description = "Mint a new admin token at this start and print it once, even though the"
          + " store already has admin tokens (audited as token.created by"
          + " system:bootstrap-admin). Only the first start mints one by itself; use this when"
          + " every admin token is lost, then drop the option.")
  boolean bootstrapAdmin;

  @Option(names = "--allow-insecure-permissions",
      description = "Start even when the store's files or the key-encryption key file can be"
          + " read or written by other users, or the data directory written by them (each is"
          + " logged as a WARN at every start). Without it the server refuses to start and says"
          + " which chmod fixes it.")
  boolean allowInsecurePermissions;

  @Option(names = "--checkpoint-interval", paramLabel = "DURATION", defaultValue = "10s",
      converter = IntervalConverter.class,
      description = "How often to sign and store an audit checkpoint when the log has grown:"
          + " 500ms, 10s, 1m, ... (default: ${DEFAULT-VALUE}; 0: none on a timer). One is also"
          + " signed at every clean shutdown.")
  Duration checkpointInterval;

  @Option(names = "--store-timeout", paramLabel = "DURATION", defaultValue = "5s",
      converter = IntervalConverter.class,
      description = "How long a request may wait for the store before it gets 503"
          + " store.unavailable: connecting, a pooled connection, a write's turn (twice this);"
          + " on PostgreSQL also the session's idle-in-transaction timeout (this), lock timeout"
          + " (twice this) and socket timeout (three times this). From 500ms to 10m (default:"
          + " ${DEFAULT-VALUE}). See docs/server.md, Running replicas.")
  Duration storeTimeout;

  @Option(names = "--store-max-waiting", paramLabel = "N", defaultValue = "100",
      description = "Requests that may wait for the store at once; the next gets 503 store.busy"
          + " at once, so health and metrics keep their threads (default: ${DEFAULT-VALUE}).")
  int storeMaxWaiting;

  @Option(names = "--audit-checkpoint-file", paramLabel = "FILE",
      description = "Where to keep the last audit checkpoint this server signed or verified,"
          + " outside the store, so that a rewritten or truncated store is caught (default:"
          + " <data-dir>/audit-checkpoint). Give each replica its own.")
  Path auditCheckpointFile;

  @Option(names = "--issuer-url", paramLabel = "URL",
      description = "Public URL of this trust domain's issuer: the iss of JWT-SVIDs and where"
          + " verifiers find /.well-known/openid-configuration (default: the server's URL).")
  String issuerUrl;

  @Option(names = "--jwt-rs256-audience", paramLabel = "AUD",
      description = "Sign JWT-SVIDs for this audience with RS256 instead of ES256 (repeatable),"
          + " e.g. api://AzureADTokenExchange: Entra ID federation refuses ECDSA.")
  java.util.List<String> rs256Audiences = new java.util.ArrayList<>();

  @Option(names = "--key-ttl", paramLabel = "DURATION", defaultValue = "24h",
      description = "Lifetime of the JWT-SVID keys and the X.509 CA (default: ${DEFAULT-VALUE},"
          + " at least 3h): a successor is published at half of it and signs from two thirds.")
  String keyTtl;

  @Option(names = "--log-format", paramLabel = "text|json", defaultValue = "text",
      description = "Log lines as text or one JSON object per line (default: ${DEFAULT-VALUE}).")
  String logFormat;

  @Override
  public Integer call() throws Exception {
    ServerConfig.LogFormat format = switch (logFormat) {
      case "text" -> ServerConfig.LogFormat.TEXT;
      case "json" -> ServerConfig.LogFormat.JSON;
      default -> throw new IllegalArgumentException(
          "expected --log-format text or json, got '" + logFormat + "'");
    };
    ServerConfig config;
    try {
      ServerConfig base = ServerConfig.defaults().withListen(listen);
      config = new ServerConfig(base.host(), base.port(), dataDir, blankToNull(jdbcUrl),
          trustDomain, tlsCert, tlsKey, insecureNoTls, format, base.maxBodyBytes())
          .withImagePolicy(imagePolicy).withKekFile(kekFile)
          .withCheckpointInterval(checkpointInterval).withBootstrapAdmin(bootstrapAdmin)
          .withAllowInsecurePermissions(allowInsecurePermissions)
          .withSvid(dev.imprint.server.svid.SvidConfig.defaults().withIssuerUrl(issuerUrl)
              .withRs256Audiences(new java.util.TreeSet<>(rs256Audiences))
              .withKeyLifetime(dev.imprint.server.keys.Ttl.parse(keyTtl)))
          .withStore(new StoreSettings(storeTimeout, storeMaxWaiting))
          .withAuditCheckpointFile(auditCheckpointFile).validate();
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("imprint server: " + e.getMessage());
      return Main.USAGE;
    }
    ImprintServer.configureLogging(format);
    ImprintServer server;
    try {
      server = ImprintServer.start(config,
          new PrintStream(System.out, true, StandardCharsets.UTF_8));
    } catch (StoreException | StartupException | IllegalArgumentException e) {
      spec.commandLine().getErr().println("imprint server: " + e.getMessage());
      return Main.USAGE;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "imprint-shutdown"));
    System.out.println("imprint server ready at " + server.url() + sinceLaunch());
    stopped.await();
    return Main.OK;
  }

  /** How long since the JVM started, for start-up measurements. */
  static String sinceLaunch() {
    return " (" + java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime()
        + " ms after the JVM started)";
  }

  /** Reads {@code 0} or a whole number with a unit: {@code 500ms}, {@code 10s}, {@code 1m}. */
  static final class IntervalConverter implements ITypeConverter<Duration> {
    private static final Pattern DURATION = Pattern.compile("(0|[1-9][0-9]{0,8})(ms|s|m|h)?");

    @Override
    public Duration convert(String value) {
      Matcher m = DURATION.matcher(value);
      if (!m.matches() || m.group(2) == null && !m.group(1).equals("0")) {
        throw new TypeConversionException("expected a duration such as 500ms, 10s or 1m (0 turns"
            + " the periodic checkpoint off), got '" + value + "'");
      }
      long n = Long.parseLong(m.group(1));
      return m.group(2) == null ? Duration.ZERO : switch (m.group(2)) {
        case "ms" -> Duration.of(n, ChronoUnit.MILLIS);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
