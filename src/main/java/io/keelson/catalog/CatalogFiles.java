package io.keelson.catalog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** Reads the catalog folder into valid specs and the problems of the files that are not. */
public final class CatalogFiles {

    /** A valid spec and the file it came from. */
    public record Entry(String file, TargetSpec spec) {}

    /**
     * What the folder itself was: listed, listed but holding no catalog file, or not there to be
     * listed (missing, not a folder, unreadable). Only a listed folder says which targets are gone.
     */
    public enum Folder {
        LISTED,
        EMPTY,
        UNREADABLE
    }

    /** What one read of the folder found. */
    public record Read(Folder folder, List<Entry> entries, List<CatalogProblem> problems) {}

    private CatalogFiles() {}

    public static Read read(Path dir, TargetValidator validator) {
        List<Entry> entries = new ArrayList<>();
        List<CatalogProblem> problems = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            problems.add(new CatalogProblem(
                    dir.toString(), "", "catalog folder does not exist or is not a folder (keelson.targets.dir)"));
            return new Read(Folder.UNREADABLE, entries, problems);
        }
        List<Path> files;
        try {
            files = yamlFiles(dir);
        } catch (IOException e) {
            problems.add(new CatalogProblem(dir.toString(), "", "catalog folder cannot be listed: " + e.getMessage()));
            return new Read(Folder.UNREADABLE, entries, problems);
        }
        Map<String, String> fileOfName = new HashMap<>();
        for (Path file : files) {
            String source = file.toString();
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                problems.add(new CatalogProblem(source, "", "cannot be read: " + e.getMessage()));
                continue;
            }
            SpecBinder.Bound bound = SpecBinder.yaml(source, text);
            if (bound instanceof SpecBinder.Problem p) {
                problems.add(p.problem());
                continue;
            }
            TargetSpec spec = ((SpecBinder.Spec) bound).spec();
            List<CatalogProblem> invalid = validator.validate(spec);
            if (!invalid.isEmpty()) {
                invalid.forEach(problem -> problems.add(problem.in(source)));
                continue;
            }
            String other = fileOfName.putIfAbsent(spec.name(), source);
            if (other != null) {
                problems.add(
                        new CatalogProblem(source, "name", "'" + spec.name() + "' is already defined in " + other));
                continue;
            }
            Optional<CatalogProblem> overlap = overlapWithEarlier(spec, entries);
            if (overlap.isPresent()) {
                fileOfName.remove(spec.name());
                problems.add(overlap.get().in(source));
                continue;
            }
            entries.add(new Entry(source, spec));
        }
        return new Read(files.isEmpty() ? Folder.EMPTY : Folder.LISTED, entries, problems);
    }

    /** An earlier file's target that this one overlaps: the earlier file wins, as it does for a name. */
    private static Optional<CatalogProblem> overlapWithEarlier(TargetSpec spec, List<Entry> earlier) {
        for (Entry entry : earlier) {
            Optional<CatalogProblem> problem = TargetOverlap.with(spec, List.of(entry.spec()));
            if (problem.isPresent()) {
                CatalogProblem p = problem.get();
                return Optional.of(
                        new CatalogProblem(null, p.field(), p.reason() + " (defined in " + entry.file() + ")"));
            }
        }
        return Optional.empty();
    }

    private static List<Path> yamlFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> f.getFileName().toString().matches("[^.].*\\.ya?ml"))
                    .sorted()
                    .toList();
        }
    }
}
