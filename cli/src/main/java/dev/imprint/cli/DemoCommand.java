package dev.imprint.cli;

import dev.imprint.cli.remote.ApiClient;
import dev.imprint.cli.remote.RemoteException;
import dev.imprint.server.ImprintServer;
import dev.imprint.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code imprint demo}: a server on the embedded defaults, the whole chain walked through on the
 * examples, then serving.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Starts the control plane on its embedded defaults with a fresh data"
        + " directory, loads the example estate from examples/ through the API, then walks"
        + " through the whole chain, printing each step with the command a user would type:"
        + " the article's Dockerfile scanned (a critical finding) and its rebuild clean; the"
        + " rebuild registered by digest and approved, the article's image rejected by policy;"
        + " a workload attested with a join token, given its SVIDs and authorized through a"
        + " grant; the image retired and its credentials refused; the audit log exported and"
        + " verified with the pinned key. Then it prints the server URL, the admin token and"
        + " the next commands to try, and serves until Ctrl-C."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped cleanly (Ctrl-C)",
        "2:invalid options, the port is taken, the example estate could not be loaded, or a"
            + " step of the chain did not end as it should (named on standard error)"})
final class DemoCommand implements Callable<Integer> {
  private static final Pattern ADMIN = Pattern.compile("admin token: (\\S+)");

  /** What the demo does once loaded: serve until the JVM stops (tests substitute a check). */
  interface Serving {
    void serve(ImprintServer server, String adminToken) throws Exception;
  }

  static volatile Serving serving = DemoCommand::untilStopped;
  /** Counted down once the demo has stopped its server and removed its data. */
  private static final CountDownLatch CLEANED = new CountDownLatch(1);

  @Spec CommandSpec spec;

  @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:7878",
      description = "Loopback address to listen on (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Keep the demo's store here (default: a fresh temporary directory,"
          + " deleted on exit).")
  Path dataDir;

  @Option(names = "--examples", paramLabel = "DIR",
      defaultValue = "${env:IMPRINT_HOME:-.}/examples",
      description = "The example estate (default: examples/ of the Imprint checkout).")
  Path examples;

  @Option(names = "--exit-when-ready", hidden = true,
      description = "Stop once loaded (start-up measurements and the launcher's CDS training).")
  boolean exitWhenReady;

  /**
   * {@code dir} relative to the working directory when it lies below it: uploaded findings and
   * inventory then name {@code examples/...} as a scan of a checkout in CI would, not this
   * machine's absolute paths.
   */
  static Path relativeToWorkingDirectory(Path dir) {
    Path cwd = Path.of("").toAbsolutePath().normalize();
    Path abs = dir.toAbsolutePath().normalize();
    return abs.startsWith(cwd) && !abs.equals(cwd) ? cwd.relativize(abs) : dir;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!Files.isDirectory(examples)) {
      err.println("imprint demo: expected the examples directory at " + examples
          + "; run from the Imprint checkout or give --examples DIR");
      return Main.USAGE;
    }
    examples = relativeToWorkingDirectory(examples);
    ServerConfig config;
    try {
      ServerConfig d = ServerConfig.defaults().withListen(listen);
      config = new ServerConfig(d.host(), d.port(), dataDir != null ? dataDir
          : Files.createTempDirectory("imprint-demo-"), null, d.trustDomain(), null, null, false,
          d.logFormat(), d.maxBodyBytes()).validate();
    } catch (IllegalArgumentException e) {
      err.println("imprint demo: " + e.getMessage());
      return Main.USAGE;
    }
    boolean temporary = dataDir == null;
    ImprintServer.configureLogging(ServerConfig.LogFormat.TEXT);
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    ImprintServer server;
    try {
      server = ImprintServer.start(config, new PrintStream(console, true, StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      // a taken port, an unusable data directory: say so, and leave no temporary store behind
      err.println("imprint demo: cannot start the server: " + e.getMessage());
      if (temporary) {
        deleteTree(config.dataDir());
      }
      return Main.USAGE;
    }
    try {
      Matcher m = ADMIN.matcher(console.toString(StandardCharsets.UTF_8));
      if (!m.find()) {
        err.println("imprint demo: " + config.dataDir() + " already holds a store whose admin"
            + " token was shown before; give an empty --data-dir (or none for a fresh one)");
        return Main.USAGE;
      }
      String admin = m.group(1);
      out.println("imprint demo: control plane at " + server.url() + " (SQLite in "
          + config.dataDir().toAbsolutePath() + (temporary ? ", deleted on exit" : "") + ")");
      out.println();
      out.println("0. The example estate, for the console (findings, inventory, identities,"
          + " tokens)");
      out.flush();
      // the demo's own server, in this process: its requests never leave the machine, even
      // when it listens on a non-loopback address
      DemoEstate.Context ctx = new DemoEstate.Context(new ApiClient(server.url(), admin, true),
          server.url(), examples, config.trustDomain());
      try {
        java.util.Set<String> paths = new java.util.HashSet<>();
        ctx.admin().get("/v1/openapi.json", java.util.Map.of()).path("paths").fieldNames()
            .forEachRemaining(paths::add);
        for (DemoEstate.Step step : DemoEstate.steps()) {
          String needs = step.requires();
          out.println("     " + step.title() + ": " + (needs == null || paths.contains(needs)
              ? step.load(ctx) : "skipped, this build has no " + needs + " API yet"));
          out.flush();
        }
        // decisions and issuance reach the audit log in batches: write them before the export
        new DemoChain(ctx, out, server.url(), () -> {
          server.decisions().flush();
          server.svids().flushIssuanceLog();
        }, config.dataDir().resolve("audit.jsonl")).run();
      } catch (DemoChain.DemoFailure | RemoteException | IOException e) {
        out.flush();
        err.println("imprint demo: the demo went wrong: " + e.getMessage());
        return Main.USAGE;
      }
      printNext(out, server, admin, config.dataDir(), temporary);
      if (!exitWhenReady) {
        serving.serve(server, admin);
      }
      return Main.OK;
    } finally {
      server.close();
      if (temporary) {
        deleteTree(config.dataDir());
      }
      CLEANED.countDown();
    }
  }

  private static void printNext(PrintWriter out, ImprintServer server, String admin, Path data,
      boolean temporary) {
    out.println();
    out.println("Imprint control plane ready at " + server.url());
    out.println("admin token: " + admin);
    out.println("store: " + data.toAbsolutePath() + (temporary ? " (deleted on exit)" : ""));
    out.println();
    out.println("Look in the console: " + server.url() + "/ (sign in with the admin token): the"
        + " overview, the orders identity's chain from code to image to grants, each image's"
        + " lifecycle, the findings, and every audit entry checked against the signed"
        + " checkpoint.");
    out.println();
    out.println("Try, in another terminal:");
    out.println("  export IMPRINT_SERVER=" + server.url());
    out.println("  export IMPRINT_TOKEN=" + admin);
    out.println("  ./imprint identity show spiffe://imprint.local/orders/api");
    out.println("  ./imprint image list");
    out.println("  ./imprint inventory --remote");
    out.println("  ./imprint authz explain --subject spiffe://imprint.local/orders/api"
        + " --action read --resource " + DemoChain.RESOURCE);
    out.println("  ./imprint audit tail -n 20");
    out.println("  ./imprint audit export audit.jsonl && ./imprint audit verify audit.jsonl");
    out.println("  curl -s " + server.url() + "/metrics | grep imprint_");
    out.println();
    out.println("Serving until Ctrl-C.");
    out.flush();
  }

  private static void untilStopped(ImprintServer server, String adminToken)
      throws InterruptedException {
    // On Ctrl-C the hook wakes the main thread, which stops the server and deletes the
    // temporary store; the hook waits for that, since the JVM exits when hooks finish.
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stopped.countDown();
      try {
        CLEANED.await(30, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "imprint-demo-shutdown"));
    stopped.await();
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is harmless
    }
  }
}
