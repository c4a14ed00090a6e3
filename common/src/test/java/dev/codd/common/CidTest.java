package dev.codd.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CidTest {
    /** The CIDs IPFS gives these contents with the raw codec (ipfs add --cid-version 1 --raw-leaves). */
    @Test
    void matchesIpfs() {
        assertEquals("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku", Cid.of(new byte[0]));
        assertEquals("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e",
                Cid.of("hello world".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void ofAFileIsOfItsContent(@TempDir Path dir) throws Exception {
        byte[] content = new byte[300_000];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 31);
        }
        Path file = Files.write(dir.resolve("f.bin"), content);
        assertEquals(Cid.of(content), Cid.of(file));
    }
}
