package dev.codd.tests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/** The records in an audit log's directory, for tests to look into. */
final class AuditRecords {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AuditRecords() {}

    /** Every whole record of the log in {@code directory}, oldest first; one being written is left out. */
    static List<JsonNode> read(Path directory) throws IOException {
        List<JsonNode> records = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path segment : files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).sorted().toList()) {
                String[] lines = Files.readString(segment, StandardCharsets.UTF_8).split("\n", -1);
                for (String line : Arrays.asList(lines).subList(0, lines.length - 1)) { // the last is after the last newline
                    records.add(JSON.readTree(line));
                }
            }
        }
        return records;
    }
}
