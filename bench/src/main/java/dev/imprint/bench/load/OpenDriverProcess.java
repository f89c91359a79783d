package dev.imprint.bench.load;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@link OpenDriver} in a JVM of its own ({@code --open-driver-process}), so that its thread,
 * its JIT and its collections are not the server's: one child JVM per row, on this JVM's class
 * path and with this JVM's heap, GC and stack flags (the ones the bench gives the load generator,
 * see {@link #jvmFlags}) plus {@code OPEN_DRIVER_JAVA_OPTS}, that first runs the row's schedule
 * once unmeasured (its code compiled on that run), then prints {@link #MEASURING} and waits for
 * a line on its standard input (the caller takes its readings of the server in between, so the
 * row's figures leave the unmeasured run out), then runs the measured one, and hands the {@link
 * OpenDriver.Run} back in a file; the row's collections in that JVM are printed to standard
 * error. {@code OPEN_DRIVER_WRAP} (say {@code nice -n -5}, {@code chrt -f 10} or {@code taskset
 * -c 1}) is put before the child's command, to run it at another priority or pinned: raising a
 * priority needs privileges (CAP_SYS_NICE), and a command that fails fails the row.
 */
final class OpenDriverProcess {
  private OpenDriverProcess() {}

  /** The line the child prints on its standard output as its measured run starts. */
  static final String MEASURING = "measuring";

  /** One row from a child JVM: the arguments of {@link OpenDriver#run}, and the address. */
  static OpenDriver.Run run(InetSocketAddress address, int connections, byte[][] requests,
      int expectedStatus, double perSecond, int count, long spinNanos) throws IOException,
      InterruptedException {
    return run(address, connections, requests, expectedStatus, perSecond, count, spinNanos,
        () -> { });
  }

  /**
   * {@link #run(InetSocketAddress, int, byte[][], int, double, int, long)}, calling
   * {@code measuring} when the child's measured run starts (its first, unmeasured run over):
   * what the caller reads of the server for the row starts there, not with the unmeasured run.
   */
  static OpenDriver.Run run(InetSocketAddress address, int connections, byte[][] requests,
      int expectedStatus, double perSecond, int count, long spinNanos, Runnable measuring)
      throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("imprint-open-driver-");
    try {
      Path in = dir.resolve("requests");
      Path out = dir.resolve("run");
      try (DataOutputStream d = new DataOutputStream(new BufferedOutputStream(
          Files.newOutputStream(in)))) {
        d.writeInt(requests.length);
        for (byte[] r : requests) {
          d.writeInt(r.length);
          d.write(r);
        }
      }
      List<String> cmd = new ArrayList<>(words(System.getenv("OPEN_DRIVER_WRAP")));
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(jvmFlags(ManagementFactory.getRuntimeMXBean().getInputArguments()));
      cmd.addAll(words(System.getenv("OPEN_DRIVER_JAVA_OPTS")));
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
          OpenDriverProcess.class.getName(), address.getHostString(),
          Integer.toString(address.getPort()), Integer.toString(connections),
          Integer.toString(expectedStatus), Double.toString(perSecond), Integer.toString(count),
          Long.toString(spinNanos), in.toString(), out.toString()));
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT)
          .start();
      boolean started = false;
      try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(
          p.getInputStream(), StandardCharsets.US_ASCII)); var go = p.getOutputStream()) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          if (!started && line.equals(MEASURING)) {
            started = true;
            try {
              measuring.run();
            } finally {
              // the child waits for this line: the caller's readings come before its first send
              go.write('\n');
              go.flush();
            }
          } else {
            System.out.println(line);
          }
        }
      }
      int rc = p.waitFor();
      if (rc != 0) {
        throw new IOException("the open-loop driver's JVM exited with " + rc + ": "
            + String.join(" ", cmd.subList(0, cmd.indexOf("-cp"))));
      }
      if (!started) {
        throw new IOException("the open-loop driver's JVM did not start its measured run");
      }
      OpenDriver.Run r;
      try (DataInputStream d = new DataInputStream(new BufferedInputStream(
          Files.newInputStream(out)))) {
        r = read(d);
      }
      System.err.printf(Locale.ROOT, "gc: open-loop driver's JVM, %.0f req/s: %d collections /"
          + " %d ms during the row%n", perSecond, r.collections(), r.collectionMillis());
      return r;
    } finally {
      LoadGenerator.deleteTree(dir);
    }
  }

  /**
   * Of this JVM's {@code arguments}, the ones the driver's JVM gets too: heap and stack sizes
   * ({@code -Xms -Xmx -Xmn -Xss}) and {@code -XX:} flags, but none that names a file or starts a
   * recording (two JVMs would write the same file).
   */
  static List<String> jvmFlags(List<String> arguments) {
    List<String> kept = new ArrayList<>();
    for (String a : arguments) {
      boolean size = a.startsWith("-Xms") || a.startsWith("-Xmx") || a.startsWith("-Xmn")
          || a.startsWith("-Xss");
      boolean flag = a.startsWith("-XX:") && !a.contains("FlightRecord") && !a.contains("File")
          && !a.contains("Path") && !a.contains("/");
      if (size || flag) {
        kept.add(a);
      }
    }
    return kept;
  }

  /** {@code s} split at blanks; none for null or blank. */
  static List<String> words(String s) {
    return s == null || s.isBlank() ? List.of() : List.of(s.trim().split("\\s+"));
  }

  /** The child: host port connections status rate count spin requests-file run-file. */
  public static void main(String[] a) throws Exception {
    byte[][] requests;
    try (DataInputStream d = new DataInputStream(new BufferedInputStream(
        Files.newInputStream(Path.of(a[7]))))) {
      requests = new byte[d.readInt()][];
      for (int i = 0; i < requests.length; i++) {
        requests[i] = d.readNBytes(d.readInt());
      }
    }
    int status = Integer.parseInt(a[3]);
    double rate = Double.parseDouble(a[4]);
    int count = Integer.parseInt(a[5]);
    long spin = Long.parseLong(a[6]);
    OpenDriver.Run r;
    try (OpenDriver driver = new OpenDriver(new InetSocketAddress(a[0], Integer.parseInt(a[1])),
        Integer.parseInt(a[2]))) {
      driver.run(requests, status, rate, count, spin);
      System.out.println(MEASURING);
      System.out.flush();
      if (System.in.read() < 0) {
        throw new IOException("the load generator went away before the measured run");
      }
      r = driver.run(requests, status, rate, count, spin);
    }
    try (DataOutputStream d = new DataOutputStream(new BufferedOutputStream(
        Files.newOutputStream(Path.of(a[8]))))) {
      write(r, d);
    }
  }

  static void write(OpenDriver.Run r, DataOutputStream d) throws IOException {
    d.writeInt(r.connections());
    d.writeDouble(r.offeredPerSecond());
    for (long v : new long[] {r.startNanos(), r.scheduled(), r.answered(), r.unexpected(),
        r.lost(), r.malformed(), r.reconnects(), r.behind(), r.cpuNanos(), r.allocatedBytes(),
        r.voluntarySwitches(), r.involuntarySwitches(), r.collections(),
        r.collectionMillis()}) {
      d.writeLong(v);
    }
    d.writeUTF(r.problem() == null ? "" : r.problem());
    d.writeDouble(r.seconds());
    for (long[] values : List.of(r.latenciesNanos(), r.byRequestNanos(), r.latenessNanos())) {
      d.writeInt(values.length);
      for (long v : values) {
        d.writeLong(v);
      }
    }
  }

  static OpenDriver.Run read(DataInputStream d) throws IOException {
    int connections = d.readInt();
    double offered = d.readDouble();
    long[] v = new long[14];
    for (int i = 0; i < v.length; i++) {
      v[i] = d.readLong();
    }
    String problem = d.readUTF();
    double seconds = d.readDouble();
    long[][] arrays = new long[3][];
    for (int k = 0; k < 3; k++) {
      arrays[k] = new long[d.readInt()];
      for (int i = 0; i < arrays[k].length; i++) {
        arrays[k][i] = d.readLong();
      }
    }
    return new OpenDriver.Run(connections, offered, v[0], v[1], v[2], v[3], v[4], v[5], v[6],
        v[7], arrays[0], arrays[1], arrays[2], seconds, v[8], v[9], v[10], v[11], v[12], v[13],
        problem.isEmpty() ? null : problem);
  }
}
