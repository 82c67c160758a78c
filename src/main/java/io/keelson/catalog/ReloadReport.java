package io.keelson.catalog;

import java.util.List;

/** What a catalog reload did: targets loaded or updated, targets removed, and files rejected. */
public record ReloadReport(List<String> loaded, List<String> removed, List<CatalogProblem> problems) {}
