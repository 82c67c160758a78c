package io.keelson.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keelson.support.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/keelson, the launcher of the README and of the image, run for real under /bin/sh with a stand-in
 * {@code java} that prints what it was given: the JVM defaults, and a class-data cache recorded on the
 * first run, used on the next, recorded again (the old one removed) when the build changes, and thrown
 * away when the JVM did not end cleanly.
 */
class LauncherTest {

    @TempDir
    Path tmp;

    private Path app;
    private Path args;

    @BeforeEach
    void aBuildAndAStandInJava() throws IOException {
        app = Files.createDirectories(tmp.resolve("app"));
        Files.createDirectories(app.resolve("lib/main"));
        Files.createDirectories(app.resolve("lib/boot"));
        Files.createDirectories(app.resolve("quarkus"));
        Files.createDirectories(app.resolve("app"));
        Files.writeString(app.resolve("quarkus-run.jar"), "jar");
        Files.writeString(app.resolve("app/keelson.jar"), "v1");
        args = tmp.resolve("args");
        jdk("jdk17", "17.0.15");
        jdk("jdk25", "25.0.3");
    }

    /**
     * A stand-in JVM: prints its environment's MALLOC_ARENA_MAX and its arguments, writes the cache it is
     * asked to record (as a JVM does when it stops), and ends with $STUB_EXIT (a JVM stopped by SIGTERM
     * ends with 143, one killed with -9 with 137).
     */
    private void jdk(String name, String version) throws IOException {
        Path bin = Files.createDirectories(tmp.resolve(name + "/bin"));
        Files.writeString(tmp.resolve(name + "/release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + "\"\n");
        Path java = bin.resolve("java");
        Files.writeString(
                java,
                String.join(
                        "\n",
                        "#!/bin/sh",
                        "printf '%s\\n' \"MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX\" \"$@\" > '" + args + "'",
                        "for a; do",
                        "  case \"$a\" in -XX:ArchiveClassesAtExit=* | -XX:AOTCacheOutput=*) echo cache > \"${a#*=}\" ;; esac",
                        "done",
                        "if [ -n \"$STUB_RUN_UNTIL_TERM\" ]; then",
                        "  echo $$ > \"$STUB_RUN_UNTIL_TERM.pid\"",
                        "  trap 'echo stopped > \"$STUB_RUN_UNTIL_TERM\"; exit 143' TERM",
                        "  while :; do sleep 0.1; done",
                        "fi",
                        "exit ${STUB_EXIT:-0}",
                        ""));
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private List<String> launch(String jdk, Map<String, String> extra) throws IOException {
        Map<String, String> env = new HashMap<>(extra);
        env.put("KEELSON_APP", app.toString());
        env.put("JAVA", tmp.resolve(jdk + "/bin/java").toString());
        Shell.Result run = Shell.runWithEnv(null, env, "/bin/sh", "bin/keelson", "--some-arg");
        assertThat(run.exit())
                .as("the launcher ends as the JVM did: " + run.output())
                .isEqualTo(Integer.parseInt(extra.getOrDefault("STUB_EXIT", "0")));
        return Files.readAllLines(args);
    }

    @Test
    void theJvmIsSizedForASmallHostAndTheArgumentsPassThrough() throws IOException {
        List<String> given = launch("jdk17", Map.of("JAVA_OPTS", "-Dextra=1 -Xmx200m"));
        assertThat(given)
                .contains(
                        "MALLOC_ARENA_MAX=2",
                        "-XX:+UseSerialGC",
                        "-Xmx128m",
                        "-XX:TieredStopAtLevel=1",
                        "-XX:+ExitOnOutOfMemoryError",
                        "-Dextra=1")
                .endsWith("-jar", app.resolve("quarkus-run.jar").toString(), "--some-arg");
        // JAVA_OPTS come after the defaults, so the JVM takes them (the last of a repeated option wins).
        assertThat(given.indexOf("-Xmx200m")).isGreaterThan(given.indexOf("-Xmx128m"));
        assertThat(launch("jdk17", Map.of("KEELSON_HEAP", "256m"))).contains("-Xmx256m");
        assertThat(launch("jdk17", Map.of("KEELSON_JVM_DEFAULTS", "off", "KEELSON_CDS", "off")))
                .containsExactly(
                        "MALLOC_ARENA_MAX=",
                        "-jar",
                        app.resolve("quarkus-run.jar").toString(),
                        "--some-arg");
    }

    @Test
    void theCacheIsRecordedFirstUsedNextAndRecordedAgainWhenTheBuildChanges() throws IOException {
        String recording = option(launch("jdk17", Map.of("STUB_EXIT", "143")), "-XX:ArchiveClassesAtExit=");
        assertThat(recording)
                .startsWith(app + "/.recording-keelson-jdk17.0.15-")
                .endsWith(".jsa");
        Path cache = app.resolve(Path.of(recording).getFileName().toString().substring(".recording-".length()));
        assertThat(cache).as("a clean stop gives the cache its name").hasContent("cache");
        assertThat(Path.of(recording)).doesNotExist();

        assertThat(option(launch("jdk17", Map.of()), "-XX:SharedArchiveFile=")).isEqualTo(cache.toString());

        Files.writeString(app.resolve("app/keelson.jar"), "v2, a different size");
        String again = option(launch("jdk17", Map.of()), "-XX:ArchiveClassesAtExit=");
        assertThat(again).isNotEqualTo(recording).startsWith(app + "/.recording-keelson-jdk17.0.15-");
        assertThat(cache).as("the cache of the old build is removed").doesNotExist();
    }

    @Test
    void aCacheBeingWrittenWhenTheJvmIsKilledIsThrownAwayNotUsed() throws IOException {
        // A half-written archive makes the JVM die of SIGBUS at every start: it must never get the real name.
        String recording = option(launch("jdk17", Map.of("STUB_EXIT", "137")), "-XX:ArchiveClassesAtExit=");
        assertThat(Path.of(recording)).doesNotExist();
        try (var files = Files.list(app)) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.contains("keelson-jdk"));
        }
        assertThat(option(launch("jdk17", Map.of()), "-XX:ArchiveClassesAtExit="))
                .isEqualTo(recording);
    }

    @Test
    void aJvmWhoseRecordingLauncherIsKilledStopsToo() throws Exception {
        // The recording run keeps the launcher as the JVM's parent; kill -9 of that parent must not leave
        // a Keelson running on with nobody to stop it (setpriv's parent-death signal).
        assertThat(Path.of("/usr/bin/setpriv"))
                .as("util-linux's setpriv (Debian: essential)")
                .exists();
        Path stopped = tmp.resolve("stopped");
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "bin/keelson").redirectErrorStream(true);
        builder.redirectOutput(tmp.resolve("launcher.out").toFile());
        builder.environment().put("KEELSON_APP", app.toString());
        builder.environment().put("JAVA", tmp.resolve("jdk17/bin/java").toString());
        builder.environment().put("STUB_RUN_UNTIL_TERM", stopped.toString());
        Process launcher = builder.start();
        Path pid = Path.of(stopped + ".pid");
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(pid) && Files.size(pid) > 0);
            assertThat(option(Files.readAllLines(args), "-XX:ArchiveClassesAtExit="))
                    .contains(".recording-");
            launcher.destroyForcibly().waitFor();

            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(stopped));
        } finally {
            if (Files.exists(pid)) {
                Shell.run("kill", "-9", Files.readString(pid).trim());
            }
        }
    }

    @Test
    void onJdk25ItIsTheAheadOfTimeCacheAndItCanLiveElsewhere() throws IOException {
        Path dir = tmp.resolve("cache-dir");
        String recording = option(launch("jdk25", Map.of("KEELSON_CACHE_DIR", dir.toString())), "-XX:AOTCacheOutput=");
        assertThat(recording).startsWith(dir + "/.recording-keelson-jdk25.0.3-").endsWith(".aot");
        assertThat(option(launch("jdk25", Map.of("KEELSON_CACHE_DIR", dir.toString())), "-XX:AOTCache="))
                .isEqualTo(recording.replace(".recording-", ""));
    }

    @Test
    void withoutAPlaceToRecordItAndWithoutACacheItStartsWithNone() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "not a folder");
        List<String> given = launch(
                "jdk17", Map.of("KEELSON_CACHE_DIR", file.resolve("cache").toString()));
        assertThat(given).noneMatch(a -> a.contains("Archive") || a.contains("Shared"));
        assertThat(given).contains("-XX:+UseSerialGC");
        assertThat(launch("jdk17", Map.of("KEELSON_CDS", "off"))).noneMatch(a -> a.contains("Archive"));
    }

    @Test
    void withoutABuildItSaysWhatToRun() {
        Shell.Result run = Shell.runWithEnv(
                null, Map.of("KEELSON_APP", tmp.resolve("nothing").toString()), "/bin/sh", "bin/keelson");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.output()).contains("./mvnw -B -DskipTests package");
    }

    private static String option(List<String> args, String prefix) {
        return args.stream()
                .filter(a -> a.startsWith(prefix))
                .map(a -> a.substring(prefix.length()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + prefix + " in " + args));
    }
}
