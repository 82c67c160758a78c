package io.keelson.support;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load from Debian's {@code hey}, counting every answer that is not 200 and every socket error as
 * failed. 60 requests/s (3 clients at 20/s): every request through a deployment is counted, and the
 * suite's other tests keep their share of two cores (bench/handover.sh runs the 200/s of the goal).
 */
public final class Load {

    /** What hey saw: requests answered 200, every other answer or error, and its report. */
    public record Seen(int ok, int failed, String report) {}

    private Load() {}

    /** hey running until {@link #stop}: load across steps of unknown length. */
    public static final class Running {
        private final Process process;
        private final java.util.concurrent.CompletableFuture<String> output;

        private Running(Process process) {
            this.process = process;
            this.output = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                } catch (java.io.IOException e) {
                    return e.toString();
                }
            });
        }

        /** Interrupts hey (SIGINT: it stops sending and reports) and reads what it saw. */
        public Seen stop() {
            Shell.run("kill", "-INT", String.valueOf(process.pid()));
            try {
                return seen(output.get(70, java.util.concurrent.TimeUnit.SECONDS));
            } catch (Exception e) {
                process.destroyForcibly();
                // What the edge holds open then: the requests hey still waits for.
                String sessions = Shell.run(
                                "docker",
                                "exec",
                                "keelson-edge",
                                "/usr/share/keelson-edge/edge",
                                "api",
                                "show sess all")
                        .output();
                String holds = Shell.run("docker", "exec", "keelson-edge", "/usr/share/keelson-edge/edge", "holds")
                        .output();
                throw new IllegalStateException(
                        "hey did not report within 70 s of its interrupt: " + e
                                + "\nedge holds: " + holds + "\nedge sessions:\n"
                                + sessions.substring(0, Math.min(sessions.length(), 20000)),
                        e);
            }
        }
    }

    /** 3 clients at 20 requests/s each against {@code url} until {@link Running#stop}. */
    public static Running start(String url, String... options) {
        List<String> argv = new ArrayList<>(List.of("hey", "-z", "600s", "-c", "3", "-q", "20", "-t", "20"));
        argv.addAll(List.of(options));
        argv.add(url);
        try {
            return new Running(
                    new ProcessBuilder(argv).redirectErrorStream(true).start());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot run hey (scripts/test-env.sh installs it): " + e.getMessage(), e);
        }
    }

    /** {@code seconds} of 3 clients at 20 requests/s each against {@code url}. */
    public static Seen hey(String url, int seconds, String... options) {
        List<String> argv = new ArrayList<>(List.of("hey", "-z", seconds + "s", "-c", "3", "-q", "20", "-t", "20"));
        argv.addAll(List.of(options));
        argv.add(url);
        return seen(Shell.run(argv.toArray(String[]::new)).output());
    }

    private static Seen seen(String out) {
        int ok = 0;
        int failed = 0;
        Matcher codes = Pattern.compile("\\[(\\d{3})]\\s+(\\d+) responses").matcher(out);
        while (codes.find()) {
            if (codes.group(1).equals("200")) {
                ok += Integer.parseInt(codes.group(2));
            } else {
                failed += Integer.parseInt(codes.group(2));
            }
        }
        int errors = out.indexOf("Error distribution:");
        if (errors >= 0) {
            Matcher counts = Pattern.compile("\\[(\\d+)]").matcher(out.substring(errors));
            while (counts.find()) {
                failed += Integer.parseInt(counts.group(1));
            }
        }
        return new Seen(ok, failed, out);
    }
}
