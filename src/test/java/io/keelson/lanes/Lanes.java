package io.keelson.lanes;

/**
 * Which test classes each lane runs, as one class-name pattern a lane. The surefire forks each run one
 * lane, so a fork keeps one Quarkus application for all of its classes: surefire hands a fork its
 * classes one at a time when there are several forks, and Quarkus stops and starts again between two
 * of them (a start costs 4 to 25 s on this machine; a full run had 39). The named lanes are balanced by
 * the class times the run prints at its end, about a fifth of the suite each; {@link OtherLane} runs
 * every other test, so a new test class always runs somewhere.
 */
final class Lanes {

    static final String COMPOSE = "io\\.keelson\\.deploy\\.(SshCompose|ComposeRelease|MultiHost)\\w*Test";
    static final String CONTAINERS = "io\\.keelson\\.(strategy\\.sshdocker|dashboard|notify)\\.\\w*Test";
    static final String WATCH =
            "io\\.keelson\\.(strategy\\.watch\\.\\w*|policy\\.\\w*|deploy\\.DeploymentQueue|faults\\.SshConnectionLoss)Test";
    static final String PIPELINES =
            "io\\.keelson\\.(environment\\.\\w*|edge\\.\\w*|identity\\.\\w*|api\\.PipelineTemplate|faults\\.Bounds)Test";
    /** What a test class is called: the IT classes run in failsafe, after the package. */
    static final String ANY_TEST = "io\\.keelson\\..*Test";

    private Lanes() {}
}
