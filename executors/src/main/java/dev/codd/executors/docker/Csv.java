package dev.codd.executors.docker;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Comma-separated values as RFC 4180 writes them: a field with a comma, quote or line break is
 * quoted, a quote in it doubled. An empty unquoted field is NULL; {@code ""} is the empty string.
 */
final class Csv {
    /** The longest record read: a container that never ends a line must not exhaust the node's memory. */
    static final int MAX_RECORD_CHARS = 16 << 20;

    private Csv() {}

    /**
     * Writes a field, UTF-8 as it is: NULL as nothing, quoted when it needs it. Looking at bytes is
     * enough: no byte of a multi-byte UTF-8 character is a comma, quote or line break.
     */
    static void writeField(OutputStream out, byte[] value) throws IOException {
        if (value == null) {
            return;
        }
        boolean quote = value.length == 0;
        for (int i = 0; i < value.length && !quote; i++) {
            byte b = value[i];
            quote = b == ',' || b == '"' || b == '\n' || b == '\r';
        }
        if (!quote) {
            out.write(value);
            return;
        }
        out.write('"');
        int from = 0;
        for (int i = 0; i < value.length; i++) {
            if (value[i] == '"') {
                out.write(value, from, i + 1 - from); // the quote, then the quote again
                from = i;
            }
        }
        out.write(value, from, value.length - from);
        out.write('"');
    }

    /**
     * The next record's fields, null at the end of the input; {@code onLine} runs for each line
     * read, a quoted line break included.
     */
    static List<String> readRecord(TextInput in, Runnable onLine) throws IOException {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean inQuotes = false;
        int c = in.read();
        if (c < 0) {
            return null;
        }
        int read = 0;
        while (true) {
            if (++read > MAX_RECORD_CHARS) {
                throw new IllegalArgumentException("a record longer than " + (MAX_RECORD_CHARS >> 20) + " MiB");
            }
            if (inQuotes) {
                if (c < 0) {
                    throw new IllegalArgumentException("a quoted field is not closed");
                }
                if (c == '"') {
                    int next = in.read();
                    if (next == '"') {
                        field.append('"');
                    } else {
                        inQuotes = false;
                        c = next;
                        continue;
                    }
                } else {
                    if (c == '\n') {
                        onLine.run();
                    }
                    field.append((char) c);
                }
            } else if (c == ',' || c == '\n' || c < 0) {
                fields.add(quoted || field.length() > 0 ? field.toString() : null);
                field.setLength(0);
                quoted = false;
                if (c != ',') {
                    onLine.run();
                    return fields;
                }
            } else if (c == '"' && field.length() == 0 && !quoted) {
                quoted = true;
                inQuotes = true;
            } else if (c != '\r') {
                if (quoted) {
                    throw new IllegalArgumentException("text after a closing quote");
                }
                field.append((char) c);
            }
            c = in.read();
        }
    }
}
