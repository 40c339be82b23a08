package ai.dexto.gateway.cli;

/** The exit codes scripts can rely on (README, "dexto CLI"). */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int ERROR = 1;
    public static final int USAGE = 2;
    public static final int NOT_SIGNED_IN = 4;
    public static final int INSUFFICIENT_CREDITS = 5;

    private ExitCodes() {
    }
}
