package dev.imprint.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's data directory, prepared before the store opens: created owner-only (0700)
 * whatever the umask, the SQLite file created owner-only (0600) before SQLite opens it (SQLite
 * gives its {@code -wal} and {@code -shm} files the database file's mode), the store's and the
 * key-encryption key's files checked for permissions that let other users read or change them,
 * and, for the embedded store, an OS lock on {@code imprint.lock} that keeps a second server off
 * the same files until this one exits or dies (the kernel releases it with the process).
 */
final class DataDirectory implements AutoCloseable {
  static final String DATABASE = "imprint.db";
  static final String LOCK = "imprint.lock";
  static final String DEFAULT_KEK = "kek";
  private static final Logger LOG = LoggerFactory.getLogger(ImprintServer.class);

  /** The data directories whose lock this JVM holds (real paths). */
  private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Path lockedDir;

  private DataDirectory(FileChannel lockChannel, FileLock lock, Path lockedDir) {
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.lockedDir = lockedDir;
  }

  /**
   * Prepares the data directory for {@code config}: with the embedded store, creates it, takes
   * its lock and creates the database file; with PostgreSQL, creates it only when the default
   * key-encryption key lives there. Then checks the permissions of the store's files and of the
   * key-encryption key file, refusing to start on a problem unless
   * {@link ServerConfig#allowInsecurePermissions()}, which logs each one as a WARN instead.
   *
   * @param kekFromEnvironment whether {@code IMPRINT_KEK} supplies the key-encryption key
   * @throws StartupException {@code server.data_dir_in_use}, {@code server.insecure_permissions}
   *     or {@code server.data_dir} (cannot be created or read)
   */
  static DataDirectory open(ServerConfig config, boolean kekFromEnvironment) {
    Path dir = config.dataDir();
    boolean sqlite = config.jdbcUrl() == null;
    boolean defaultKek = config.kekFile() == null && !kekFromEnvironment;
    DataDirectory opened = new DataDirectory(null, null, null);
    try {
      if (sqlite || defaultKek) {
        if (OwnerOnly.createDirectory(dir)) {
          LOG.info("created data directory {} (owner-only)", dir);
        }
      }
      if (sqlite) {
        opened = lock(dir);
        OwnerOnly.createFile(dir.resolve(DATABASE));
      }
      List<String> problems = problems(config, sqlite, defaultKek);
      if (!problems.isEmpty()) {
        refuseOrWarn(problems, config.allowInsecurePermissions());
      }
      return opened;
    } catch (IOException e) {
      opened.close();
      throw new StartupException("server.data_dir", "cannot prepare the data directory " + dir
          + ": " + e);
    } catch (RuntimeException e) {
      opened.close();
      throw e;
    }
  }

  private static DataDirectory lock(Path dir) throws IOException {
    Path file = dir.resolve(LOCK);
    Path key = dir.toRealPath();
    // A second server in this JVM must not even open the file: closing any descriptor of it
    // drops the process's POSIX record lock, which would free the first server's lock.
    if (!HELD_HERE.add(key)) {
      throw inUse(dir, file, " (pid " + ProcessHandle.current().pid() + ", this process)");
    }
    FileChannel ch = null;
    try {
      ch = FileChannel.open(file, EnumSet.of(StandardOpenOption.CREATE,
          StandardOpenOption.READ, StandardOpenOption.WRITE), OwnerOnly.attribute(OwnerOnly.FILE));
      FileLock held = ch.tryLock();
      if (held == null) {
        throw inUse(dir, file, holder(ch));
      }
      ch.truncate(0);
      ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n")
          .getBytes(StandardCharsets.US_ASCII)), 0);
      ch.force(false);
      return new DataDirectory(ch, held, key);
    } catch (IOException | RuntimeException e) {
      if (ch != null) {
        ch.close();
      }
      HELD_HERE.remove(key);
      throw e;
    }
  }

  private static StartupException inUse(Path dir, Path file, String holder) {
    return new StartupException("server.data_dir_in_use", "another imprint server" + holder
        + " is running on the data directory " + dir + " (it holds the lock on " + file
        + "); two servers on one SQLite store would each keep state the other does not see."
        + " Stop that server first, give this one its own --data-dir, or run replicas on one"
        + " PostgreSQL store (--db)");
  }

  /** " (pid N)" from the lock file, when it names one. */
  private static String holder(FileChannel ch) {
    try {
      ByteBuffer buf = ByteBuffer.allocate(32);
      ch.read(buf, 0);
      String pid = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).strip();
      return pid.matches("[0-9]{1,10}") ? " (pid " + pid + ")" : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static List<String> problems(ServerConfig config, boolean sqlite, boolean defaultKek)
      throws IOException {
    Path dir = config.dataDir();
    List<String> out = new ArrayList<>();
    if (sqlite || defaultKek) {
      OwnerOnly.directoryProblem(dir).ifPresent(p -> out.add("the data directory " + dir
          + " has " + p + "; other users could replace the files in it. Fix: chmod 700 "
          + dir));
    }
    List<Path> files = new ArrayList<>();
    if (sqlite) {
      for (String name : List.of(DATABASE, DATABASE + "-wal", DATABASE + "-shm", LOCK)) {
        files.add(dir.resolve(name));
      }
    }
    if (config.kekFile() != null) {
      if (!Files.isReadable(config.kekFile())) {
        return out; // the key-encryption key's own loading says what is wrong with it
      }
      files.add(config.kekFile());
    } else if (defaultKek) {
      files.add(dir.resolve(DEFAULT_KEK));
    }
    for (Path f : files) {
      Optional<String> p = OwnerOnly.fileProblem(f);
      p.ifPresent(problem -> out.add(f + " has " + problem + ". Fix: chmod 600 " + f));
    }
    return out;
  }

  private static void refuseOrWarn(List<String> problems, boolean allow) {
    if (allow) {
      for (String p : problems) {
        LOG.warn("INSECURE: {} (starting anyway because of --allow-insecure-permissions)", p);
      }
      return;
    }
    throw new StartupException("server.insecure_permissions", "refusing to start: "
        + String.join("; ", problems) + ". The store holds token hashes and the wrapped"
        + " signing keys, the key-encryption key unwraps them: they must be readable and"
        + " writable by the server's user only (or start with --allow-insecure-permissions to"
        + " accept the risk, logged at every start)");
  }

  /** Releases the lock (the file stays: deleting it would race a server starting now). */
  @Override
  public void close() {
    try {
      if (lock != null && lock.isValid()) {
        lock.release();
      }
      if (lockChannel != null) {
        lockChannel.close();
      }
    } catch (IOException e) {
      LOG.warn("cannot release the data directory lock: {}", e.toString());
    } finally {
      if (lockedDir != null) {
        HELD_HERE.remove(lockedDir);
      }
    }
  }
}
