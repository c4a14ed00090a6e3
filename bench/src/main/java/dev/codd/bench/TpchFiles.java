package dev.codd.bench;

import dev.codd.node.tpch.TpchData;
import java.io.IOException;
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
        TpchData.writeSharded(Double.parseDouble(args[0]), Arrays.stream(args).skip(1).map(Path::of).toList());
    }

    /** {@link TpchData#writeSharded}, in a child JVM from this JVM's class path. */
    static void writeSharded(double scaleFactor, List<Path> nodeDirectories) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(ProcessCluster.java(TpchFiles.class.getName()));
        command.add(Double.toString(scaleFactor));
        nodeDirectories.forEach(directory -> command.add(directory.toString()));
        Process writer = new ProcessBuilder(command).inheritIO().start();
        if (writer.waitFor() != 0) {
            throw new IllegalStateException("Writing the TPC-H data failed (exit " + writer.exitValue() + "); see above");
        }
    }
}
