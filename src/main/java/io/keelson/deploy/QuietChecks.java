package io.keelson.deploy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the last quiet check of each target noted. A scheduled check runs every interval; a note such as
 * "runs 'sha256:…', not a tag; not watched", a registry that keeps refusing or an engine that stays
 * down would otherwise be a warning in Keelson's log at every interval, burying everything else. A note is worth a warning when
 * it is new for its target; repeated, it is only worth a debug line. One entry per target.
 */
final class QuietChecks {

    private final Map<String, List<String>> last = new ConcurrentHashMap<>();

    /** The notes of this quiet check that its target's previous quiet check did not make. */
    List<String> fresh(String target, List<String> notes) {
        List<String> before = last.put(target, List.copyOf(notes));
        return before == null
                ? List.copyOf(notes)
                : notes.stream().filter(n -> !before.contains(n)).toList();
    }

    /** A check changed something or the target is gone: what it notes next is new again. */
    void forget(String target) {
        last.remove(target);
    }
}
