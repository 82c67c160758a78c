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
    void theConfigurationHasAFrontendAndTwoSlotsPerRoute() {
        String cfg = EdgeConfig.render(List.of(new EdgeRoute("web", "", 8080, 8000)), r -> "10.0.0.2:8000");

        assertThat(cfg)
                .contains("frontend web-8080\n    bind :8080 backlog 4096\n    tcp-request inspect-delay 80s\n"
                        + "    tcp-request content lua.keelson_hold\n    tcp-request content accept\n")
                .contains("    server blue 10.0.0.2:8000\n    server green 127.0.0.1:8000 disabled\n")
                .contains("lua-load " + EdgeConfig.HOLD_SCRIPT);
        assertThatThrownBy(() -> EdgeCommands.switchTo(
                        new EdgeRoute("web", "", 8080, 8000), "green", "1.2.3.4; shutdown", "blue"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void openConnectionsAreReadFromTheStats() {
        String stat = """
                # pxname,svname,qcur,qmax,scur,smax,slim
                web-8080,FRONTEND,,,3,9,4096
                web-8080,blue,0,0,2,5,
                web-8080,green,0,0,0,1,
                web-8080,BACKEND,0,0,2,5,
                """;
        EdgeRoute route = new EdgeRoute("web", "", 8080, 8000);

        assertThat(EdgeStats.openConnections(stat, route, "blue")).isEqualTo(2);
        assertThat(EdgeStats.openConnections(stat, route, "green")).isZero();
        assertThat(EdgeStats.openConnections(stat, new EdgeRoute("api", "", 9090, 9000), "blue"))
                .isEqualTo(-1);
    }
}
