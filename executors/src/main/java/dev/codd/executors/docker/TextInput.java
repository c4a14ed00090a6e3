package dev.codd.executors.docker;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;

/**
 * A container's stdout as UTF-8 text, read a character at a time: the parsers read every character
 * this way, and a BufferedReader takes a lock for each.
 */
final class TextInput {
    private final Reader decoder;
    private final char[] buffer = new char[1 << 16];
    private int position;
    private int limit;

    TextInput(InputStream in) {
        this.decoder = new InputStreamReader(in, StandardCharsets.UTF_8);
    }

    /** The next character, or -1 at the end. */
    int read() throws IOException {
        if (position == limit) {
            int read = decoder.read(buffer, 0, buffer.length);
            if (read <= 0) {
                return -1; // read() blocks until it has a character: 0 is never returned
            }
            position = 0;
            limit = read;
        }
        return buffer[position++];
    }
}
