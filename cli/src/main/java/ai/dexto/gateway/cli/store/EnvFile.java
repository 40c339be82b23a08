package ai.dexto.gateway.cli.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ~/.dexto/.env} (0600): one {@code DEXTO_API_KEY=…} line among whatever else the user keeps
 * there. Only that line is ever written or removed; every other line is left as it was.
 */
public final class EnvFile {
    private static final String KEY = "DEXTO_API_KEY";
    private final Path file;

    public EnvFile(Path home) {
        this.file = home.resolve(".env");
    }

    public Path path() {
        return file;
    }

    public String apiKey() {
        String text = PrivateFiles.read(file);
        if (text == null) {
            return null;
        }
        for (String line : text.split("\n", -1)) {
            String l = line.trim();
            if (l.startsWith("export ")) {
                l = l.substring(7).trim();
            }
            if (l.startsWith(KEY + "=")) {
                String value = l.substring(KEY.length() + 1).trim();
                if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                        || value.startsWith("'") && value.endsWith("'"))) {
                    value = value.substring(1, value.length() - 1);
                }
                return value.isEmpty() ? null : value;
            }
        }
        return null;
    }

    public void setApiKey(String key) {
        List<String> lines = otherLines();
        lines.add(KEY + "=" + key);
        PrivateFiles.write(file, String.join("\n", lines) + "\n");
    }

    /** Removes the key line only if it still holds {@code key}; deletes the file if nothing else was in it. */
    public boolean removeApiKeyIf(String key) {
        if (key == null || !key.equals(apiKey())) {
            return false;
        }
        List<String> lines = otherLines();
        if (lines.stream().allMatch(String::isBlank)) {
            PrivateFiles.delete(file);
        } else {
            PrivateFiles.write(file, String.join("\n", lines) + "\n");
        }
        return true;
    }

    private List<String> otherLines() {
        List<String> lines = new ArrayList<>();
        String text = PrivateFiles.read(file);
        if (text != null) {
            for (String line : text.split("\n", -1)) {
                String l = line.trim();
                if (l.startsWith(KEY + "=") || l.startsWith("export " + KEY + "=")) {
                    continue;
                }
                lines.add(line);
            }
            while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
                lines.remove(lines.size() - 1);
            }
        }
        return lines;
    }
}
