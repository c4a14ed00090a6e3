package dev.codd.common;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A container to run over rows, as docker_map names it: the rows go to its stdin in {@code format},
 * and what it writes to stdout is read as rows of {@code output}.
 *
 * @param env variables to set in the container; a value {@code secret:NAME} is the node's secret
 *     of that name, resolved on the node (the value never travels)
 */
public record ContainerCall(String image, List<String> command, Format format, List<DeclaredColumn> output,
        Map<String, String> env) {
    /** The prefix of an environment value that names a secret of the node's instead of giving the value. */
    public static final String SECRET = "secret:";

    /** How rows travel through the container's stdin and stdout. */
    public enum Format {
        /** Comma-separated values with a header line, quoted as RFC 4180 does. */
        CSV,
        /** One JSON object per line, keyed by column name. */
        JSONL,
        /** An Arrow IPC stream. */
        ARROW;

        public static Format of(String name) {
            try {
                return valueOf(name.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CoddException(ErrorCode.INVALID_ARGUMENT,
                        "format '" + name + "' is not one of 'csv', 'jsonl', 'arrow'");
            }
        }
    }

    public ContainerCall {
        requireNonNull(image, "image is null");
        requireNonNull(format, "format is null");
        command = List.copyOf(command);
        output = List.copyOf(output);
        env = Map.copyOf(env);
    }
}
