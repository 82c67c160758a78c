package io.keelson.environment;

import io.keelson.catalog.CatalogTarget;
import io.keelson.catalog.ComposeSpec;
import io.keelson.catalog.EnvironmentsSpec;
import io.keelson.catalog.TargetSpec;
import io.keelson.deploy.DeploymentRefused;
import java.util.List;

/**
 * The target an environment is: its template with the environment's own folder and compose
 * project, made again from the template at every deployment through it.
 */
final class EnvironmentTarget {

    private EnvironmentTarget() {}

    /**
     * The environment {@code slug}'s target, named {@code name}. Its folder is removed with everything
     * in it when it ends, so it must hold no folder of the {@code others}, and lie in none (the
     * template's own included): 409 otherwise.
     */
    static TargetSpec of(TargetSpec template, String slug, String name, List<CatalogTarget> others) {
        EnvironmentsSpec spec = template.environments();
        ComposeSpec base = template.compose();
        ComposeSpec project = new ComposeSpec(
                spec.projectDirOf(slug), spec.projectNameOf(slug), base.files(), base.services(), base.command());
        String dir = project.projectDir();
        for (CatalogTarget other : others) {
            if (other.name().equals(name) || other.spec().compose() == null) {
                continue;
            }
            String theirs = other.spec().compose().projectDir().replaceAll("/+$", "");
            if (theirs.equals(dir) || theirs.startsWith(dir + "/") || dir.startsWith(theirs + "/")) {
                throw new DeploymentRefused(
                        DeploymentRefused.Kind.CONFLICT,
                        "the environment's folder " + dir + " and the folder of target '" + other.name() + "' ("
                                + theirs
                                + ") lie in one another; choose another slug or change environments.projectDir");
            }
        }
        return template.asEnvironment(name, "review environment " + slug + " of " + template.name(), project);
    }
}
