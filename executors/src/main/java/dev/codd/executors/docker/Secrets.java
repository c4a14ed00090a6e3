package dev.codd.executors.docker;

import dev.codd.common.CoddException;
import dev.codd.common.ContainerCall;
import dev.codd.common.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A node's secrets, by name: read from a file of {@code name=value} lines and from environment
 * variables the operator names. A query names a secret ({@code 'secret:NAME'}); its value is put
 * into a container's environment on the node and goes nowhere else.
 */
public final class Secrets {
    public static final Secrets NONE = new Secrets(Map.of());

    private final Map<String, String> values;

    private Secrets(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /**
     * The secrets of {@code file} (null for none; lines {@code name=value}, {@code #} comments) and
     * of the environment variables {@code variables}, each a secret of the variable's name.
     */
    public static Secrets load(Path file, List<String> variables, Map<String, String> environment) {
        Map<String, String> values = new HashMap<>();
        if (file != null) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new CoddException(ErrorCode.INVALID_ARGUMENT, "Cannot read the secrets file " + file + ": " + e);
            }
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int equals = line.indexOf('=');
                if (equals < 1) { // the line itself is not quoted back: it may hold a value
                    throw new CoddException(ErrorCode.INVALID_ARGUMENT, "Line " + (i + 1) + " of the secrets file "
                            + file + " is not name=value");
                }
                values.put(line.substring(0, equals).strip(), line.substring(equals + 1));
            }
        }
        for (String variable : variables) {
            String value = environment.get(variable);
            if (value == null) {
                throw new CoddException(ErrorCode.INVALID_ARGUMENT, "Secret variable " + variable + " is not set");
            }
            values.put(variable, value);
        }
        return new Secrets(values);
    }

    /** {@code env} with each {@code secret:NAME} value replaced by that secret's value. */
    public Map<String, String> resolve(Map<String, String> env, String node) {
        Map<String, String> resolved = new LinkedHashMap<>();
        env.forEach((name, value) -> {
            if (value.startsWith(ContainerCall.SECRET)) {
                String secret = value.substring(ContainerCall.SECRET.length());
                String found = values.get(secret);
                if (found == null) {
                    throw new CoddException(ErrorCode.INVALID_ARGUMENT, "Node " + node + " has no secret named '"
                            + secret + "'");
                }
                resolved.put(name, found);
            } else {
                resolved.put(name, value);
            }
        });
        return resolved;
    }

    /**
     * Hides the values of the secrets {@code env} names wherever they appear in a text: what a
     * container writes to stderr ends up in error messages, logs and the audit log.
     */
    public UnaryOperator<String> redactor(Map<String, String> env) {
        Map<String, String> hidden = new LinkedHashMap<>();
        env.values().stream().filter(value -> value.startsWith(ContainerCall.SECRET))
                .map(value -> value.substring(ContainerCall.SECRET.length()))
                .filter(name -> values.containsKey(name) && !values.get(name).isEmpty())
                .forEach(name -> hidden.put(values.get(name), "[secret:" + name + "]"));
        return text -> {
            String redacted = text;
            for (Map.Entry<String, String> secret : hidden.entrySet()) {
                redacted = redacted == null ? null : redacted.replace(secret.getKey(), secret.getValue());
            }
            return redacted;
        };
    }

    /** The names only: a secret's value is never printed. */
    @Override
    public String toString() {
        return "Secrets" + values.keySet();
    }
}
