package io.keelson.strategy.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lines from a host are read within a bound, whatever their length. */
class BoundedLinesTest {

    @Test
    void linesEndAtNewlineCarriageReturnOrBoth() throws IOException {
        assertThat(read("a\nb\r\nc\rd\n\ne", 100)).containsExactly("a", "b", "c", "d", "", "e");
    }

    @Test
    void aLineLongerThanTheBoundIsCutAndItsRestSkipped() throws IOException {
        assertThat(read("x".repeat(50) + "\nnext\n", 10)).containsExactly("xxxxxxxxx…", "next");
    }

    @Test
    void anEndlessLineIsReadInBoundedMemory() throws IOException {
        // 256 MiB of one line, never held: the stream is generated as it is read.
        InputStream endless = new InputStream() {
            private long left = 1L << 28;

            @Override
            public int read() {
                return left-- > 0 ? 'y' : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                Arrays.fill(b, off, off + n, (byte) 'y');
                left -= n;
                return n;
            }
        };
        BoundedLines lines = new BoundedLines(endless, 4000);

        String line = lines.next();

        assertThat(line).hasSize(4000).endsWith("y…");
        assertThat(lines.next()).isNull();
    }

    private static List<String> read(String text, int max) throws IOException {
        BoundedLines lines = new BoundedLines(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), max);
        List<String> all = new ArrayList<>();
        for (String line; (line = lines.next()) != null; ) {
            all.add(line);
        }
        return all;
    }
}
