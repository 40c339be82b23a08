package ai.dexto.gateway.dataplane;

import static ai.dexto.gateway.dataplane.AuthBeforeBodyIT.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.money.Money;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Requests that two parsers could read differently are refused (issue 12, item 5): ambiguous framing
 * and bad header lines get 400 and the connection is closed (nothing after them can be trusted to
 * start a request); a chat body with duplicate keys or invalid UTF-8 gets 400 before anything is
 * priced or sent upstream. Each case through a real socket, with a valid key.
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpHygieneIT {
    static final String USER = "user-hygiene";
    GatewayFixture f;
    String key;

    @BeforeAll
    void start() throws Exception {
        f = GatewayFixture.start(b -> { });
        key = f.addUser(USER, Money.ofUsd(5), "unlimited");
    }

    @AfterAll
    void stop() {
        f.close();
    }

    private String head(String framing) {
        return "POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: application/json\r\n" + framing + "\r\n";
    }

    /** Each case: the bytes a client sends. */
    private Map<String, String> badFraming() {
        String body = GatewayFixture.body(false, 5);
        String chunked = Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n";
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("Content-Length with Transfer-Encoding",
                head("Content-Length: " + body.length() + "\r\nTransfer-Encoding: chunked\r\n") + chunked);
        cases.put("Transfer-Encoding with Content-Length",
                head("Transfer-Encoding: chunked\r\nContent-Length: " + body.length() + "\r\n") + chunked);
        cases.put("two different Content-Lengths",
                head("Content-Length: " + body.length() + "\r\nContent-Length: " + (body.length() + 1) + "\r\n") + body);
        cases.put("one Content-Length listing two values",
                head("Content-Length: " + body.length() + ", " + (body.length() + 1) + "\r\n") + body);
        cases.put("a Content-Length that is not a number", head("Content-Length: 12abc\r\n") + body);
        cases.put("a header line without a colon", head("Content-Length: " + body.length() + "\r\nNo colon here\r\n") + body);
        cases.put("whitespace between a header name and its colon",
                head("Content-Length : " + body.length() + "\r\n") + body);
        cases.put("a header line ending in a bare LF", head("Content-Length: " + body.length() + "\r\nX-Bare: lf\n") + body);
        cases.put("a request line that is not HTTP/1.1", "POST /v1/chat/completions HTTP/1.1 extra\r\nHost: gateway\r\n\r\n");
        return cases;
    }

    @Test
    void ambiguousFramingAndBadHeaderLinesAre400AndCloseTheConnection() throws Exception {
        for (Map.Entry<String, String> c : badFraming().entrySet()) {
            try (RawClient client = RawClient.connect(f.gateway.port())) {
                RawClient.Response r = client.send(c.getValue()).read();
                assertError(r, 400, "bad_request");
                assertEquals("close", r.header("connection"), c.getKey());
                assertTrue(client.closedByPeerWithin(Duration.ofSeconds(5)), c.getKey() + ": the connection is closed");
            } catch (AssertionError e) {
                throw new AssertionError(c.getKey() + ": " + e.getMessage(), e);
            }
        }
        f.assertBilledExactly(USER, Money.ofUsd(5));
    }

    @Test
    void anOversizedHeaderIs400AndClosesTheConnection() throws Exception {
        try (RawClient client = RawClient.connect(f.gateway.port())) {
            RawClient.Response r = client.send(head("X-Padding: " + "p".repeat(20_000) + "\r\nContent-Length: 2\r\n") + "{}").read();
            assertError(r, 400, "request_header_too_large");
            assertEquals("close", r.header("connection"));
            assertTrue(client.closedByPeerWithin(Duration.ofSeconds(5)));
        }
        try (RawClient client = RawClient.connect(f.gateway.port())) {
            RawClient.Response r = client.send("GET /v1/models?" + "q".repeat(9_000) + " HTTP/1.1\r\nHost: gateway\r\n\r\n").read();
            assertError(r, 400, "request_header_too_large");
            assertTrue(client.closedByPeerWithin(Duration.ofSeconds(5)), "an oversized request line too");
        }
    }

    @Test
    void aChunkedBodyWithABrokenChunkIsRefusedNotTakenAsEndedThere() throws Exception {
        String body = GatewayFixture.body(false, 5);
        for (String broken : new String[] {"zz\r\n", "5;\u0001\r\nabcde\r\n", "-1\r\n", "fffffffffffffffff\r\n"}) {
            try (RawClient client = RawClient.connect(f.gateway.port())) {
                // a whole chat body in the first chunk, then a chunk whose size line is broken
                RawClient.Response r = client.send(head("Transfer-Encoding: chunked\r\n") + Integer.toHexString(body.length())
                        + "\r\n" + body + "\r\n" + broken + "0\r\n\r\n").read();
                assertError(r, 400, "bad_request");
                assertEquals("close", r.header("connection"), broken);
                assertTrue(client.closedByPeerWithin(Duration.ofSeconds(5)), "the connection is closed");
            } catch (AssertionError e) {
                throw new AssertionError("after a chunk " + broken.trim() + ": " + e.getMessage(), e);
            }
        }
        f.assertBilledExactly(USER, Money.ofUsd(5));
    }

    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            out.writeBytes(p instanceof byte[] b ? b : p.toString().getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    @Test
    void duplicateKeysAndInvalidUtf8InAChatBodyAre400() throws Exception {
        String m = GatewayFixture.MODEL;
        Map<String, byte[]> bodies = new LinkedHashMap<>();
        bodies.put("a duplicate top-level key (priced one model, sent another)", bytes("{\"model\":\"" + m
                + "\",\"model\":\"openai/gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"));
        bodies.put("a duplicate max_tokens", bytes("{\"model\":\"" + m + "\",\"max_tokens\":5,\"max_tokens\":100000,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"));
        bodies.put("a duplicate key inside a message", bytes("{\"model\":\"" + m
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\",\"content\":\"y\"}]}"));
        bodies.put("an invalid UTF-8 byte", bytes("{\"model\":\"" + m + "\",\"messages\":[{\"role\":\"user\",\"content\":\"",
                new byte[] {(byte) 0xC3, 0x28}, "\"}]}"));
        bodies.put("an overlong UTF-8 encoding", bytes("{\"model\":\"" + m + "\",\"messages\":[{\"role\":\"user\",\"content\":\"",
                new byte[] {(byte) 0xC0, (byte) 0xAF}, "\"}]}"));
        bodies.put("a UTF-8-encoded surrogate", bytes("{\"model\":\"" + m + "\",\"messages\":[{\"role\":\"user\",\"content\":\"",
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, "\"}]}"));
        bodies.put("a truncated UTF-8 sequence", bytes("{\"model\":\"" + m + "\",\"messages\":[{\"role\":\"user\",\"content\":\"",
                new byte[] {(byte) 0xE2, (byte) 0x82}, "\"}]}"));
        try (RawClient client = RawClient.connect(f.gateway.port())) {
            for (Map.Entry<String, byte[]> b : bodies.entrySet()) {
                client.send(RawClient.chatHead(key, b.getValue().length)).send(b.getValue());
                RawClient.Response r = client.read();
                try {
                    assertError(r, 400, "invalid_request_error");
                } catch (AssertionError e) {
                    throw new AssertionError(b.getKey() + ": " + e.getMessage(), e);
                }
            }
            RawClient.Response ok = client.send(RawClient.chat(key, GatewayFixture.body(false, 5))).read();
            assertEquals(200, ok.status(), "the connection stays usable after a refused body: " + ok.body());
        }
        f.assertBilledExactly(USER, Money.ofUsd(5) );
    }
}
