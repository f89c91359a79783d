package dev.imprint.scan.dockerfile;

/**
 * A here-document of a RUN, COPY or ADD instruction ({@code <<EOF ... EOF}).
 *
 * @param delimiter the word that ends it
 * @param quoted whether the delimiter was quoted (no expansion in the body)
 * @param stripTabs whether it was written {@code <<-} (leading tabs removed)
 * @param line the 1-based line of the first body line
 * @param body the body, lines joined with {@code \n}
 */
public record Heredoc(String delimiter, boolean quoted, boolean stripTabs, int line,
    String body) {}
