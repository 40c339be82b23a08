package ai.dexto.gateway.cli.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * JSON out, for {@code --json}: maps (in insertion order), lists, strings, numbers, booleans, null,
 * pretty-printed, one document per command. Money is written as decimal strings ({@code "9.99"}),
 * never as floating-point numbers.
 */
public final class JsonOut {
    private JsonOut() {
    }

    public static void print(PrintStream out, Object value) {
        try {
            JsonGenerator g = Json.FACTORY.createGenerator(out);
            g.setPrettyPrinter(new DefaultPrettyPrinter());
            write(g, value);
            g.flush();
            out.println();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(JsonGenerator g, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                g.writeFieldName(e.getKey().toString());
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (value instanceof List<?> list) {
            g.writeStartArray();
            for (Object item : list) {
                write(g, item);
            }
            g.writeEndArray();
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value instanceof BigDecimal d) {
            g.writeString(d.toPlainString());
        } else if (value instanceof Number n) {
            g.writeNumber(n.longValue());
        } else {
            g.writeString(value.toString());
        }
    }
}
