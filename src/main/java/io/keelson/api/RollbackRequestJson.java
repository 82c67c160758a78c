package io.keelson.api;

/** The optional body of {@code POST /targets/{name}/rollback}. */
public record RollbackRequestJson(String toDeployment, String reason) {

    void validate() {
        if (toDeployment != null && !toDeployment.matches("[0-9A-HJKMNP-TV-Z]{26}")) {
            throw ApiException.badRequest("toDeployment: '" + toDeployment + "' is not a deployment id");
        }
        Text.limit("reason", reason, 1000);
    }
}
