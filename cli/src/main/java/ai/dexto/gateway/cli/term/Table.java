package ai.dexto.gateway.cli.term;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A plain text table: a header and rows, columns padded to their widest cell (by code points). */
public final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    public Table(String... header) {
        this.columns = header.length;
        rows.add(header);
    }

    public Table row(String... cells) {
        rows.add(cells);
        return this;
    }

    public boolean isEmpty() {
        return rows.size() == 1;
    }

    public void print(PrintStream out, Style style) {
        int[] width = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], length(row[i]));
            }
        }
        for (int r = 0; r < rows.size(); r++) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                String cell = rows.get(r)[i] == null ? "" : rows.get(r)[i];
                line.append(i == 0 ? "" : "  ").append(cell);
                if (i < columns - 1) {
                    line.append(" ".repeat(width[i] - length(cell)));
                }
            }
            out.println(r == 0 ? style.bold(line.toString()) : line.toString());
        }
    }

    private static int length(String s) {
        return s == null ? 0 : s.codePointCount(0, s.length());
    }
}
