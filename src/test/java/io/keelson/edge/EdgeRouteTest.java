package io.keelson.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class EdgeRouteTest {

    @Test
    void portsAreWrittenAsDockerWritesThem() {
        assertThat(EdgeRoute.parse("bot", "8080:8000")).isEqualTo(new EdgeRoute("bot", "", 8080, 8000));
        assertThat(EdgeRoute.parse("bot", "127.0.0.1:8080:8000"))
                .isEqualTo(new EdgeRoute("bot", "127.0.0.1", 8080, 8000));
        for (String bad : List.of("8080", "8080:8000/udp", "x:8080:8000", "70000:80", "8080:8000;reboot", "")) {
            assertThatThrownBy(() -> EdgeRoute.parse("bot", bad)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new EdgeRoute("bot\nstats", "", 80, 80)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRouteFileHasAFrontendAndTwoSlots() {
        String cfg = RouteFile.route(new EdgeRoute("web", "", 8080, 8000), "shop", "green", "10.0.0.2:8000");

        assertThat(cfg)
                .contains("target shop, unit web")
                .contains("frontend web-8080\n    bind 0.0.0.0:8080 backlog 4096\n    tcp-request inspect-delay 80s\n"
                        + "    tcp-request content lua.keelson_hold\n")
                .contains("    tcp-request content set-dst var(txn.keelson_ip) if { var(txn.keelson_ip) -m found }\n")
                .contains("    use-server released if { var(txn.keelson_ip) -m found }\n")
                .contains("    server blue 127.0.0.1:8000 disabled\n    server green 10.0.0.2:8000\n"
                        + "    server released 0.0.0.0:0 weight 0\n");
        assertThat(RouteFile.route(new EdgeRoute("web", "127.0.0.1", 8080, 8000), "shop", "blue", null))
                .contains("bind 127.0.0.1:8080 ")
                .contains("    server blue 127.0.0.1:8000 disabled\n    server green 127.0.0.1:8000 disabled\n");
        assertThatThrownBy(() -> EdgeCommands.switchTo(
                        new EdgeRoute("web", "", 8080, 8000), "green", "1.2.3.4; shutdown", "blue"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void slotsAndOpenConnectionsAreReadFromTheStats() {
        String stat = """
                Name: HAProxy
                Version: 2.6.12-1+deb12u4
                Pid: 4711

                # pxname,svname,qcur,qmax,scur,smax,slim,stot,econ,eresp,status,addr
                web-8080,FRONTEND,,,3,9,4096,40,,,OPEN,
                web-8080,blue,0,0,2,5,,30,1,0,DRAIN,10.0.0.2:8000
                web-8080,green,0,0,0,1,,10,0,2,no check,10.0.0.3:8000
                web-8080,BACKEND,0,0,2,5,,40,1,2,UP,
                """;
        EdgeRoute route = new EdgeRoute("web", "", 8080, 8000);
        EdgeStats stats = EdgeStats.parse(stat);

        assertThat(stats.worker()).isEqualTo("4711");
        assertThat(stats.has(route)).isTrue();
        assertThat(stats.slots(route).get("blue").open()).isEqualTo(2);
        assertThat(stats.slots(route).get("blue").failed()).isEqualTo(1);
        assertThat(stats.serving(route).orElseThrow().name()).isEqualTo("green");
        assertThat(stats.serving(route).orElseThrow().ip()).isEqualTo("10.0.0.3");
        assertThat(stats.has(new EdgeRoute("api", "", 9090, 9000))).isFalse();
        assertThat(EdgeStats.parse("Unknown command").serving(route)).isEmpty();
        assertThat(EdgeStats.parse("Unknown command").worker()).isEmpty();
    }
}
