package ai.dexto.gateway.e2e;

/**
 * One running system for all end-to-end test classes of a run: starting embedded PostgreSQL, the
 * control plane and the gateway takes seconds, and every test provisions its own user, so tests do not
 * see each other's money. Stopped when the test JVM exits.
 */
final class SharedSystem {
    private static LocalSystem system;

    private SharedSystem() {
    }

    static synchronized LocalSystem get() throws Exception {
        if (system == null) {
            system = LocalSystem.start();
            LocalSystem started = system;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "e2e-system-stop"));
        }
        return system;
    }
}
