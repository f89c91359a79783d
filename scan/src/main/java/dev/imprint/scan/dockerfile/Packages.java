package dev.imprint.scan.dockerfile;

import dev.imprint.scan.shell.Shell;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Recognises package installs and upgrades and each manager's version-pinning syntax. */
final class Packages {
  private static final Set<String> VALUE_OPTIONS = Set.of("-t", "--target", "-o", "--option",
      "--virtual", "-X", "--repository", "-i", "--index-url", "--extra-index-url", "-f",
      "--find-links", "--prefix", "--root", "--trusted-host", "--platform", "-c",
      "--constraint", "--enablerepo", "--disablerepo", "--setopt", "--installroot",
      "--releasever", "--registry", "-v", "--version", "--cache-dir", "--default-release",
      "--python-version", "--only-binary", "--no-binary", "--src", "--source");

  /** One install command: every package it names and those without a pinned version. */
  record Install(List<String> packages, List<String> unpinned) {}

  private Packages() {}

  static Install install(Shell.Command c) {
    String n = c.name();
    String sub = c.sub();
    List<String> a = new ArrayList<>(c.args());
    if ((n.equals("python") || n.equals("python3")) && a.size() > 2 && a.get(0).equals("-m")
        && a.get(1).startsWith("pip")) {
      n = "pip";
      a = a.subList(2, a.size());
      sub = a.isEmpty() ? "" : a.get(0);
    }
    String kind;
    if ((n.equals("apt-get") || n.equals("apt") || n.equals("aptitude")) && sub.equals("install")) {
      kind = "apt";
    } else if (n.equals("apk") && sub.equals("add")) {
      kind = "apk";
    } else if (n.matches("pip[0-9.]*") && sub.equals("install")) {
      kind = "pip";
    } else if ((n.equals("npm") || n.equals("pnpm")) && Set.of("install", "i", "add")
        .contains(sub) || n.equals("yarn") && sub.equals("add")) {
      kind = "npm";
    } else if (n.equals("gem") && sub.equals("install")) {
      kind = "gem";
    } else if (n.equals("go") && (sub.equals("install") || sub.equals("get"))) {
      kind = "go";
    } else if (Set.of("yum", "dnf", "microdnf", "tdnf").contains(n) && sub.equals("install")) {
      kind = "rpm";
    } else if (n.equals("zypper") && (sub.equals("install") || sub.equals("in"))) {
      kind = "zypper";
    } else {
      return null;
    }
    if (kind.equals("pip") && (a.contains("-r") || a.contains("-c") || a.contains("--constraint")
        || a.contains("--requirement"))) {
      return new Install(List.of(), List.of());
    }
    List<String> pkgs = new ArrayList<>();
    boolean seenSub = false;
    boolean gemVersion = a.contains("-v") || a.contains("--version");
    for (int k = 0; k < a.size(); k++) {
      String w = a.get(k);
      if (!seenSub) {
        seenSub = w.equalsIgnoreCase(sub);
        continue;
      }
      if (w.startsWith("-")) {
        if (VALUE_OPTIONS.contains(w)) {
          k++;
        }
        continue;
      }
      if (w.isEmpty() || w.startsWith(".") || w.startsWith("/") || w.contains("://")
          || w.startsWith("$") || w.endsWith(".deb") || w.endsWith(".rpm") || w.endsWith(".whl")
          || w.endsWith(".apk") || w.endsWith(".tgz") || w.endsWith(".tar.gz") || w.equals(">")
          || w.startsWith("git+")) {
        continue;
      }
      pkgs.add(w);
    }
    List<String> unpinned = new ArrayList<>();
    for (String p : pkgs) {
      if (!pinned(kind, p, gemVersion)) {
        unpinned.add(p);
      }
    }
    return new Install(pkgs, unpinned);
  }

  private static boolean pinned(String kind, String p, boolean gemVersion) {
    return switch (kind) {
      case "apt" -> p.contains("=");
      case "apk" -> p.contains("=") || p.contains("~") || p.contains("<") || p.contains(">");
      case "pip" -> p.contains("==") || p.contains("@");
      case "npm" -> p.lastIndexOf('@') > 0 && !p.endsWith("@latest") && !p.endsWith("@next");
      case "gem" -> gemVersion || p.contains(":");
      case "go" -> p.contains("@") && !p.endsWith("@latest") && !p.endsWith("@master")
          && !p.endsWith("@main");
      // A version taken from an ARG or ENV ("httpd-${HTTPD_VERSION}") is a pin, as for the
      // other managers, whose separators ('=', '==', '@') already count whatever follows them.
      case "rpm" -> p.matches(".+-[0-9][^/]*") || p.matches(".+-\\$.+") || p.contains("=");
      case "zypper" -> p.contains("=") || p.contains(">") || p.contains("<");
      default -> true;
    };
  }

  /** The package manager family whose index a command only refreshes, or {@code null}. */
  static String indexRefresh(Shell.Command c) {
    String n = c.name();
    String sub = c.sub();
    if ((n.equals("apt-get") || n.equals("apt") || n.equals("aptitude")) && sub.equals("update")) {
      return "apt";
    }
    if (n.equals("apk") && sub.equals("update")) {
      return "apk";
    }
    if (RPM.contains(n) && (sub.equals("makecache") || sub.equals("check-update"))) {
      return "rpm";
    }
    if (n.equals("zypper") && (sub.equals("refresh") || sub.equals("ref"))) {
      return "zypper";
    }
    if (n.equals("pacman") && pacmanOp(c).matches("-S[a-z]*y[a-z]*") && !pacmanOp(c)
        .contains("u") && c.args().stream().noneMatch(w -> !w.startsWith("-"))) {
      return "pacman";
    }
    return null;
  }

  /** The package manager family that installs or upgrades packages, or {@code null}. */
  static String installer(Shell.Command c) {
    String n = c.name();
    String sub = c.sub();
    if (n.equals("apt-get") || n.equals("apt") || n.equals("aptitude")) {
      return Set.of("install", "upgrade", "dist-upgrade", "full-upgrade", "build-dep")
          .contains(sub) ? "apt" : null;
    }
    if (n.equals("apk")) {
      return sub.equals("add") || sub.equals("upgrade") ? "apk" : null;
    }
    if (RPM.contains(n)) {
      return Set.of("install", "update", "upgrade", "reinstall", "groupinstall", "distro-sync",
          "localinstall", "builddep").contains(sub) ? "rpm" : null;
    }
    if (n.equals("zypper")) {
      return Set.of("install", "in", "update", "up", "dist-upgrade", "dup", "patch")
          .contains(sub) ? "zypper" : null;
    }
    if (n.equals("pacman")) {
      return pacmanOp(c).matches("-S[a-z]*u[a-z]*")
          || pacmanOp(c).startsWith("-S") && c.args().stream().anyMatch(w -> !w.startsWith("-"))
          ? "pacman" : null;
    }
    return null;
  }

  /** pacman's operation flag, such as {@code -Syu} ({@code ""} when none). */
  private static String pacmanOp(Shell.Command c) {
    for (String a : c.args()) {
      if (a.matches("-[A-Z][a-z]*")) {
        return a;
      }
    }
    return "";
  }

  private static final Set<String> RPM = Set.of("yum", "dnf", "microdnf", "tdnf");

  static boolean isUpgrade(Shell.Command c) {
    String n = c.name();
    String sub = c.sub();
    if (n.equals("apt-get") || n.equals("apt") || n.equals("aptitude")) {
      return Set.of("upgrade", "dist-upgrade", "full-upgrade", "safe-upgrade").contains(sub);
    }
    if (n.equals("apk")) {
      return sub.equals("upgrade");
    }
    if (Set.of("yum", "dnf", "microdnf", "tdnf").contains(n)) {
      if (!Set.of("update", "upgrade", "distro-sync").contains(sub)) {
        return false;
      }
      return c.args().stream().filter(w -> !w.startsWith("-")).count() == 1;
    }
    if (n.equals("zypper")) {
      return Set.of("update", "up", "dist-upgrade", "dup", "patch").contains(sub);
    }
    if (n.equals("pacman")) {
      return pacmanOp(c).matches("-S[a-z]*u[a-z]*");
    }
    return false;
  }
}
