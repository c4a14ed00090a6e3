package dev.codd.node.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.codd.common.CoddException;
import dev.codd.common.ErrorCode;
import org.apache.arrow.flight.CallStatus;
import org.junit.jupiter.api.Test;

class WireErrorsTest {
    private static CoddException fromNode(String message, String node) {
        return WireErrors.fromNode(WireErrors.toFlight(new CoddException(ErrorCode.FRAGMENT_REFUSED, message)),
                ErrorCode.NODE_FAILED, node);
    }

    @Test
    void aNodesErrorKeepsItsCodeAndSaysWhichNodeSentIt() {
        CoddException error = fromNode("Table t has no shard abc", "site-a");
        assertEquals("Node site-a: Table t has no shard abc", error.getMessage());
        assertEquals(ErrorCode.FRAGMENT_REFUSED, error.errorCode());
    }

    @Test
    void aMessageThatNamesTheNodeDoesNotGetItTwice() {
        assertEquals("Node site-a does not run image 'x:1'", fromNode("Node site-a does not run image 'x:1'", "site-a").getMessage());
        assertEquals("Container x:1 on node site-a exited with code 1",
                fromNode("Container x:1 on node site-a exited with code 1", "site-a").getMessage());
    }

    @Test
    void anotherNodesNameIsNotThisOne() {
        assertEquals("Node node1: Node node10 cannot reach its Docker engine",
                fromNode("Node node10 cannot reach its Docker engine", "node1").getMessage());
        assertEquals("Node site: Image 'x' is not on node site-a", fromNode("Image 'x' is not on node site-a", "site").getMessage());
        assertEquals("Node a: Image 'x' is not on node a:1", fromNode("Image 'x' is not on node a:1", "a").getMessage());
        assertEquals("Node a: Image 'x' is not on node a.b", fromNode("Image 'x' is not on node a.b", "a").getMessage());
        assertEquals("Node a: Image 'x' is not on node A", fromNode("Image 'x' is not on node A", "a").getMessage(),
                "names are case-sensitive");
    }

    @Test
    void theNameMayEndASentenceOrAClause() {
        assertEquals("It stopped on node n1.", fromNode("It stopped on node n1.", "n1").getMessage());
        assertEquals("Image 'x' is not on node a:1: load it", fromNode("Image 'x' is not on node a:1: load it", "a:1").getMessage());
    }

    @Test
    void aFailureWithoutCoddsCodeGetsTheFallbackCode() {
        CoddException error = WireErrors.fromNode(CallStatus.INTERNAL.withDescription("boom").toRuntimeException(),
                ErrorCode.NODE_FAILED, "site-a");
        assertEquals("Node site-a: boom", error.getMessage());
        assertEquals(ErrorCode.NODE_FAILED, error.errorCode());
    }
}
