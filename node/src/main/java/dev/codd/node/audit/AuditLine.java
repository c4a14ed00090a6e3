package dev.codd.node.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
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
    /**
     * The most bytes a record's type and data take: a line stays well under what DuckDB reads as one
     * JSON object (16 MiB, for {@code sys.audit}), and a reader may hold a line in memory.
     */
    static final int MAX_BODY_BYTES = 8 << 20;
    /** The most bytes a line of a log holds: the body and what every record has besides (seq, time, hashes). */
    static final int MAX_LINE_BYTES = MAX_BODY_BYTES + 1024;
    private static final String HASH_FIELD = ",\"hash\":\"";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] HASH_START = HASH_FIELD.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LINE_END = {'"', '}', '\n'};
    private static final HexFormat HEX = HexFormat.of();
    /** One digest per thread: looking one up costs more than hashing a record. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    });

    /**
     * The part of a record that does not depend on its place in the log, as UTF-8: built before the
     * log is locked.
     */
    static byte[] body(String type, Map<String, ?> data) {
        StringBuilder body = new StringBuilder(256).append(",\"type\":");
        string(body, type);
        json(body.append(",\"data\":"), data);
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The body of a record whose {@link #body} is over {@link #MAX_BODY_BYTES}: its largest entries
     * of {@code data}, as few as make it fit, each replaced by {@code {"elided":{"bytes":N,"sha256":H}}},
     * the size and SHA-256 of its JSON; what is small (who, when, which query) is kept as it is.
     */
    static byte[] elided(String type, Map<String, ?> data) {
        Map<String, String> values = new LinkedHashMap<>();
        data.forEach((key, value) -> {
            StringBuilder json = new StringBuilder();
            json(json, value);
            values.put(key, json.toString());
        });
        long bytes = body(type, Map.of()).length;
        for (Map.Entry<String, String> entry : values.entrySet()) {
            bytes += entry.getKey().length() + entry.getValue().getBytes(StandardCharsets.UTF_8).length + 4;
        }
        List<String> largestFirst = values.keySet().stream()
                .sorted(Comparator.comparingInt((String key) -> values.get(key).length()).reversed()).toList();
        for (String key : largestFirst) {
            if (bytes <= MAX_BODY_BYTES) {
                break;
            }
            byte[] json = values.get(key).getBytes(StandardCharsets.UTF_8);
            String elided = "{\"elided\":{\"bytes\":" + json.length + ",\"sha256\":\""
                    + HEX.formatHex(SHA256.get().digest(json)) + "\"}}";
            bytes += elided.length() - json.length;
            values.put(key, elided);
        }
        StringBuilder body = new StringBuilder(256).append(",\"type\":");
        string(body, type);
        body.append(",\"data\":{");
        String separator = "";
        for (Map.Entry<String, String> entry : values.entrySet()) {
            string(body.append(separator), entry.getKey());
            body.append(':').append(entry.getValue());
            separator = ",";
        }
        byte[] elided = body.append('}').toString().getBytes(StandardCharsets.UTF_8);
        if (elided.length <= MAX_BODY_BYTES) {
            return elided;
        }
        // so many entries that even elided they do not fit (no record has them): the data is elided whole
        StringBuilder json = new StringBuilder();
        json(json, data);
        byte[] whole = json.toString().getBytes(StandardCharsets.UTF_8);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("bytes", whole.length);
        summary.put("sha256", HEX.formatHex(SHA256.get().digest(whole)));
        return body(type, Map.of("elided", summary));
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
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            out.append(((Number) value).longValue());
        } else if (value instanceof Boolean flag) {
            out.append(flag.booleanValue());
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

    /**
     * A JSON string: quotes, backslashes and control characters escaped, the rest as it is; the runs
     * between them are copied whole, as most texts (SQL, names) have none.
     */
    private static void string(StringBuilder out, String text) {
        out.append('"');
        int from = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
                out.append(text, from, i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> out.append(String.format("\\u%04x", (int) c));
                }
                from = i + 1;
            }
        }
        out.append(text, from, text.length()).append('"');
    }

    /** A record as the log holds it: its line's bytes (newline included) and its hash. */
    record Encoded(byte[] bytes, String hash) {}

    /**
     * The line of a record whose {@link #body} is written, hashed as its bytes are put together:
     * {@code time} and {@code prev} are ASCII and need no escaping.
     */
    static Encoded encode(long seq, String time, byte[] body, String prev) {
        byte[] start = ("{\"seq\":" + seq + ",\"time\":\"" + time + "\"").getBytes(StandardCharsets.US_ASCII);
        byte[] end = (",\"prev\":\"" + prev + "\"").getBytes(StandardCharsets.US_ASCII);
        MessageDigest digest = SHA256.get();
        digest.update(start);
        digest.update(body);
        digest.update(end);
        digest.update((byte) '}');
        String hash = HEX.formatHex(digest.digest());
        byte[] line = new byte[start.length + body.length + end.length + HASH_START.length + hash.length() + LINE_END.length];
        int at = put(line, 0, start);
        at = put(line, at, body);
        at = put(line, at, end);
        at = put(line, at, HASH_START);
        at = put(line, at, hash.getBytes(StandardCharsets.US_ASCII));
        put(line, at, LINE_END);
        return new Encoded(line, hash);
    }

    private static int put(byte[] line, int at, byte[] part) {
        System.arraycopy(part, 0, line, at, part.length);
        return at + part.length;
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
        return HEX.formatHex(SHA256.get().digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
