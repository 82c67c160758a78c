package io.keelson.strategy.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;

/**
 * Reads a host's output line by line without ever holding more than {@code maxChars} of one line: a
 * longer line is cut (ending with "…") and the rest of it is skipped as it is read, so a host that
 * sends one endless line cannot fill Keelson's memory. Lines end at \n, \r or \r\n, as with
 * {@code BufferedReader.readLine}.
 */
final class BoundedLines {

    private final Reader reader;
    private final int maxChars;
    private final char[] buffer = new char[8192];
    private int position;
    private int limit;
    private boolean afterCarriageReturn;

    BoundedLines(InputStream stream, int maxChars) {
        this.reader = new InputStreamReader(stream, StandardCharsets.UTF_8);
        this.maxChars = maxChars;
    }

    /** The next line, cut to {@code maxChars}; null at the end of the stream. */
    String next() throws IOException {
        StringBuilder line = new StringBuilder();
        boolean cut = false;
        while (true) {
            if (position == limit) {
                limit = reader.read(buffer);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    return line.isEmpty() && !cut ? null : ended(line, cut);
                }
            }
            char c = buffer[position++];
            if (afterCarriageReturn) {
                afterCarriageReturn = false;
                if (c == '\n') {
                    continue;
                }
            }
            if (c == '\n' || c == '\r') {
                afterCarriageReturn = c == '\r';
                return ended(line, cut);
            }
            if (line.length() < maxChars) {
                line.append(c);
            } else {
                cut = true;
            }
        }
    }

    private String ended(StringBuilder line, boolean cut) {
        if (cut) {
            line.setLength(maxChars - 1);
            line.append('…');
        }
        return line.toString();
    }
}
