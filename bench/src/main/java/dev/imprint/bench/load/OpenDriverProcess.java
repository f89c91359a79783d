package dev.imprint.bench.load;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link OpenDriver} in a JVM of its own ({@code --open-driver-process}), so that its thread,
 * its JIT and its collections are not the server's: one child JVM per row, on this JVM's class
 * path, that first runs the row's schedule once unmeasured (its code compiled on that run),
 * then the measured one, and hands the {@link OpenDriver.Run} back in a file.
 */
final class OpenDriverProcess {
  private OpenDriverProcess() {}

  /** One row from a child JVM: the arguments of {@link OpenDriver#run}, and the address. */
  static OpenDriver.Run run(InetSocketAddress address, int connections, byte[][] requests,
      int expectedStatus, double perSecond, int count, long spinNanos) throws IOException,
      InterruptedException {
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
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin",
          "java").toString(), "-cp", System.getProperty("java.class.path"),
          OpenDriverProcess.class.getName(), address.getHostString(),
          Integer.toString(address.getPort()), Integer.toString(connections),
          Integer.toString(expectedStatus), Double.toString(perSecond), Integer.toString(count),
          Long.toString(spinNanos), in.toString(), out.toString()));
      Process p = new ProcessBuilder(cmd).inheritIO().start();
      int rc = p.waitFor();
      if (rc != 0) {
        throw new IOException("the open-loop driver's JVM exited with " + rc);
      }
      try (DataInputStream d = new DataInputStream(new BufferedInputStream(
          Files.newInputStream(out)))) {
        return read(d);
      }
    } finally {
      LoadGenerator.deleteTree(dir);
    }
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
        r.lost(), r.reconnects(), r.behind(), r.cpuNanos(), r.allocatedBytes(),
        r.voluntarySwitches(), r.involuntarySwitches(), r.collections(),
        r.collectionMillis()}) {
      d.writeLong(v);
    }
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
    long[] v = new long[13];
    for (int i = 0; i < v.length; i++) {
      v[i] = d.readLong();
    }
    double seconds = d.readDouble();
    long[][] arrays = new long[3][];
    for (int k = 0; k < 3; k++) {
      arrays[k] = new long[d.readInt()];
      for (int i = 0; i < arrays[k].length; i++) {
        arrays[k][i] = d.readLong();
      }
    }
    return new OpenDriver.Run(connections, offered, v[0], v[1], v[2], v[3], v[4], v[5], v[6],
        arrays[0], arrays[1], arrays[2], seconds, v[7], v[8], v[9], v[10], v[11], v[12]);
  }
}
