package dev.codd.tests;

import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.codd.executors.docker.DockerSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Assumptions;

/**
 * The Docker engine the tests use, and their image: busybox (Debian's busybox-static) imported as
 * a root filesystem, since no registry is reachable. Without an engine the tests skip, unless
 * {@code codd.require.docker} is set (CI sets it), when they fail.
 */
final class TestImages {
    static final String BUSYBOX = "codd-test/busybox:1";
    private static final Path BUSYBOX_BINARY = Path.of("/bin/busybox");

    private TestImages() {}

    /** The engine's address, as DOCKER_HOST says or the default socket. */
    static String host() {
        String host = System.getenv("DOCKER_HOST");
        return host == null || host.isBlank() ? DockerSettings.DEFAULT_HOST : host;
    }

    /** A client of the engine, with the test image loaded; skips or fails the test when there is no engine. */
    static DockerClient engineWithImages() {
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host()).build();
        DockerClient client = DockerClientImpl.getInstance(config,
                new ApacheDockerHttpClient.Builder().dockerHost(config.getDockerHost()).build());
        try {
            client.pingCmd().exec();
        } catch (RuntimeException e) {
            String why = "no Docker engine at " + host() + " (" + e.getMessage() + ")";
            if (Boolean.getBoolean("codd.require.docker")) {
                fail(why + "; codd.require.docker is set: start dockerd");
            }
            Assumptions.abort(why + ": the Docker tests skip");
        }
        try {
            client.inspectImageCmd(BUSYBOX).exec();
        } catch (NotFoundException e) {
            importImage(busyboxRootfs());
        }
        return client;
    }

    /**
     * {@code docker import} of a root filesystem, through the CLI that comes with the engine:
     * docker-java's import of a stream ends it early ("unexpected EOF" from the engine).
     */
    private static void importImage(byte[] rootfs) {
        try {
            ProcessBuilder builder = new ProcessBuilder("docker", "import", "-", BUSYBOX).redirectErrorStream(true);
            builder.environment().put("DOCKER_HOST", host());
            Process process = builder.start();
            try (var stdin = process.getOutputStream()) {
                stdin.write(rootfs);
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                fail("docker import of the test image failed: " + output);
            }
        } catch (IOException e) {
            fail("Cannot run docker import for the test image: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("Interrupted while importing the test image");
        }
    }

    /** A tar of a root filesystem: busybox, a link per applet, /etc/passwd with nobody, an empty /tmp. */
    private static byte[] busyboxRootfs() {
        if (!Files.isExecutable(BUSYBOX_BINARY)) {
            fail("The Docker tests build their image from " + BUSYBOX_BINARY + ": install busybox-static");
        }
        try {
            Process list = new ProcessBuilder(BUSYBOX_BINARY.toString(), "--list").start();
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
                byte[] binary = Files.readAllBytes(BUSYBOX_BINARY);
                TarArchiveEntry busybox = new TarArchiveEntry("bin/busybox");
                busybox.setMode(0755);
                busybox.setSize(binary.length);
                tar.putArchiveEntry(busybox);
                tar.write(binary);
                tar.closeArchiveEntry();
                for (String applet : applets) {
                    TarArchiveEntry link = new TarArchiveEntry("bin/" + applet, TarConstants.LF_SYMLINK);
                    link.setLinkName("busybox");
                    tar.putArchiveEntry(link);
                    tar.closeArchiveEntry();
                }
                byte[] passwd = "root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n"
                        .getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry entry = new TarArchiveEntry("etc/passwd");
                entry.setMode(0644);
                entry.setSize(passwd.length);
                tar.putArchiveEntry(entry);
                tar.write(passwd);
                tar.closeArchiveEntry();
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot build the busybox image", e);
        }
    }
}
