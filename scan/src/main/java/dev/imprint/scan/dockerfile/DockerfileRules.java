package dev.imprint.scan.dockerfile;

import static dev.imprint.scan.Category.IMMUTABILITY;
import static dev.imprint.scan.Category.NHI2;
import static dev.imprint.scan.Category.NHI3;
import static dev.imprint.scan.Category.NHI4;
import static dev.imprint.scan.Category.NHI5;
import static dev.imprint.scan.Category.NHI7;
import static dev.imprint.scan.Category.SEGMENTATION;
import static dev.imprint.scan.Severity.CRITICAL;
import static dev.imprint.scan.Severity.HIGH;
import static dev.imprint.scan.Severity.LOW;
import static dev.imprint.scan.Severity.MEDIUM;

import dev.imprint.scan.Category;
import dev.imprint.scan.Rule;
import dev.imprint.scan.Severity;
import java.util.List;

/** The IMP-DOCKER rule catalog (metadata only; the checks live in {@link DockerfileChecks}). */
final class DockerfileRules {
  private static final String SECRET_FIX = "Never put a secret in the image. Inject it at run "
      + "time from a secret store (Vault, AWS Secrets Manager, GCP Secret Manager), as an "
      + "orchestrator secret (a Kubernetes Secret mounted as a file, a Docker/Compose secret) or, "
      + "better, replace it with workload identity (IRSA, GKE/Azure workload identity, SPIFFE) so "
      + "there is no static secret at all. A secret needed during the build goes through "
      + "'RUN --mount=type=secret,id=name' and 'docker build --secret id=name,src=...', which "
      + "never writes it to a layer. Rotate any secret that was already built into an image.";

  static final Rule LATEST = rule("IMP-DOCKER-001", "Base image uses the mutable :latest tag",
      MEDIUM, IMMUTABILITY,
      "':latest' points to whatever was pushed last, so two builds of the same commit can run "
          + "different code and a compromised or broken push reaches every rebuild silently.",
      "Pin the base image to a digest (FROM image:1.2.3@sha256:...) and update it deliberately, "
          + "e.g. with Renovate or Dependabot.",
      "FROM ubuntu:latest", "FROM ubuntu:24.04@sha256:<digest>");
  static final Rule NO_TAG = rule("IMP-DOCKER-002", "Base image has no tag", MEDIUM, IMMUTABILITY,
      "An image without tag or digest means ':latest': the build is not reproducible and the "
          + "image an identity is tied to changes without review.",
      "Name an explicit version and pin it by digest: FROM image:1.2.3@sha256:...",
      "FROM python", "FROM python:3.12-slim@sha256:<digest>");
  static final Rule NO_DIGEST = rule("IMP-DOCKER-003", "Base image is not pinned by digest", LOW,
      IMMUTABILITY,
      "Tags are mutable: a registry owner or attacker can re-point '1.2.3' to other content. "
          + "Only a digest names immutable content that can be approved once and trusted later.",
      "Append the digest of the tested image: FROM image:1.2.3@sha256:... (keep the tag for "
          + "readability; the digest wins).",
      "FROM node:20-alpine", "FROM node:20-alpine@sha256:<digest>");
  static final Rule UNTRUSTED_REGISTRY = rule("IMP-DOCKER-004",
      "Image comes from a registry that is not trusted", HIGH, NHI3,
      "Images from registries outside the organisation's allow-list bypass its scanning, "
          + "signing and provenance controls and are a supply-chain entry point.",
      "Pull through a trusted registry or mirror listed in 'trustedRegistries', or add the "
          + "registry to the list after review.",
      "FROM randomhub.example/tools/base:1.0", "FROM registry.corp.example/base:1.0@sha256:<d>");
  static final Rule ENV_SECRET = rule("IMP-DOCKER-005", "Secret baked into the image by ENV or "
      + "LABEL", CRITICAL, NHI2,
      "ENV and LABEL values are stored in the image configuration: anyone who can pull the "
          + "image reads them with 'docker inspect' or 'docker history', in every registry "
          + "and cache it was copied to, for as long as the image exists.",
      SECRET_FIX, "ENV DB_PASS=Pr0d-db-passw0rd",
      "# at run time: DB_PASS read from /run/secrets/db_pass (orchestrator secret)");
  static final Rule ARG_SECRET = rule("IMP-DOCKER-006", "Secret as ARG default value", CRITICAL,
      NHI2,
      "A default ARG value is part of the Dockerfile and of the build history of every layer "
          + "that uses it; it leaks through source control and 'docker history'.",
      SECRET_FIX, "ARG NPM_TOKEN=npm_abcdef123456",
      "RUN --mount=type=secret,id=npm_token NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci");
  static final Rule ARG_BUILD_SECRET = rule("IMP-DOCKER-007",
      "Build secret passed as ARG instead of a secret mount", HIGH, NHI2,
      "Values given with --build-arg are recorded in the image history of every layer whose "
          + "RUN uses them, and an ENV copied from them persists into the running container.",
      "Use 'RUN --mount=type=secret,id=name' with 'docker build --secret id=name,src=file': "
          + "the secret is available to that one RUN and never stored in a layer.",
      "ARG GITHUB_TOKEN\nRUN git clone https://$GITHUB_TOKEN@github.com/org/repo",
      "RUN --mount=type=secret,id=gh GITHUB_TOKEN=$(cat /run/secrets/gh) ./fetch.sh");
  static final Rule CREDENTIAL_FILE = rule("IMP-DOCKER-008",
      "Credential file copied into the image", HIGH, NHI2,
      "Cloud credentials, SSH keys, registry and package-manager tokens (.aws/credentials, "
          + "id_rsa, .npmrc, .docker/config.json, kubeconfig, service-account keys) copied "
          + "into a layer stay there even if a later step deletes them.",
      "Mount such files only for the step that needs them (RUN --mount=type=secret or "
          + "--mount=type=ssh) and give the running workload a workload identity instead of a key "
          + "file. Exclude them in .dockerignore.",
      "COPY .aws/credentials /root/.aws/credentials",
      "RUN --mount=type=secret,id=aws,target=/root/.aws/credentials aws s3 cp s3://b/f .");
  static final Rule PASSWORD_SET = rule("IMP-DOCKER-009", "Password set for an account in RUN",
      HIGH, NHI4,
      "A password set with chpasswd, passwd or useradd -p is stored in the layer (/etc/shadow) "
          + "and usually in the Dockerfile itself; every container of the image shares it.",
      "Do not give image accounts passwords: run as a non-login system user and authenticate "
          + "the workload with short-lived credentials from workload identity.",
      "RUN echo 'root:toor' | chpasswd", "RUN useradd --system --no-create-home app");
  static final Rule STAGE_FS_COPY = rule("IMP-DOCKER-010",
      "Whole filesystem or home directory copied from another stage", MEDIUM, NHI2,
      "Copying '/' or a home directory from a builder stage drags in whatever the builder held: "
          + "credentials, SSH keys, package-manager tokens and caches. Multi-stage builds only "
          + "protect secrets if the final stage copies exactly the artifacts it needs.",
      "Copy only the build outputs: COPY --from=builder /app/bin/server /usr/local/bin/server.",
      "COPY --from=builder / /", "COPY --from=builder /out/app /app");
  static final Rule ROOT_USER = rule("IMP-DOCKER-011", "Final stage runs as root", MEDIUM, NHI5,
      "A container that runs as root gives an attacker who takes over the process root inside "
          + "the container and a short path to the host through any kernel or runtime flaw.",
      "End the final stage with a non-root user: 'USER 10001:10001' (numeric ids work with "
          + "runAsNonRoot).",
      "USER root\nCMD [\"./app\"]", "USER 10001:10001\nCMD [\"./app\"]");
  static final Rule NO_USER = rule("IMP-DOCKER-012", "Final stage sets no USER", MEDIUM, NHI5,
      "Without USER the container runs as the base image's user, which is root for almost "
          + "every base image.",
      "Create an unprivileged user and switch to it at the end of the final stage: "
          + "'RUN useradd -r -u 10001 app' then 'USER 10001'.",
      "FROM alpine:3.20\nCMD [\"./app\"]", "FROM alpine:3.20\nUSER 10001\nCMD [\"./app\"]");
  static final Rule SUDO = rule("IMP-DOCKER-013", "sudo used in RUN", MEDIUM, NHI5,
      "sudo in a build means the image has sudo installed and configured, so a compromised "
          + "process can escalate; builds already run as the current USER.",
      "Switch with USER root for the privileged steps and USER <app> afterwards; remove sudo "
          + "from the image.",
      "RUN sudo apt-get install -y curl", "USER root\nRUN apt-get install -y curl\nUSER app");
  static final Rule SSH_PORT = rule("IMP-DOCKER-014", "SSH port 22 exposed", MEDIUM,
      SEGMENTATION,
      "Exposing port 22 means the container runs a remote login service, an interactive "
          + "entry point that bypasses the workload's intended interface.",
      "Do not run SSH in containers; use 'kubectl exec' or 'docker exec' with audited access.",
      "EXPOSE 22", "EXPOSE 8080");
  static final Rule SSHD = rule("IMP-DOCKER-015", "SSH server installed or run in the image",
      HIGH, NHI4,
      "An SSH daemon adds long-lived host keys and login credentials to the image and an "
          + "interactive way in that is shared by every container of the image.",
      "Remove the SSH server; debug with 'kubectl exec' or ephemeral debug containers.",
      "RUN apt-get install -y openssh-server", "RUN apt-get install -y --no-install-recommends "
          + "ca-certificates=20240203");
  static final Rule UPGRADE = rule("IMP-DOCKER-016", "Packages upgraded inside the image", LOW,
      IMMUTABILITY,
      "An in-image upgrade installs whatever the mirrors serve on build day: two builds of the "
          + "same commit differ and the base image's tested state is lost.",
      "Rebuild on a newer pinned base image instead, and pin the packages you add.",
      "RUN apt-get update && apt-get upgrade -y", "FROM debian:12.7@sha256:<digest>");
  static final Rule RUNTIME_INSTALL = rule("IMP-DOCKER-017",
      "Packages installed when the container starts", MEDIUM, IMMUTABILITY,
      "Installing packages from ENTRYPOINT or CMD means the code that runs is fetched at "
          + "start-up, not the approved image: it breaks immutability, needs egress and "
          + "credentials at run time, and differs between replicas.",
      "Install everything at build time with pinned versions; the container should only start "
          + "its process.",
      "CMD pip install -r requirements.txt && python app.py", "CMD [\"python\", \"app.py\"]");
  static final Rule UNPINNED_PACKAGE = rule("IMP-DOCKER-018", "Package installed without a "
      + "pinned version", LOW, IMMUTABILITY,
      "Unpinned packages resolve to whatever is newest at build time, so a rebuild can pull a "
          + "different or compromised version without any change to the source.",
      "Pin every package: apt 'pkg=1.2-3', apk 'pkg=1.2-r0', pip 'pkg==1.2', npm 'pkg@1.2.3', "
          + "gem 'pkg -v 1.2', go 'pkg@v1.2.3', yum/dnf 'pkg-1.2', zypper 'pkg=1.2'; or install "
          + "from a lock file.",
      "RUN pip install requests", "RUN pip install requests==2.32.3");
  static final Rule PIPE_TO_SHELL = rule("IMP-DOCKER-019", "Downloaded script piped to a shell",
      HIGH, NHI3,
      "'curl ... | sh' runs whatever the server returns at build time, unverified; a "
          + "compromised host or mirror gets code execution in the build with its credentials.",
      "Download to a file, verify a pinned checksum or signature (sha256sum -c, gpg --verify), "
          + "then run it; better, install a pinned package.",
      "RUN curl -fsSL https://get.example.sh | sh",
      "RUN curl -fsSLo i.sh https://x/i.sh && echo \"<sha256>  i.sh\" | sha256sum -c && sh i.sh");
  static final Rule UNVERIFIED_DOWNLOAD = rule("IMP-DOCKER-020",
      "Downloaded file executed without checksum or signature check", MEDIUM, NHI3,
      "A binary or script fetched over the network and run without checking a pinned hash or "
          + "signature can be swapped by anyone controlling the server, a mirror or DNS.",
      "Verify before use: echo \"<sha256>  file\" | sha256sum -c, or gpg --verify with a pinned "
          + "key; ADD --checksum=sha256:... works for single files.",
      "RUN wget -O /usr/local/bin/tool https://x/tool && chmod +x /usr/local/bin/tool",
      "RUN wget -O tool https://x/tool && echo \"<sha256>  tool\" | sha256sum -c");
  static final Rule TLS_OFF = rule("IMP-DOCKER-021", "TLS certificate verification disabled",
      HIGH, NHI4,
      "Turning off certificate checks lets anyone on the network path impersonate the server "
          + "and feed the build (or the running service) code and data of their choice.",
      "Keep verification on; if a private CA is needed, add its certificate to the trust store "
          + "(COPY ca.crt /usr/local/share/ca-certificates/ && update-ca-certificates).",
      "RUN curl -k https://repo.example/install", "RUN curl -fsS https://repo.example/install");
  static final Rule SIGNATURE_OFF = rule("IMP-DOCKER-022",
      "Package signature verification disabled", HIGH, NHI3,
      "Package managers verify signatures so that a mirror cannot serve tampered packages; "
          + "disabling the check installs whatever the repository or network returns.",
      "Import the repository's signing key (signed-by=, rpm --import) and keep gpgcheck on.",
      "RUN apk add --allow-untrusted ./tool.apk", "RUN apk add tool=1.2.3-r0");
  static final Rule ADD_LOCAL = rule("IMP-DOCKER-023", "ADD used where COPY suffices", LOW,
      IMMUTABILITY,
      "ADD silently fetches URLs and unpacks archives; using it for plain files hides what "
          + "a build step really does.",
      "Use COPY for local files; keep ADD only to unpack a local archive deliberately.",
      "ADD app.jar /app/app.jar", "COPY app.jar /app/app.jar");
  static final Rule ADD_URL = rule("IMP-DOCKER-024", "ADD from a URL without checksum", MEDIUM,
      NHI3,
      "ADD <url> downloads at build time whatever the server returns; without --checksum the "
          + "content is not verified and can change between builds.",
      "Give the expected digest: ADD --checksum=sha256:<hex> <url> <dest>, or pin git sources "
          + "to a full commit id.",
      "ADD https://example.com/tool.tgz /opt/",
      "ADD --checksum=sha256:<hex> https://example.com/tool.tgz /opt/");
  static final Rule UPDATE_ALONE = rule("IMP-DOCKER-025", "Package index updated without an "
      + "install in the same RUN", LOW, IMMUTABILITY,
      "A layer that only refreshes the package index (apt-get update, apk update, yum or dnf "
          + "makecache, zypper refresh, pacman -Sy) is cached: later installs use a stale "
          + "index and builds are not reproducible.",
      "Refresh and install in one RUN: 'apt-get update && apt-get install -y pkg=ver && rm -rf "
          + "/var/lib/apt/lists/*', 'apk add --no-cache pkg=ver', 'dnf install -y pkg-ver'.",
      "RUN apt-get update\nRUN apt-get install -y curl",
      "RUN apt-get update && apt-get install -y curl=8.5.0-2");
  static final Rule RUN_SECRET = rule("IMP-DOCKER-026",
      "Secret written in a RUN, CMD, ENTRYPOINT or HEALTHCHECK command",
      CRITICAL, NHI2,
      "A credential in a RUN command (docker login -p, a token in a git URL, curl -u user:pass, "
          + "an inline TOKEN=...) is stored in the Dockerfile and in the image history; one on"
          + " the command of CMD, ENTRYPOINT or HEALTHCHECK (mysqladmin ping -pS3cret,"
          + " redis-server --requirepass S3cret) is stored in the image's configuration, which"
          + " docker inspect shows to everyone who can pull the image.",
      SECRET_FIX, "RUN git clone https://ci:ghp_xxxxxxxx@github.com/org/repo",
      "RUN --mount=type=secret,id=gh git -c http.extraHeader=\"Authorization: Bearer "
          + "$(cat /run/secrets/gh)\" clone https://github.com/org/repo");
  static final Rule PRIVATE_KEY = rule("IMP-DOCKER-027", "Private key material in the "
      + "Dockerfile", CRITICAL, NHI2,
      "A PEM private key written in an ENV, ARG or heredoc is readable by everyone with access "
          + "to the source or the image and cannot be revoked by rebuilding.",
      SECRET_FIX, "ENV SSH_KEY=\"-----BEGIN OPENSSH PRIVATE KEY-----...\"",
      "RUN --mount=type=ssh git clone git@github.com:org/repo.git");
  static final Rule SECRET_MOUNT_PERSISTED = rule("IMP-DOCKER-028",
      "Build secret written into a layer", HIGH, NHI7,
      "A secret mount is only safe while the secret stays in /run/secrets; copying it to "
          + "another path, or writing it to a file through a variable "
          + "(export TOKEN=$(cat /run/secrets/t) && echo $TOKEN > /app/.token), writes it into "
          + "the layer and defeats the mount. A secret build argument written to a file "
          + "(echo \"//registry.npmjs.org/:_authToken=${NPM_TOKEN}\" > /root/.npmrc) that the "
          + "same RUN does not remove is in the image for everyone who pulls it.",
      "Read the secret where it is mounted, e.g. 'NPM_TOKEN=$(cat /run/secrets/npm) npm ci', "
          + "or point the tool at the mount (--mount=type=secret,id=npmrc,target=/root/.npmrc).",
      "RUN --mount=type=secret,id=npmrc cp /run/secrets/npmrc /root/.npmrc && npm ci",
      "RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci");

  static final Rule SECRET_LAYER_REMOVED = rule("IMP-DOCKER-029",
      "Secret file removed in a later layer", HIGH, NHI2,
      "Every instruction adds a layer, and a layer is never changed by the ones after it: a "
          + "key or credential file that COPY or ADD brought in stays in that layer, and in "
          + "'docker save' or any registry pull, after a later 'RUN rm' hides it from the "
          + "final filesystem. The rm gives a false sense of safety.",
      "Do not copy the file at all: mount it for the one RUN that needs it "
          + "('RUN --mount=type=secret,id=key,target=/root/.ssh/id_ed25519 ...' or "
          + "'--mount=type=ssh'), or use it in a build stage whose files the final stage does "
          + "not copy. Rotate the secret: images already pushed still hold it.",
      "COPY id_ed25519 /root/.ssh/\nRUN git clone git@github.com:org/repo.git \\\n"
          + "    && rm /root/.ssh/id_ed25519",
      "RUN --mount=type=ssh git clone git@github.com:org/repo.git");

  static final List<Rule> ALL = List.of(LATEST, NO_TAG, NO_DIGEST, UNTRUSTED_REGISTRY,
      ENV_SECRET, ARG_SECRET, ARG_BUILD_SECRET, CREDENTIAL_FILE, PASSWORD_SET, STAGE_FS_COPY,
      ROOT_USER, NO_USER, SUDO, SSH_PORT, SSHD, UPGRADE, RUNTIME_INSTALL, UNPINNED_PACKAGE,
      PIPE_TO_SHELL, UNVERIFIED_DOWNLOAD, TLS_OFF, SIGNATURE_OFF, ADD_LOCAL, ADD_URL,
      UPDATE_ALONE, RUN_SECRET, PRIVATE_KEY, SECRET_MOUNT_PERSISTED, SECRET_LAYER_REMOVED);

  private DockerfileRules() {}

  private static Rule rule(String id, String title, Severity severity, Category category,
      String rationale, String remediation, String bad, String good) {
    return Rule.builder(id).title(title).severity(severity).category(category)
        .rationale(rationale).remediation(remediation).example(bad, good)
        .tags("dockerfile").build();
  }
}
