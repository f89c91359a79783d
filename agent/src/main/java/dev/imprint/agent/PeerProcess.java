package dev.imprint.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The process at the other end of the Workload API socket, from the kernel's SO_PEERCRED
 * credentials (pid, uid, gid) and its executable under {@code /proc/<pid>/exe}.
 */
record PeerProcess(int pid, int uid, int gid, Optional<String> executable) {
  /** Reads the executable of {@code pid} under {@code procRoot}, if it can be read. */
  static PeerProcess of(int pid, int uid, int gid, Path procRoot) {
    Optional<String> exe;
    try {
      exe = Optional.of(Files.readSymbolicLink(procRoot.resolve(Integer.toString(pid))
          .resolve("exe")).toString());
    } catch (IOException | UnsupportedOperationException e) {
      exe = Optional.empty();
    }
    return new PeerProcess(pid, uid, gid, exe);
  }
}
