package dev.codd.bench;

import dev.codd.node.tpch.TpchData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * TPC-H data for a benchmark that runs Codd inside its own JVM, written by another JVM: the
 * generator keeps a 300 MiB text pool for good, and in the benchmark's heap it would keep G1
 * marking all the time, a cost that has nothing to do with what is measured.
 */
final class TpchFiles {
    private TpchFiles() {}

    /** {@code SCALE-FACTOR NODE-DIRECTORY...}: what {@link TpchData#writeSharded} takes. */
    public static void main(String[] args) {
        try {
            TpchData.writeSharded(Double.parseDouble(args[0]), Arrays.stream(args).skip(1).map(Path::of).toList());
        } catch (RuntimeException e) {
            System.out.println(e.getMessage());
            System.exit(1);
        }
    }

    /** {@link TpchData#writeSharded}, in a child JVM from this JVM's class path; what it prints is shown if it fails. */
    static void writeSharded(double scaleFactor, List<Path> nodeDirectories) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(ProcessCluster.java(TpchFiles.class.getName()));
        command.add(Double.toString(scaleFactor));
        nodeDirectories.forEach(directory -> command.add(directory.toString()));
        Process writer = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(writer.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (writer.waitFor() != 0) {
                throw new IllegalStateException("Writing the TPC-H data failed: " + output.strip());
            }
        } finally {
            writer.destroyForcibly(); // when this thread was interrupted: the directories are deleted next
            writer.waitFor();
        }
    }
}
