/**
 * What the analyzers of scripts (Dockerfile RUN, CI steps) share about the POSIX shell: where a
 * command substitution or a process substitution opens and ends, so that the commands inside
 * {@code $(...)}, backticks, {@code <(...)} and {@code >(...)} are read as commands.
 */
package dev.imprint.scan.shell;
