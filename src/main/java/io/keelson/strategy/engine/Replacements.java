package io.keelson.strategy.engine;

import io.keelson.catalog.RolloutSpec;
import io.keelson.strategy.ChangeStatus;
import io.keelson.strategy.Outcome;
import io.keelson.strategy.Progress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Replaces containers of one engine one at a time behind the health gate, keeping every old one
 * (stopped, set aside) until all new ones have passed. Shared by the strategies that recreate plain
 * containers, so they keep the same promise: every swap ends in commit or restore, whatever throws,
 * and a swap still open when {@link #run} leaves is restored.
 */
public final class Replacements {

    private final String host;
    private final RolloutSpec rollout;
    private final Progress progress;
    private final Recreator recreator;
    private final List<Replacement> passed = new ArrayList<>();

    public Replacements(DockerEngine engine, String host, RolloutSpec rollout, Clock clock, Progress progress) {
        this.host = host;
        this.rollout = rollout;
        this.progress = progress;
        this.recreator = new Recreator(engine, host, clock, progress);
    }

    /** The replacements that passed their gate and were committed by the last {@link #run}. */
    public List<Replacement> committed() {
        return List.copyOf(passed);
    }

    /**
     * Replaces each container in turn. When one fails its gate, it is restored; with {@code
     * onFailure: rollback} the ones already replaced are restored too, else they are kept.
     */
    public Outcome run(List<Replacement> replacements) {
        List<Recreator.Swap> swaps = new ArrayList<>();
        passed.clear();
        try {
            return replaceEach(replacements, swaps);
        } finally {
            for (Recreator.Swap swap : swaps) {
                if (!swap.ended()) {
                    restoreQuietly(swap);
                }
            }
        }
    }

    private Outcome replaceEach(List<Replacement> replacements, List<Recreator.Swap> swaps) {
        List<Replacement> done = new ArrayList<>();
        List<Recreator.Swap> doneSwaps = new ArrayList<>();
        for (Replacement u : replacements) {
            progress.log(u.name() + ": " + u.fromDigest() + " -> " + u.toDigest());
            progress.record(u.change(host, ChangeStatus.STARTED));
            Recreator.Result result;
            try {
                result = recreator.replace(u.inspect(), u.oldImage(), u.createAs(), u.stopSeconds(), rollout);
                swaps.add(result.swap());
            } catch (RuntimeException e) {
                result = null;
                progress.log(
                        u.name() + ": could not be stopped and set aside, left running as it was: " + e.getMessage());
            }
            if (result == null || result.failure().isPresent()) {
                String reason = result == null
                        ? "the old container could not be stopped and set aside"
                        : result.failure().get();
                boolean restored = result == null || restoreQuietly(result.swap());
                boolean rollBack = rollout.onFailure() == RolloutSpec.OnFailure.ROLLBACK;
                progress.record(u.change(host, rollBack && restored ? ChangeStatus.ROLLED_BACK : ChangeStatus.FAILED));
                String error = u.name() + " failed its health gate: " + reason
                        + (restored
                                ? ""
                                : "; its old container could not be put back yet (repaired before the next deployment)");
                if (!rollBack) {
                    commitAll(swaps);
                    passed.addAll(done);
                    return Outcome.failed(error);
                }
                List<String> notRestored = new ArrayList<>(restored ? List.of() : List.of(u.name()));
                for (int i = done.size() - 1; i >= 0; i--) {
                    if (restoreQuietly(doneSwaps.get(i))) {
                        progress.record(done.get(i).change(host, ChangeStatus.ROLLED_BACK));
                    } else {
                        notRestored.add(done.get(i).name());
                    }
                }
                return notRestored.isEmpty()
                        ? Outcome.rolledBack(error)
                        : Outcome.failed(error + "; restoring " + String.join(", ", notRestored)
                                + " failed (repaired before the next deployment)");
            }
            done.add(u);
            doneSwaps.add(result.swap());
            progress.record(u.change(host, ChangeStatus.SUCCEEDED));
            progress.log(u.name() + ": healthy");
        }
        commitAll(swaps);
        passed.addAll(done);
        return Outcome.succeeded();
    }

    /** Restores one swap; a failure is logged, not thrown, so the other swaps still end. */
    private boolean restoreQuietly(Recreator.Swap swap) {
        try {
            swap.restore();
            return true;
        } catch (RuntimeException e) {
            progress.log(e.getMessage() + " (repaired before the next deployment)");
            return false;
        }
    }

    private void commitAll(List<Recreator.Swap> swaps) {
        for (Recreator.Swap swap : swaps) {
            if (swap.ended()) {
                continue;
            }
            try {
                swap.commit();
            } catch (RuntimeException e) {
                progress.log("removing an old container failed, it stays set aside until the next deployment: "
                        + e.getMessage());
            }
        }
    }
}
