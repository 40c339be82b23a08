package ai.dexto.gateway.dataplane;

import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar dataplane/target/dexto-dataplane.jar}: configured by environment (see
 * {@code docs/contracts.md}), prints {@code GATEWAY READY url=… ops=…} once listening, and on SIGINT
 * or SIGTERM stops accepting, lets open streams finish for the grace period, settles the rest and
 * drains the journal before exiting. Development secrets are accepted only with {@code DEXTO_ENV=local}.
 */
public final class GatewayMain {
    private GatewayMain() {
    }

    public static void main(String[] args) throws Exception {
        GatewayConfig config = GatewayConfig.fromEnv(System.getenv());
        List<String> dev = config.developmentDefaultsInUse();
        if (!dev.isEmpty() && !"local".equals(System.getenv("DEXTO_ENV"))) {
            System.err.println("gateway: refusing to start with development secrets outside a local run (DEXTO_ENV=local): "
                    + "set " + String.join(", ", dev));
            System.exit(2);
        }
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
