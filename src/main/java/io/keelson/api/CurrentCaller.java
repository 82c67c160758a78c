package io.keelson.api;

import io.keelson.catalog.CatalogProblem;
import io.keelson.catalog.SecretAllowList;
import io.keelson.catalog.TargetSpec;
import jakarta.enterprise.context.RequestScoped;
import java.util.List;

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

    /** Fails with 400, naming each field, when the target names a secret source the caller's token may not. */
    public void requireAllowedSecrets(TargetSpec spec) {
        SecretAllowList allowed = caller == null ? SecretAllowList.ANY : caller.secrets();
        List<CatalogProblem> refused = allowed.refusals(spec);
        if (!refused.isEmpty()) {
            throw new ApiException(
                    400,
                    "invalid_target",
                    String.join(
                            "; ", refused.stream().map(CatalogProblem::toString).toList()));
        }
    }
}
