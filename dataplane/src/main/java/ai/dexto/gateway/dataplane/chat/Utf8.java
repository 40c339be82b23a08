package ai.dexto.gateway.dataplane.chat;

import io.netty.buffer.ByteBuf;

/**
 * Checks that a body is UTF-8 JSON text as the upstream will read it: well-formed UTF-8 (no overlong
 * forms, surrogates or code points past U+10FFFF), no NUL byte (which also rules out UTF-16/32, which
 * the JSON parser would otherwise detect and accept) and no byte-order mark. ASCII, the common case,
 * is checked eight bytes at a time.
 */
final class Utf8 {
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long ONES = 0x0101010101010101L;

    private Utf8() {
    }

    static boolean isValidJsonText(ByteBuf b) {
        int i = b.readerIndex();
        int end = b.writerIndex();
        if (end - i >= 1 && (b.getByte(i) & 0x80) != 0) {
            return false; // a BOM or any non-ASCII first byte: JSON text starts with ASCII
        }
        while (i < end) {
            if (end - i >= 8) {
                long w = b.getLong(i);
                boolean ascii = (w & HIGH_BITS) == 0;
                boolean hasZero = ((w - ONES) & ~w & HIGH_BITS) != 0;
                if (ascii && !hasZero) {
                    i += 8;
                    continue;
                }
            }
            int c = b.getByte(i) & 0xFF;
            if (c < 0x80) {
                if (c == 0) {
                    return false;
                }
                i++;
                continue;
            }
            int n;
            int min;
            int cp;
            if (c >= 0xC2 && c <= 0xDF) {
                n = 1;
                min = 0x80;
                cp = c & 0x1F;
            } else if (c >= 0xE0 && c <= 0xEF) {
                n = 2;
                min = 0x800;
                cp = c & 0x0F;
            } else if (c >= 0xF0 && c <= 0xF4) {
                n = 3;
                min = 0x10000;
                cp = c & 0x07;
            } else {
                return false;
            }
            if (end - i <= n) {
                return false;
            }
            for (int k = 1; k <= n; k++) {
                int cc = b.getByte(i + k) & 0xFF;
                if ((cc & 0xC0) != 0x80) {
                    return false;
                }
                cp = (cp << 6) | (cc & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return false;
            }
            i += n + 1;
        }
        return true;
    }
}
