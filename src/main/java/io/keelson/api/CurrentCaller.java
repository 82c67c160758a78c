package io.keelson.api;

import jakarta.enterprise.context.RequestScoped;

/** The caller of the current request, set by {@link TokenFilter}. */
@RequestScoped
public class CurrentCaller {

    private Caller caller;

    void set(Caller value) {
        caller = value;
    }

    public Caller get() {
        return caller;
    }

    /** Fails with 403 unless the caller's token may act on {@code target}. */
    public void requireTarget(String target) {
        if (caller != null && !caller.mayAct(target)) {
            throw ApiException.forbidden("token '" + caller.name() + "' may not act on target '" + target + "'");
        }
    }
}
