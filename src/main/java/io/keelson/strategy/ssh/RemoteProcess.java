package io.keelson.strategy.ssh;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A process Keelson started on a host, named so that no other process can be taken for it: its pid,
 * its start time (field 22 of {@code /proc/PID/stat}) and the host's boot id. A pid alone names
 * whatever holds it now, after a reboot or once the command is gone, and must never be signalled.
 */
public record RemoteProcess(long pid, long startTime, String bootId) {

    private static final Pattern TEXT = Pattern.compile("([0-9]{1,10}) ([0-9]{1,20}) ([0-9A-Fa-f-]{1,64})");

    /**
     * A shell function that prints the identity of the process {@code "$1"} names as {@link
     * #text()} does, or fails when there is no such process. The command name in field 2 may hold
     * spaces and parentheses, so the fields are counted after its last {@code ") "}.
     */
    static final String IDENTITY_FUNCTION =
            "ident() { t=$(sed 's/.*) //' \"/proc/$1/stat\" 2>/dev/null | cut -d' ' -f20)"
                    + " && [ -n \"$t\" ] && echo \"$1 $t $(cat /proc/sys/kernel/random/boot_id 2>/dev/null)\"; }; ";

    /** The identity as the host writes it; empty for anything else, such as the bare pid older Keelsons wrote. */
    public static Optional<RemoteProcess> parse(String text) {
        Matcher m = TEXT.matcher(text.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new RemoteProcess(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), m.group(3)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The text {@link #IDENTITY_FUNCTION} prints for this process: "pid starttime bootid". */
    public String text() {
        return pid + " " + startTime + " " + bootId;
    }

    /**
     * Prints the identity in {@code dir}'s {@link RemoteCommand#RUNNING_MARKER} when that very process
     * still runs; otherwise removes the stale marker and prints {@code stale}, or prints nothing when
     * there is no marker.
     */
    public static RemoteCommand runningIn(String dir) {
        String script = IDENTITY_FUNCTION
                + "m=$(cat " + RemoteCommand.RUNNING_MARKER + " 2>/dev/null) || exit 0; p=${m%% *}; "
                + "case $p in ''|*[!0-9]*) ;; *) [ \"$(ident \"$p\")\" = \"$m\" ] && echo \"$m\" && exit 0 ;; esac; "
                + "rm -f " + RemoteCommand.RUNNING_MARKER + "; echo stale; exit 0";
        return RemoteCommand.of(List.of("sh", "-c", script)).in(dir).asQuiet();
    }

    /**
     * Waits up to {@code seconds} for this process to end, then stops its process group (TERM, and
     * KILL 3 s later), checking before each signal that the pid still names this process. Prints the
     * pids left in its group (zombies aside, found with pgrep when the host has it) when some outlive
     * the KILL: a root command under {@code sudo} can be reached by TERM only (sudo relays it) and
     * survives the KILL of sudo itself.
     */
    public RemoteCommand stop(int seconds) {
        String script = IDENTITY_FUNCTION
                + "m=$1; p=${m%% *}; mine() { [ \"$(ident \"$p\")\" = \"$m\" ]; }; mine || exit 0; "
                + "i=0; while mine && [ \"$i\" -lt \"$2\" ]; do sleep 1; i=$((i+1)); done; "
                + "for s in TERM KILL; do mine || break; "
                + "kill -s \"$s\" -- -\"$p\" 2>/dev/null || kill -s \"$s\" \"$p\" 2>/dev/null; "
                + "j=0; while mine && [ \"$j\" -lt 30 ]; do sleep 0.1; j=$((j+1)); done; done; "
                + "k=0; while :; do left=; for q in $(pgrep -g \"$p\" 2>/dev/null); do "
                + "st=$(sed 's/.*) //' \"/proc/$q/stat\" 2>/dev/null | cut -d' ' -f1); "
                + "[ -n \"$st\" ] && [ \"$st\" != Z ] && left=\"$left $q\"; done; "
                + "{ [ -z \"$left\" ] || [ \"$k\" -ge 30 ]; } && break; sleep 0.1; k=$((k+1)); done; echo \"$left\"; exit 0";
        return RemoteCommand.of(List.of("sh", "-c", script, "sh", text(), Integer.toString(seconds)))
                .asQuiet()
                .withTimeout(Duration.ofSeconds(seconds + 30L));
    }
}
