package io.keelson.catalog;

import java.util.List;

/** A catalog change that was refused; {@link Kind} tells the API which status to answer. */
public class CatalogException extends RuntimeException {

    /** Why the change was refused. */
    public enum Kind {
        NOT_FOUND,
        CONFLICT,
        INVALID
    }

    private final Kind kind;
    private final List<CatalogProblem> problems;

    public CatalogException(Kind kind, String message) {
        this(kind, message, List.of());
    }

    public CatalogException(Kind kind, String message, List<CatalogProblem> problems) {
        super(message);
        this.kind = kind;
        this.problems = problems;
    }

    public Kind kind() {
        return kind;
    }

    public List<CatalogProblem> problems() {
        return problems;
    }

    static CatalogException notFound(String name) {
        return new CatalogException(Kind.NOT_FOUND, "no target named '" + name + "'; GET /api/v1/targets lists them");
    }

    static CatalogException invalid(List<CatalogProblem> problems) {
        String joined = String.join(
                "; ", problems.stream().map(CatalogProblem::toString).toList());
        return new CatalogException(Kind.INVALID, joined, problems);
    }
}
