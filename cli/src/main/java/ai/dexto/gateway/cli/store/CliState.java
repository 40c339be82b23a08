package ai.dexto.gateway.cli.store;

import ai.dexto.gateway.cli.json.Json;
import ai.dexto.gateway.cli.json.JsonOut;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code ~/.dexto/cli-state.json}: what the CLI remembers between runs (when it last warned of a low balance). */
public final class CliState {
    private final Path file;

    public CliState(Path home) {
        this.file = home.resolve("cli-state.json");
    }

    public long lowBalanceWarnedAt() {
        String text = PrivateFiles.read(file);
        if (text == null) {
            return 0;
        }
        try {
            return Json.number(Json.object(text), "lowBalanceWarnedAt", 0);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    public void lowBalanceWarned(long epochMillis) {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("lowBalanceWarnedAt", epochMillis);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        JsonOut.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), state);
        PrivateFiles.write(file, bytes.toString(StandardCharsets.UTF_8));
    }
}
