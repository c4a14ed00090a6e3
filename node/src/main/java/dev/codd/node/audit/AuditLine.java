package dev.codd.node.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * One record of an audit log as one line of JSON:
 *
 * <pre>{"seq":7,"time":"…","type":"query.finished","data":{…},"prev":"&lt;hash of record 6&gt;","hash":"&lt;own&gt;"}</pre>
 *
 * The hash is the SHA-256 of the line's own bytes up to {@code "prev"}'s value, closed with
 * {@code }}: whatever changes in a record changes its hash, and each record names the one before.
 */
record AuditLine(long seq, String time, String type, JsonNode data, String prev, String hash) {
    /** The {@code prev} of the first record of a log. */
    static final String GENESIS = "0".repeat(64);
    private static final String HASH_FIELD = ",\"hash\":\"";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** One digest per thread: looking one up costs more than hashing a record. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    });

    /** The part of a record that does not depend on its place in the log: written before the log is locked. */
    static String body(String type, Map<String, ?> data) {
        StringBuilder body = new StringBuilder(256).append(",\"type\":");
        string(body, type);
        json(body.append(",\"data\":"), data);
        return body.toString();
    }

    /**
     * Writes {@code value} as JSON: the plain values records hold (text, whole numbers, booleans,
     * enums, maps, lists) directly, a few times faster than Jackson's general path; anything else
     * (fractions, records) by Jackson.
     */
    private static void json(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String text) {
            string(out, text);
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte
                || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Enum<?> constant) {
            string(out, constant.name());
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            String separator = "";
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                string(out.append(separator), String.valueOf(entry.getKey()));
                json(out.append(':'), entry.getValue());
                separator = ",";
            }
            out.append('}');
        } else if (value instanceof Collection<?> list) {
            out.append('[');
            String separator = "";
            for (Object element : list) {
                json(out.append(separator), element);
                separator = ",";
            }
            out.append(']');
        } else {
            try {
                out.append(JSON.writeValueAsString(value));
            } catch (IOException e) {
                throw new IllegalArgumentException("Cannot write audit data " + value, e);
            }
        }
    }

    /** A JSON string: quotes, backslashes and control characters escaped, the rest as it is. */
    private static void string(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** The line of a record whose {@link #body} is written; {@code time} and {@code prev} need no escaping. */
    static String format(long seq, String time, String body, String prev) {
        String content = "{\"seq\":" + seq + ",\"time\":\"" + time + "\"" + body + ",\"prev\":\"" + prev + "\"";
        return content + HASH_FIELD + sha256(content + "}") + "\"}";
    }

    /** The hash a line written by {@link #format} states. */
    static String hashOf(String line) {
        return line.substring(line.length() - 66, line.length() - 2);
    }

    /** The record a line holds, if it is one; its hash is read, not trusted: see {@link #intact}. */
    static Optional<Parsed> parse(String line) {
        int at = line.lastIndexOf(HASH_FIELD);
        if (at < 0 || !line.endsWith("\"}") || line.length() != at + HASH_FIELD.length() + 64 + 2) {
            return Optional.empty();
        }
        String content = line.substring(0, at);
        try {
            JsonNode node = JSON.readTree(content + "}");
            if (!node.path("seq").canConvertToLong() || !node.path("prev").isTextual() || !node.path("type").isTextual()) {
                return Optional.empty();
            }
            AuditLine record = new AuditLine(node.get("seq").asLong(), node.path("time").asText(),
                    node.get("type").asText(), node.path("data"), node.get("prev").asText(),
                    line.substring(at + HASH_FIELD.length(), line.length() - 2));
            return Optional.of(new Parsed(record, sha256(content + "}")));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A parsed line with the hash its content has now. */
    record Parsed(AuditLine line, String computedHash) {
        /** Whether the record is as it was written: its stated hash is its content's. */
        boolean intact() {
            return line.hash().equals(computedHash);
        }
    }

    static String sha256(String text) {
        return HexFormat.of().formatHex(SHA256.get().digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
