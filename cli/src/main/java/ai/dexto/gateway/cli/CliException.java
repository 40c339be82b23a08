package ai.dexto.gateway.cli;

/** A failure to report in one line and exit with {@link #exitCode()} (see {@link ExitCodes}). */
public final class CliException extends RuntimeException {
    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    public static CliException notSignedIn(String message) {
        return new CliException(ExitCodes.NOT_SIGNED_IN, message);
    }

    public static CliException usage(String message) {
        return new CliException(ExitCodes.USAGE, message);
    }
}
