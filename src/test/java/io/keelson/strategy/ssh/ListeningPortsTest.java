package io.keelson.strategy.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ListeningPortsTest {

    @Test
    void onlySocketsInStateListenCount() {
        String tables = """
                  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
                   0: 0100007F:08AE 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1
                   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 2 1
                  sl  local_address                         remote_address                        st tx_queue
                   0: 00000000000000000000000000000000:4E20 00000000000000000000000000000000:0000 0A 00000000:00000000
                """;

        assertThat(ListeningPorts.parse(tables)).containsExactlyInAnyOrder(2222, 20000);
    }
}
