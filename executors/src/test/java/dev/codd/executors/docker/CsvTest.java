package dev.codd.executors.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CsvTest {
    private static String written(String value) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Csv.writeField(out, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    private static List<List<String>> records(String text, AtomicInteger lines) throws IOException {
        TextInput in = new TextInput(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        List<List<String>> records = new ArrayList<>();
        for (List<String> record = Csv.readRecord(in, lines::incrementAndGet); record != null;
                record = Csv.readRecord(in, lines::incrementAndGet)) {
            records.add(record);
        }
        return records;
    }

    @Test
    void fieldsAreQuotedOnlyWhenTheyNeedIt() throws IOException {
        assertEquals("plain", written("plain"));
        assertEquals("", written(null));
        assertEquals("\"\"", written(""));
        assertEquals("\"with, comma\"", written("with, comma"));
        assertEquals("\"say \"\"hi\"\"\"", written("say \"hi\""));
        assertEquals("\"\"\"\"", written("\""));
        assertEquals("\"two\nlines\"", written("two\nlines"));
        assertEquals("\"cr\r\"", written("cr\r"));
        assertEquals("\"grüße, 東京\"", written("grüße, 東京"));
        assertEquals("grüße東京", written("grüße東京"));
    }

    @Test
    void whatIsWrittenReadsBackAsItWas() throws IOException {
        List<String> values = Arrays.asList("plain", null, "", "with, comma", "say \"hi\"", "\"", "two\nlines", "grüße, 東京");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            Csv.writeField(out, values.get(i) == null ? null : values.get(i).getBytes(StandardCharsets.UTF_8));
        }
        out.write('\n');
        AtomicInteger lines = new AtomicInteger();
        assertEquals(List.of(values), records(out.toString(StandardCharsets.UTF_8), lines));
        assertEquals(2, lines.get(), "the quoted line break counts as a line");
    }

    @Test
    void recordsEndAtLineBreaksCrLfOrTheEnd() throws IOException {
        AtomicInteger lines = new AtomicInteger();
        assertEquals(List.of(List.of("a", "b"), List.of("c", "d"), Arrays.asList("e", null)),
                records("a,b\r\nc,d\ne,", lines));
        assertEquals(3, lines.get());
        List<List<String>> empty = records("", new AtomicInteger());
        assertEquals(List.of(), empty);
    }

    @Test
    void malformedRecordsAreRefusedSayingWhy() {
        assertEquals("a quoted field is not closed", assertThrows(IllegalArgumentException.class,
                () -> records("\"open,1\n", new AtomicInteger())).getMessage());
        assertEquals("text after a closing quote", assertThrows(IllegalArgumentException.class,
                () -> records("\"a\"b,1\n", new AtomicInteger())).getMessage());
    }

    @Test
    void aRecordLongerThanTheLimitIsRefused() {
        String longLine = "x".repeat(Csv.MAX_RECORD_CHARS + 1);
        assertEquals("a record longer than 16 MiB", assertThrows(IllegalArgumentException.class,
                () -> records(longLine, new AtomicInteger())).getMessage());
    }

    @Test
    void textInputReadsAcrossItsBuffer() throws IOException {
        String text = "é".repeat(70_000) + "z";
        TextInput in = new TextInput(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        StringBuilder read = new StringBuilder();
        for (int c = in.read(); c >= 0; c = in.read()) {
            read.append((char) c);
        }
        assertEquals(text, read.toString());
        assertNull(Csv.readRecord(in, () -> { }), "the end stays the end");
    }
}
