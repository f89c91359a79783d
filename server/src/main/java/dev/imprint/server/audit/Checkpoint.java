package dev.imprint.server.audit;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A tree head in the C2SP tlog-checkpoint body format: the origin line, the decimal tree size
 * and the base64 root hash, each ending in a newline (https://c2sp.org/tlog-checkpoint).
 */
public record Checkpoint(String origin, long size, byte[] rootHash) {
  private static final Pattern SIZE = Pattern.compile("0|[1-9][0-9]{0,18}");

  public Checkpoint {
    Objects.requireNonNull(origin, "origin");
    if (origin.isEmpty() || origin.contains("\n")) {
      throw new IllegalArgumentException("expected a non-empty single-line origin, got '"
          + origin + "'");
    }
    if (size < 0) {
      throw new IllegalArgumentException("expected a tree size of 0 or more, got " + size);
    }
    if (rootHash.length != MerkleTree.HASH) {
      throw new IllegalArgumentException("expected a 32-byte root hash, got " + rootHash.length);
    }
    rootHash = rootHash.clone();
  }

  @Override
  public byte[] rootHash() {
    return rootHash.clone();
  }

  /** The root hash in lower-case hex. */
  public String rootHex() {
    return HexFormat.of().formatHex(rootHash);
  }

  /** The signed text: {@code origin\nsize\nbase64(root)\n}. */
  public String body() {
    return origin + "\n" + size + "\n" + Base64.getEncoder().encodeToString(rootHash) + "\n";
  }

  /**
   * Parses a checkpoint body (extension lines after the third are allowed and ignored).
   *
   * @throws IllegalArgumentException naming the line that is wrong
   */
  public static Checkpoint parse(String body) {
    if (!body.endsWith("\n")) {
      throw new IllegalArgumentException("expected a checkpoint body ending in a newline");
    }
    String[] lines = body.substring(0, body.length() - 1).split("\n", -1);
    if (lines.length < 3) {
      throw new IllegalArgumentException("expected origin, tree size and root hash lines, got "
          + lines.length + " line(s)");
    }
    if (!SIZE.matcher(lines[1]).matches()) {
      throw new IllegalArgumentException("expected a decimal tree size on line 2, got '"
          + lines[1] + "'");
    }
    byte[] root;
    try {
      root = Base64.getDecoder().decode(lines[2].getBytes(StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("expected a base64 root hash on line 3, got '"
          + lines[2] + "'");
    }
    try {
      return new Checkpoint(lines[0], Long.parseLong(lines[1]), root);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("tree size out of range: '" + lines[1] + "'");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpoint c && c.origin.equals(origin) && c.size == size
        && Arrays.equals(c.rootHash, rootHash);
  }

  @Override
  public int hashCode() {
    return Objects.hash(origin, size, Arrays.hashCode(rootHash));
  }

  @Override
  public String toString() {
    return "Checkpoint[" + origin + ", size " + size + ", root " + rootHex() + "]";
  }
}
