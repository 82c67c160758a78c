package io.keelson.lanes;

/**
 * Which test classes each lane runs, as class-name patterns. The surefire forks each run one lane, so a
 * fork keeps one Quarkus application for all of its classes: surefire hands a fork its classes one at a
 * time when there are several forks, and Quarkus stops and starts again between two of them (a start
 * costs 4 to 25 s on this machine; a full run had 39). The three named lanes hold the classes that
 * deploy through compose, plain containers and the watcher, about a quarter of the suite's time each
 * (balanced by the class times the run prints at its end);
 * {@link OtherLane} runs every other test, so a new test class always runs somewhere.
 */
final class Lanes {

    static final String DEPLOY_COMPOSE = "io\\.keelson\\.deploy\\.(SshCompose|ComposeRelease|MultiHost)\\w*Test";
    static final String ENVIRONMENTS = "io\\.keelson\\.environment\\.\\w*Test";
    static final String CONTAINERS = "io\\.keelson\\.strategy\\.sshdocker\\.\\w*Test";
    static final String BROWSER_AND_EDGE = "io\\.keelson\\.(dashboard|identity|edge|notify)\\.\\w*Test";
    static final String WATCH = "io\\.keelson\\.strategy\\.watch\\.\\w*Test";
    static final String POLICY_AND_QUEUE = "io\\.keelson\\.(policy\\.\\w*|deploy\\.DeploymentQueue)Test";
    static final String PIPELINE_TEMPLATE = "io\\.keelson\\.api\\.PipelineTemplateTest";
    /** What a test class is called: the IT classes run in failsafe, after the package. */
    static final String ANY_TEST = "io\\.keelson\\..*Test";

    private Lanes() {}
}
