package io.keelson.catalog;

/** Why a catalog entry was rejected, in the contract's {@code file: field: reason} form. */
public record CatalogProblem(String source, String field, String reason) {

    @Override
    public String toString() {
        return (source == null ? "" : source + ": ") + (field == null || field.isEmpty() ? "" : field + ": ") + reason;
    }

    CatalogProblem in(String newSource) {
        return new CatalogProblem(newSource, field, reason);
    }
}
