package dev.codd.tests;

import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.codd.bench.BusyboxImage;
import org.junit.jupiter.api.Assumptions;

/**
 * The Docker engine the tests use, and their image, {@link BusyboxImage}. Without an engine the
 * tests skip, unless {@code codd.require.docker} is set (CI sets it), when they fail.
 */
final class TestImages {
    static final String BUSYBOX = "codd-test/busybox:1";

    private TestImages() {}

    /** The engine's address, as DOCKER_HOST says or the default socket. */
    static String host() {
        return BusyboxImage.defaultHost();
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
            BusyboxImage.importAs(host(), BUSYBOX);
        }
        return client;
    }
}
