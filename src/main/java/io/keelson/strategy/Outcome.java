package io.keelson.strategy;

/** How a strategy's run ended, with the reason when it did not succeed. */
public record Outcome(Result result, String error) {

    /** The end states a strategy can report; the deployment's status follows from it. */
    public enum Result {
        SUCCEEDED,
        FAILED,
        ROLLED_BACK
    }

    public static Outcome succeeded() {
        return new Outcome(Result.SUCCEEDED, null);
    }

    public static Outcome failed(String error) {
        return new Outcome(Result.FAILED, error);
    }

    public static Outcome rolledBack(String error) {
        return new Outcome(Result.ROLLED_BACK, error);
    }
}
