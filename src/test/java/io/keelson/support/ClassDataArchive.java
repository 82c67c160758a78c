package io.keelson.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * One class-data archive per Keelson build for the JVMs the tests start (replicas, killed and
 * restarted processes; about 30 a run): with it a start costs ~1.3 s less CPU (7.4 → 6.1 s measured
 * on an idle machine), and the suite is CPU-bound. The first JVM started for a build records it
 * while it runs and writes it when it stops cleanly; the others start without one until then. A JVM
 * killed while recording leaves nothing, and the next start records again. Archives live in
 * {@code target/test-cds} (never in the build's folder, which the image copies); a name carries the
 * jar's size and time, so a rebuilt jar never meets an archive of another build.
 */
public final class ClassDataArchive {

    /** The JVM options for one start, and what to do once that JVM ended. */
    public record Use(List<String> options, Path recording, Path archive) {

        /** Keeps the recording if the JVM ended as a stop asks it to (then the archive is whole). */
        public void whenEnded(Process process) {
            if (recording == null) {
                return;
            }
            process.onExit().thenAccept(ended -> {
                try {
                    int exit = ended.exitValue();
                    if ((exit == 0 || exit == 143) && Files.size(recording) > 0) {
                        Files.move(recording, archive, StandardCopyOption.ATOMIC_MOVE);
                    } else {
                        Files.deleteIfExists(recording);
                    }
                } catch (IOException e) {
                    // no archive this time: the next start records again
                } finally {
                    try {
                        Files.deleteIfExists(claim(archive));
                    } catch (IOException e) {
                        // left behind: later starts run without an archive
                    }
                }
            });
        }
    }

    private static final List<String> QUIET = List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off");

    private ClassDataArchive() {}

    /** The archive for {@code jar} if there is one; else the options that record it, if no other JVM is. */
    public static Use forJar(Path jar) {
        try {
            Path build = jar.toAbsolutePath().getParent();
            Path archive = Files.createDirectories(build.resolveSibling("test-cds"))
                    .resolve(build.getFileName() + "-" + Files.size(jar) + "-"
                            + Files.getLastModifiedTime(jar).toMillis() + ".jsa");
            if (Files.exists(archive)) {
                return new Use(concat("-XX:SharedArchiveFile=" + archive), null, null);
            }
            try {
                Files.createFile(claim(archive));
            } catch (FileAlreadyExistsException recordingElsewhere) {
                return new Use(List.of(), null, null);
            }
            Path recording = archive.resolveSibling(archive.getFileName() + ".recording");
            Files.deleteIfExists(recording);
            return new Use(concat("-XX:ArchiveClassesAtExit=" + recording), recording, archive);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path claim(Path archive) {
        return archive.resolveSibling(archive.getFileName() + ".claim");
    }

    private static List<String> concat(String option) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(option), QUIET.stream())
                .toList();
    }
}
