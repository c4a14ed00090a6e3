package dev.codd.executors;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** The file formats a node reads as table shards, by file extension. */
public enum FileFormat {
    PARQUET("read_parquet", ".parquet"),
    CSV("read_csv", ".csv"),
    JSON("read_json", ".json", ".jsonl", ".ndjson");

    private final String reader;
    private final String[] extensions;

    FileFormat(String reader, String... extensions) {
        this.reader = reader;
        this.extensions = extensions;
    }

    /** DuckDB's table function that reads this format. */
    public String reader() {
        return reader;
    }

    public static Optional<FileFormat> of(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        for (FileFormat format : values()) {
            for (String extension : format.extensions) {
                if (name.endsWith(extension)) {
                    return Optional.of(format);
                }
            }
        }
        return Optional.empty();
    }
}
