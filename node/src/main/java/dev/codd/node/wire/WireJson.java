package dev.codd.node.wire;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import java.io.IOException;
import java.util.List;

/** The JSON encoding of wire records. */
public final class WireJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .configure(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, false)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private WireJson() {}

    public static byte[] write(Object message) {
        try {
            return MAPPER.writeValueAsBytes(message);
        } catch (IOException e) {
            throw new CoddException(ErrorCode.INTERNAL_ERROR, "Cannot encode " + message.getClass().getSimpleName(), e);
        }
    }

    /** The message as indented JSON, for people to read (and for files they may open). */
    public static byte[] writePretty(Object message) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(message);
        } catch (IOException e) {
            throw new CoddException(ErrorCode.INTERNAL_ERROR, "Cannot encode " + message.getClass().getSimpleName(), e);
        }
    }

    /** Reads a JSON array of messages. */
    public static <T> List<T> readList(byte[] bytes, Class<T> type) {
        try {
            return MAPPER.readValue(bytes, MAPPER.getTypeFactory().constructCollectionType(List.class, type));
        } catch (IOException | RuntimeException e) {
            throw new CoddException(ErrorCode.INVALID_ARGUMENT, "Malformed list of " + type.getSimpleName() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Reads a message that came over the network; malformed input is the sender's error. */
    public static <T> T read(byte[] bytes, Class<T> type) {
        try {
            return MAPPER.readValue(bytes, type);
        } catch (IOException | RuntimeException e) {
            throw new CoddException(ErrorCode.INVALID_ARGUMENT,
                    "Malformed " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
