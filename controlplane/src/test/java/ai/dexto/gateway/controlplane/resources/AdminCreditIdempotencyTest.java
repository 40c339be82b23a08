package ai.dexto.gateway.controlplane.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.controlplane.support.ControlPlaneHarness;
import ai.dexto.gateway.controlplane.support.Http;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminCreditIdempotencyTest {
    static final ControlPlaneHarness H = new ControlPlaneHarness();
    @RegisterExtension
    static final DropwizardAppExtension<?> APP = H.app;
    static final String ADMIN = ControlPlaneHarness.ADMIN_TOKEN;

    @AfterAll
    static void stopSim() {
        H.close();
    }

    @AfterEach
    void auditIsClean() {
        assertTrue(H.internal().get("/admin/audit", ADMIN).json().path("ok").asBoolean());
    }

    private static Http.Reply credit(String user, String key, String body) {
        return H.internal().send("POST", "/admin/users/" + user + "/credits", ADMIN, body,
                key == null ? Map.of() : Map.of("Idempotency-Key", key));
    }

    private static String balance(String user) {
        return H.api().get("/me/usage", H.jwt(user)).json().path("balance").asText();
    }

    @Test
    void theSameKeyAndBodyAnswersTheFirstAnswerWithoutASecondCredit() {
        String user = ControlPlaneHarness.newUserId();
        H.provision(user);
        String body = "{\"amount_usd\":\"7.50\",\"reason\":\"goodwill\"}";
        Http.Reply first = credit(user, "retry-1", body);
        assertEquals(200, first.status(), first.toString());
        Http.Reply again = credit(user, "retry-1", body);
        assertEquals(200, again.status());
        assertEquals(first.json(), again.json());
        assertEquals("17.50", balance(user));
        assertEquals(200, credit(user, null, body).status(), "without a key every call credits");
        assertEquals("25.00", balance(user));
    }

    @Test
    void theSameKeyWithAnotherBodyOrUserIs409AndChangesNothing() {
        String user = ControlPlaneHarness.newUserId();
        String other = ControlPlaneHarness.newUserId();
        H.provision(user);
        H.provision(other);
        assertEquals(200, credit(user, "k-2", "{\"amount_usd\":\"1\",\"reason\":\"a\"}").status());
        Http.Reply changed = credit(user, "k-2", "{\"amount_usd\":\"2\",\"reason\":\"a\"}");
        assertEquals(409, changed.status(), changed.toString());
        assertEquals("idempotency_key_reused", changed.json().path("error").path("code").asText());
        assertEquals(409, credit(user, "k-2", "{\"amount_usd\":\"1\",\"reason\":\"b\"}").status());
        assertEquals(409, credit(other, "k-2", "{\"amount_usd\":\"1\",\"reason\":\"a\"}").status());
        assertEquals(400, credit(user, "x".repeat(300), "{\"amount_usd\":\"1\",\"reason\":\"a\"}").status());
        assertEquals("11.00", balance(user));
        assertEquals("10.00", balance(other));
    }

    @Test
    void tenParallelRequestsWithOneKeyCreditOnce() throws Exception {
        String user = ControlPlaneHarness.newUserId();
        H.provision(user);
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Future<Http.Reply>> replies = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                replies.add(pool.submit(() -> credit(user, "parallel-" + user,
                        "{\"amount_usd\":\"3\",\"reason\":\"once\"}")));
            }
            Set<String> answers = new HashSet<>();
            for (Future<Http.Reply> r : replies) {
                Http.Reply reply = r.get(30, TimeUnit.SECONDS);
                assertEquals(200, reply.status(), reply.toString());
                answers.add(reply.json().toString());
            }
            assertEquals(1, answers.size(), answers.toString());
        } finally {
            pool.shutdownNow();
        }
        assertEquals("13.00", balance(user));
    }
}
