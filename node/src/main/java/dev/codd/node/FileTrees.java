package dev.codd.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Directories made for a while (generated data, a benchmark's clusters), removed whole after. */
public final class FileTrees {
    private FileTrees() {}

    /** Deletes {@code root} and everything under it; nothing if it is gone already. */
    public static void delete(Path root) throws IOException {
        if (Files.notExists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /**
     * Deletes {@code root} like {@link #delete}, for a program that is done with it: what is left is
     * only named on stderr after {@code program}, as there is nothing else to do about it.
     */
    public static void deleteOrWarn(Path root, String program) {
        try {
            delete(root);
        } catch (IOException e) {
            System.err.println(program + ": could not remove " + root + ": " + e.getMessage());
        }
    }
}
