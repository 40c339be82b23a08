package ai.dexto.gateway.dataplane;

import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar dataplane/target/dexto-dataplane.jar}: configured by environment (see
 * {@code docs/contracts.md}), prints {@code GATEWAY READY url=… ops=…} once listening, and on SIGINT
 * stops accepting and drains the journal before exiting.
 */
public final class GatewayMain {
    private GatewayMain() {
    }

    public static void main(String[] args) throws Exception {
        GatewayConfig config = GatewayConfig.fromEnv(System.getenv());
        Gateway gateway = Gateway.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                gateway.close();
                System.out.println("GATEWAY STOPPED");
                System.out.flush();
            } finally {
                stopped.countDown();
            }
        }, "dexto-shutdown"));
        System.out.println("GATEWAY READY url=" + gateway.url() + " ops=" + gateway.opsUrl()
                + " transport=" + gateway.transport() + " node=" + config.nodeId());
        System.out.flush();
        stopped.await();
    }
}
