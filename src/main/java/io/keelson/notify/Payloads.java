package io.keelson.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keelson.deploy.DeploymentView;
import io.keelson.strategy.UnitChange;
import java.util.stream.Collectors;

/** The bodies a notification sends: Keelson's JSON, or a Slack-compatible message. Built from the deployment only, which holds no secret. */
public final class Payloads {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Payloads() {}

    public static ObjectNode json(DeploymentView d, String link) {
        ObjectNode body = JSON.createObjectNode();
        body.put("event", "deployment.ended");
        body.put("target", d.target());
        body.put("status", d.status().name());
        body.put("trigger", d.trigger().name());
        body.put("deployment", d.id());
        body.put("link", link);
        body.put("requestedBy", d.requestedBy());
        body.put("reason", d.reason());
        body.put("error", d.error());
        body.put("startedAt", d.startedAt() == null ? null : d.startedAt().toString());
        body.put("finishedAt", d.finishedAt() == null ? null : d.finishedAt().toString());
        if (d.pipeline() == null) {
            body.putNull("pipeline");
        } else {
            body.putObject("pipeline")
                    .put("project", d.pipeline().project())
                    .put("id", d.pipeline().id())
                    .put("commit", d.pipeline().commit())
                    .put("ref", d.pipeline().ref())
                    .put("url", d.pipeline().url());
        }
        if (d.override() == null) {
            body.putNull("override");
        } else {
            body.putObject("override")
                    .put("reason", d.override().reason())
                    .put("by", d.override().by());
        }
        ArrayNode changes = body.putArray("changes");
        for (UnitChange c : d.changes()) {
            changes.addObject()
                    .put("host", c.host())
                    .put("unit", c.unit())
                    .put("image", c.image())
                    .put("fromDigest", c.fromDigest())
                    .put("toDigest", c.toDigest())
                    .put("status", c.status().name());
        }
        return body;
    }

    public static ObjectNode slack(DeploymentView d, String link) {
        StringBuilder text = new StringBuilder()
                .append(icon(d))
                .append(" Keelson: deployment of *")
                .append(d.target())
                .append("* ")
                .append(d.status().name())
                .append(" (")
                .append(d.trigger().name().toLowerCase());
        if (d.requestedBy() != null) {
            text.append(", by ").append(plain(d.requestedBy()));
        }
        if (d.pipeline() != null && d.pipeline().project() != null) {
            text.append(", pipeline ")
                    .append(plain(d.pipeline().project()))
                    .append(" #")
                    .append(plain(d.pipeline().id()));
        }
        text.append(")");
        if (d.override() != null) {
            text.append("\nPolicy overridden by ")
                    .append(plain(d.override().by()))
                    .append(": ")
                    .append(plain(d.override().reason()));
        }
        text.append(d.changes().stream()
                .map(c -> "\n• " + c.unit() + " on " + c.host() + ": " + shortDigest(c.fromDigest()) + " → "
                        + shortDigest(c.toDigest()) + " " + c.status())
                .collect(Collectors.joining()));
        if (d.error() != null) {
            text.append("\n").append(d.error());
        }
        text.append("\n<").append(link).append("|deployment ").append(d.id()).append(">");
        return JSON.createObjectNode().put("text", text.toString());
    }

    private static String icon(DeploymentView d) {
        return switch (d.status()) {
            case SUCCEEDED -> ":white_check_mark:";
            case ROLLED_BACK -> ":leftwards_arrow_with_hook:";
            default -> ":x:";
        };
    }

    private static String shortDigest(String digest) {
        return digest == null ? "none" : digest.length() > 19 ? digest.substring(0, 19) + "…" : digest;
    }

    /**
     * A caller's text as Slack shows it literally: {@code &}, {@code <} and {@code >} escaped as
     * Slack asks, and its markup characters taken out, so a pipeline name cannot add links or mentions.
     */
    static String plain(String text) {
        if (text == null) {
            return null;
        }
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replaceAll("[*_~`]", "");
    }
}
