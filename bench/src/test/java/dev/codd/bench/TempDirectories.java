package dev.codd.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The temporary directories a benchmark makes, to check that it removes them. */
final class TempDirectories {
    private TempDirectories() {}

    /** The names in the temporary directory (this module's build directory, as its pom sets) that start with {@code prefix}. */
    static Set<String> named(String prefix) throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.map(file -> file.getFileName().toString()).filter(name -> name.startsWith(prefix))
                    .collect(Collectors.toSet());
        }
    }
}
