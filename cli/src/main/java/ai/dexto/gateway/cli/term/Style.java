package ai.dexto.gateway.cli.term;

/** ANSI styles, or nothing at all when colour is off (pipes, {@code NO_COLOR}). */
public final class Style {
    private final boolean on;

    public Style(boolean on) {
        this.on = on;
    }

    public boolean on() {
        return on;
    }

    public String bold(String s) {
        return wrap("1", s);
    }

    public String dim(String s) {
        return wrap("2", s);
    }

    public String red(String s) {
        return wrap("31", s);
    }

    public String green(String s) {
        return wrap("32", s);
    }

    public String yellow(String s) {
        return wrap("33", s);
    }

    public String cyan(String s) {
        return wrap("36", s);
    }

    private String wrap(String code, String s) {
        return on ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
    }
}
