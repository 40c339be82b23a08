package ai.dexto.gateway.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SimMainTest {
    private static SimConfig parse(String... args) {
        SimMain main = new SimMain();
        new CommandLine(main).parseArgs(args);
        return main.toConfig();
    }

    @Test
    void optionsMapOntoTheConfig() {
        SimConfig config = parse("--port", "0", "--stripe-port", "0", "--provisioning-key", "pk",
                "--stripe-secret-key", "sk_test_x", "--stripe-webhook-url", "http://127.0.0.1:1/hook",
                "--stripe-webhook-secret", "whsec_x", "--ttft-ms", "5", "--inter-token-ms", "2",
                "--answer-tokens", "9", "--byok", "--io-threads", "1");
        assertEquals(0, config.openRouterPort());
        assertEquals("pk", config.provisioningKey());
        assertEquals("sk_test_x", config.stripeSecretKey());
        assertEquals("http://127.0.0.1:1/hook", config.stripeWebhookUrl());
        assertEquals("whsec_x", config.stripeWebhookSecret());
        assertEquals(5, config.timeToFirstTokenMillis());
        assertEquals(2, config.interTokenMillis());
        assertEquals(9, config.answerTokens());
        assertTrue(config.byok());
        assertEquals(1, config.ioThreads());
    }

    @Test
    void defaultsFollowTheContractWhenTheEnvironmentIsSilent() {
        if (System.getenv("DEXTO_SIM_PORT") != null || System.getenv("DEXTO_STRIPE_WEBHOOK_URL") != null) {
            return;
        }
        SimConfig config = parse();
        assertEquals(8090, config.openRouterPort());
        assertEquals(8091, config.stripePort());
        assertEquals("127.0.0.1", config.host());
        assertEquals(20, config.answerTokens());
        assertNull(config.stripeWebhookUrl());
    }
}
