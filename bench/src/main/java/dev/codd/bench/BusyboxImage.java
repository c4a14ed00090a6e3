package dev.codd.bench;

import dev.codd.executors.docker.DockerSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * busybox as a Docker image, for the benchmarks and the tests: Debian's busybox-static imported as a
 * root filesystem, since no registry may be reachable to pull one. Both go through the {@code docker}
 * command that comes with the engine: docker-java's import of a stream ends it early ("unexpected
 * EOF" from the engine).
 */
public final class BusyboxImage {
    /** Where busybox-static puts its binary. */
    public static final Path BINARY = Path.of("/bin/busybox");

    private BusyboxImage() {}

    /** The engine's address, as DOCKER_HOST says or the default socket. */
    public static String defaultHost() {
        String host = System.getenv("DOCKER_HOST");
        return host == null || host.isBlank() ? DockerSettings.DEFAULT_HOST : host;
    }

    /** Whether an engine answers at {@code host}, as the {@code docker} command finds it; false without the command. */
    static boolean engineAnswers(String host) {
        try {
            return docker(host, null, "info").exitCode() == 0;
        } catch (IllegalStateException noCommand) {
            return false;
        }
    }

    /** Imports busybox as {@code tag} into the engine at {@code host}, unless the engine has that image already. */
    public static void ensure(String host, String tag) {
        Docker inspected = docker(host, null, "image", "inspect", "--format", "{{.Id}}", tag);
        if (inspected.exitCode() == 0) {
            return;
        }
        if (!inspected.output().contains("No such image")) { // no engine there, say
            throw new IllegalStateException("Cannot look for image " + tag + " at " + host + ": " + inspected.output().strip());
        }
        importAs(host, tag);
    }

    /** Imports busybox as {@code tag} into the engine at {@code host}. */
    public static void importAs(String host, String tag) {
        Docker imported = docker(host, rootfs(), "import", "-", tag);
        if (imported.exitCode() != 0) {
            throw new IllegalStateException("docker import of " + tag + " failed: " + imported.output().strip());
        }
    }

    private record Docker(int exitCode, String output) {}

    private static Docker docker(String host, byte[] stdin, String... arguments) {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("DOCKER_HOST", host);
        try {
            Process process = builder.start();
            try (var in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Docker(process.waitFor(), output);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run the docker command (install docker.io): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running docker " + arguments[0], e);
        }
    }

    /** A tar of a root filesystem: busybox, a link per applet, /etc/passwd with nobody, an empty /tmp. */
    private static byte[] rootfs() {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException("The busybox image is built from " + BINARY + ": install busybox-static");
        }
        try {
            Process list = new ProcessBuilder(BINARY.toString(), "--list").start();
            List<String> applets = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(applet -> !applet.equals("busybox")).toList();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                for (String directory : List.of("bin/", "etc/", "tmp/")) {
                    TarArchiveEntry entry = new TarArchiveEntry(directory);
                    entry.setMode(directory.equals("tmp/") ? 01777 : 0755);
                    tar.putArchiveEntry(entry);
                    tar.closeArchiveEntry();
                }
                file(tar, "bin/busybox", 0755, Files.readAllBytes(BINARY));
                for (String applet : applets) {
                    TarArchiveEntry link = new TarArchiveEntry("bin/" + applet, TarConstants.LF_SYMLINK);
                    link.setLinkName("busybox");
                    tar.putArchiveEntry(link);
                    tar.closeArchiveEntry();
                }
                file(tar, "etc/passwd", 0644, "root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n"
                        .getBytes(StandardCharsets.UTF_8));
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot build the busybox image: " + e.getMessage(), e);
        }
    }

    private static void file(TarArchiveOutputStream tar, String name, int mode, byte[] content) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setMode(mode);
        entry.setSize(content.length);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }
}
