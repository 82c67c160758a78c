package io.keelson.strategy.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ComposeFilesTest {

    @Test
    void readsTheVersionAndEachServicesImage() {
        ComposeFiles.Model model = ComposeFiles.parse("""
                services:
                  bot:
                    image: registry.example.com/bot:latest
                  builder:
                    build: .
                version: '3.8'
                """);
        assertThat(model.version()).isEqualTo("3.8");
        assertThat(model.images())
                .containsEntry("bot", "registry.example.com/bot:latest")
                .containsEntry("builder", null);
    }

    @Test
    void readsWhatEachServicePublishesAndWhichSetAContainerName() {
        ComposeFiles.Model model = ComposeFiles.parse("""
                services:
                  web:
                    image: r/web
                    ports: ["127.0.0.1:8080:8000/tcp", "9000:9000", "3000"]
                  api:
                    image: r/api
                    container_name: api
                    ports:
                      - target: 80
                        published: 8081
                """);

        assertThat(model.published().get("web")).containsExactlyInAnyOrder(8080, 9000);
        assertThat(model.published().get("api")).containsExactly(8081);
        assertThat(model.named()).containsExactly("api");
    }

    @Test
    void theOverrideKeepsTheVersionAndPinsEachServiceRoundTrip() {
        String yaml = ComposeFiles.renderOverride("3.8", Map.of("web", "r/web@sha256:bb", "bot", "r/bot@sha256:aa"));

        assertThat(yaml).startsWith("# Written by Keelson");
        assertThat(yaml).contains("version: \"3.8\"");
        ComposeFiles.Model back = ComposeFiles.parse(yaml);
        assertThat(back.version()).isEqualTo("3.8");
        assertThat(back.images())
                .containsExactly(Map.entry("bot", "r/bot@sha256:aa"), Map.entry("web", "r/web@sha256:bb"));
    }
}
