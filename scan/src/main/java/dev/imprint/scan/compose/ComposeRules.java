package dev.imprint.scan.compose;

import dev.imprint.scan.Category;
import dev.imprint.scan.Rule;
import dev.imprint.scan.Severity;
import java.util.List;

/** The docker-compose rules' metadata. */
final class ComposeRules {
  private ComposeRules() {}

  static final Rule PRIVILEGED = Rule.builder("IMP-COMPOSE-001")
      .title("Service runs privileged")
      .severity(Severity.HIGH).category(Category.NHI5)
      .rationale("A privileged container gets every capability and every host device; whoever "
          + "controls the workload controls the host and every identity on it, including the "
          + "credentials of the other containers.")
      .remediation("Remove privileged: true and add only the single capability or device the "
          + "service really needs with cap_add or devices.")
      .example("services:\n  app:\n    image: app@sha256:...\n    privileged: true",
          "services:\n  app:\n    image: app@sha256:...\n    cap_drop: [ALL]")
      .tags("compose", "CWE-250").build();

  static final Rule DOCKER_SOCKET = Rule.builder("IMP-COMPOSE-002")
      .title("Container runtime socket mounted into a service")
      .severity(Severity.CRITICAL).category(Category.NHI5)
      .rationale("The Docker socket is an unauthenticated root API on the host: a service that "
          + "mounts it can start a privileged container, read every other container's "
          + "environment and secrets, and take over the machine.")
      .remediation("Do not mount docker.sock. If a tool must talk to the engine, give it a "
          + "filtering socket proxy that allows only the read-only calls it needs, or use a "
          + "rootless engine dedicated to that tool.")
      .example("volumes:\n  - /var/run/docker.sock:/var/run/docker.sock",
          "volumes:\n  - data:/var/lib/app")
      .tags("compose", "CWE-250").build();

  static final Rule HOST_NAMESPACE = Rule.builder("IMP-COMPOSE-003")
      .title("Service shares a host namespace")
      .severity(Severity.HIGH).category(Category.SEGMENTATION)
      .rationale("pid: host, ipc: host, network_mode: host and userns_mode: host remove the "
          + "isolation between the service and the host: it can see and signal host processes, "
          + "read shared memory, reach every host-local port (including metadata endpoints and "
          + "agents) and map to real host users.")
      .remediation("Remove the host namespace settings; publish the ports the service needs "
          + "and talk to other services over a user-defined network.")
      .example("network_mode: host", "networks: [backend]")
      .tags("compose").build();

  static final Rule NO_NEW_PRIVILEGES = Rule.builder("IMP-COMPOSE-004")
      .title("Service does not set no-new-privileges")
      .severity(Severity.MEDIUM).category(Category.NHI5)
      .rationale("Without no-new-privileges a process in the container can gain privileges "
          + "through setuid binaries or file capabilities, turning a foothold into root in the "
          + "container.")
      .remediation("Add security_opt: [\"no-new-privileges:true\"] to every service.")
      .example("services:\n  app:\n    image: app@sha256:...",
          "services:\n  app:\n    image: app@sha256:...\n    security_opt:\n"
              + "      - no-new-privileges:true")
      .tags("compose", "CWE-269").build();

  static final Rule CAP_ADD = Rule.builder("IMP-COMPOSE-005")
      .title("Service adds all or dangerous Linux capabilities")
      .severity(Severity.HIGH).category(Category.NHI5)
      .rationale("Capabilities such as ALL, SYS_ADMIN, SYS_PTRACE, SYS_MODULE, NET_ADMIN or "
          + "DAC_READ_SEARCH let a compromised service escape the container or tamper with the "
          + "host's network and kernel.")
      .remediation("Drop all capabilities (cap_drop: [ALL]) and add back only a narrow one the "
          + "service needs, such as NET_BIND_SERVICE.")
      .example("cap_add: [SYS_ADMIN]", "cap_drop: [ALL]\ncap_add: [NET_BIND_SERVICE]")
      .tags("compose", "CWE-250").build();

  static final Rule PUBLIC_PORT = Rule.builder("IMP-COMPOSE-006")
      .title("Port published on all host interfaces")
      .severity(Severity.MEDIUM).category(Category.SEGMENTATION)
      .rationale("A port written as \"8080:80\" is bound to 0.0.0.0, so every network the host "
          + "is on can reach the service, and Docker's iptables rules bypass host firewalls "
          + "such as ufw.")
      .remediation("Bind published ports to the interface that needs them, for example "
          + "\"127.0.0.1:8080:80\" or host_ip: 127.0.0.1 in the long syntax, and let other "
          + "services reach it over a compose network instead of a published port.")
      .example("ports:\n  - \"5432:5432\"", "ports:\n  - \"127.0.0.1:5432:5432\"")
      .tags("compose").build();

  static final Rule MUTABLE_IMAGE = Rule.builder("IMP-COMPOSE-007")
      .title("Service image uses latest or no tag")
      .severity(Severity.HIGH).category(Category.IMMUTABILITY)
      .rationale("latest (or no tag, which means latest) is a moving pointer: each pull may run "
          + "different code, so what was reviewed and scanned is not what runs, and a "
          + "compromised registry push takes effect on the next restart.")
      .remediation("Pin the image by digest (name@sha256:...), keeping the tag for readers: "
          + "redis:7.2@sha256:....")
      .example("image: redis:latest", "image: redis:7.2@sha256:<digest>")
      .tags("compose").build();

  static final Rule UNPINNED_IMAGE = Rule.builder("IMP-COMPOSE-008")
      .title("Service image not pinned by digest")
      .severity(Severity.MEDIUM).category(Category.IMMUTABILITY)
      .rationale("A tag can be moved to another image at any time; only a digest names exactly "
          + "the image that was built, scanned and approved.")
      .remediation("Reference the image by digest (name:tag@sha256:...) and let a bot such as "
          + "Renovate update the digest through reviewed changes.")
      .example("image: postgres:16", "image: postgres:16@sha256:<digest>")
      .tags("compose").build();

  static final Rule NOT_READ_ONLY = Rule.builder("IMP-COMPOSE-009")
      .title("Service root filesystem is writable")
      .severity(Severity.LOW).category(Category.IMMUTABILITY)
      .rationale("A writable root filesystem lets an attacker who gains code execution change "
          + "binaries and configuration in place and persist; an immutable container is "
          + "replaced, not patched.")
      .remediation("Set read_only: true and mount tmpfs or named volumes only for the paths the "
          + "service must write.")
      .example("services:\n  app:\n    image: app@sha256:...",
          "services:\n  app:\n    image: app@sha256:...\n    read_only: true\n"
              + "    tmpfs: [/tmp]")
      .tags("compose").build();

  static final Rule ENV_SECRET = Rule.builder("IMP-COMPOSE-010")
      .title("Hard-coded secret in a service environment or command")
      .severity(Severity.HIGH).category(Category.NHI2)
      .rationale("A secret written into environment: (or on a command line: command, entrypoint, "
          + "healthcheck) is committed with the file, visible in "
          + "docker inspect and to every process in the container, and can be rotated only by "
          + "editing every copy of the file. High, like a literal password in any configuration "
          + "file, whatever the value: a trivial or default password (root, postgres) is the "
          + "first one an attacker tries, so it is never rated lower than a random one; a "
          + "secret baked into an image (Dockerfile ENV, ARG, RUN) is critical instead.")
      .remediation("Interpolate it from the shell (${DB_PASSWORD}), load it from an env_file "
          + "that is not committed, or better use compose secrets: mounted as files under "
          + "/run/secrets.")
      .example("environment:\n  DB_PASSWORD: s3cr3t-Pa55w0rd",
          "environment:\n  DB_PASSWORD_FILE: /run/secrets/db_password\nsecrets: [db_password]")
      .tags("compose", "secret", "CWE-798").build();

  static final Rule NO_CAP_DROP = Rule.builder("IMP-COMPOSE-011")
      .title("Service does not drop Linux capabilities")
      .severity(Severity.LOW).category(Category.NHI5)
      .rationale("Without cap_drop a container keeps Docker's default capabilities (CHOWN, "
          + "DAC_OVERRIDE, FOWNER, SETUID, SETGID, NET_RAW, MKNOD, ...), which a compromised "
          + "service can use to read files it does not own, spoof traffic on the host network "
          + "or widen a kernel exploit. Few applications need any of them.")
      .remediation("Add cap_drop: [ALL] to every service and add back with cap_add only the "
          + "capability the service is known to need, such as NET_BIND_SERVICE.")
      .example("services:\n  app:\n    image: app@sha256:...",
          "services:\n  app:\n    image: app@sha256:...\n    cap_drop: [ALL]")
      .tags("compose", "CWE-250").build();

  static final Rule DEBUG_PORT = Rule.builder("IMP-COMPOSE-012")
      .title("Debugger port published on all host interfaces")
      .severity(Severity.HIGH).category(Category.NHI4)
      .rationale("A debugger endpoint (the Node.js inspector on 9229, a JVM's JDWP agent, "
          + "debugpy, Delve) accepts anyone who connects, without authentication, and lets them "
          + "run arbitrary code in the service with its identity, its secrets and its network "
          + "access. Published on all interfaces, that is anyone who can reach the host.")
      .remediation("Do not publish debugger ports in shared or deployed compose files. For "
          + "local debugging bind them to the loopback interface (\"127.0.0.1:9229:9229\") in "
          + "an override file that is not deployed.")
      .example("command: node --inspect=0.0.0.0:9229 server.js\nports:\n  - \"9229:9229\"",
          "command: node server.js\nports:\n  - \"127.0.0.1:3000:3000\"")
      .tags("compose", "CWE-489").build();

  static final List<Rule> ALL = List.of(PRIVILEGED, DOCKER_SOCKET, HOST_NAMESPACE,
      NO_NEW_PRIVILEGES, CAP_ADD, PUBLIC_PORT, MUTABLE_IMAGE, UNPINNED_IMAGE, NOT_READ_ONLY,
      ENV_SECRET, NO_CAP_DROP, DEBUG_PORT);
}
