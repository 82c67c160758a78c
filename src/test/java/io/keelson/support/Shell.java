package io.keelson.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a local command for a test (docker CLI), with its output. */
public final class Shell {

    /** Exit status and combined output. */
    public record Result(int exit, String output) {
        public String require() {
            if (exit != 0) {
                throw new IllegalStateException("command failed (" + exit + "): " + output);
            }
            return output;
        }
    }

    private Shell() {}

    public static Result run(String... argv) {
        return runWithEnv(null, java.util.Map.of(), argv);
    }

    /** The same with {@code stdin} written to the command's standard input. */
    public static Result runWithStdin(String stdin, String... argv) {
        return execute(null, java.util.Map.of(), stdin, argv);
    }

    /** The same in {@code dir} (null: the current one) with extra environment variables. */
    public static Result runWithEnv(java.nio.file.Path dir, java.util.Map<String, String> env, String... argv) {
        return execute(dir, env, null, argv);
    }

    private static Result execute(
            java.nio.file.Path dir, java.util.Map<String, String> env, String stdin, String... argv) {
        List<String> command = List.of(argv);
        if (argv[0].equals("docker")) {
            // Debian's client, matched to Debian's engine (another client may sit earlier in PATH).
            command = new java.util.ArrayList<>(command);
            command.set(
                    0,
                    java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/docker"))
                            ? "/usr/bin/docker"
                            : "docker");
        }
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            if (dir != null) {
                pb.directory(dir.toFile());
            }
            pb.environment().putAll(env);
            Process p = pb.start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return new Result(-1, out + "\n(timed out)");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, e.toString());
        }
    }
}
