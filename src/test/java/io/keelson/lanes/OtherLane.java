package io.keelson.lanes;

import org.junit.platform.suite.api.ExcludeClassNamePatterns;
import org.junit.platform.suite.api.IncludeClassNamePatterns;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

/** Every test class no other lane names: the API, faults, the catalog and the small unit tests. */
@Suite
@SelectPackages("io.keelson")
@IncludeClassNamePatterns(Lanes.ANY_TEST)
@ExcludeClassNamePatterns({
    Lanes.DEPLOY_COMPOSE,
    Lanes.ENVIRONMENTS,
    Lanes.CONTAINERS,
    Lanes.BROWSER_AND_EDGE,
    Lanes.WATCH,
    Lanes.POLICY_AND_QUEUE,
    Lanes.PIPELINE_TEMPLATE
})
class OtherLane {}
