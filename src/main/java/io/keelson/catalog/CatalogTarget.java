package io.keelson.catalog;

/** A target as the rest of Keelson sees it: the spec, where it is defined, and whether it is paused. */
public record CatalogTarget(TargetSpec spec, Target.Source source, String file, boolean paused) {

    public String name() {
        return spec.name();
    }

    static CatalogTarget of(Target row) {
        return new CatalogTarget(row.toSpec(), row.source, row.sourceFile, row.paused);
    }
}
