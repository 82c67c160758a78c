package io.keelson.catalog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Reads the catalog folder into valid specs and the problems of the files that are not. */
public final class CatalogFiles {

    /** A valid spec and the file it came from. */
    public record Entry(String file, TargetSpec spec) {}

    /** What one read of the folder found. */
    public record Read(List<Entry> entries, List<CatalogProblem> problems) {}

    private CatalogFiles() {}

    public static Read read(Path dir, TargetValidator validator) {
        List<Entry> entries = new ArrayList<>();
        List<CatalogProblem> problems = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            problems.add(new CatalogProblem(dir.toString(), "", "catalog folder does not exist (keelson.targets.dir)"));
            return new Read(entries, problems);
        }
        Map<String, String> fileOfName = new HashMap<>();
        for (Path file : yamlFiles(dir, problems)) {
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
            entries.add(new Entry(source, spec));
        }
        return new Read(entries, problems);
    }

    private static List<Path> yamlFiles(Path dir, List<CatalogProblem> problems) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> f.getFileName().toString().matches("[^.].*\\.ya?ml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            problems.add(new CatalogProblem(dir.toString(), "", "cannot be listed: " + e.getMessage()));
            return List.of();
        }
    }
}
