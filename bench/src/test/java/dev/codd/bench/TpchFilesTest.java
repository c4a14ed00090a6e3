package dev.codd.bench;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The child JVM that writes TPC-H data for a benchmark says why it failed. */
class TpchFilesTest {
    @Test
    void aChildThatCannotWriteTheDataSaysWhy(@TempDir Path root) throws Exception {
        Path notADirectory = Files.writeString(root.resolve("a-file"), "");
        IllegalStateException failed = assertThrows(IllegalStateException.class,
                () -> TpchFiles.writeSharded(0.001, List.of(notADirectory.resolve("node1"))));
        assertTrue(failed.getMessage().startsWith("Writing the TPC-H data failed: Cannot write TPC-H data:"), failed.getMessage());
        assertTrue(failed.getMessage().contains("a-file"), failed.getMessage());
    }
}
