package io.keelson.lanes;

import org.junit.platform.suite.api.ExcludeClassNamePatterns;
import org.junit.platform.suite.api.IncludeClassNamePatterns;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

/** Every test class no other lane names: the API, faults, the catalog and the small unit tests. */
@Suite
@SelectPackages("io.keelson")
@IncludeClassNamePatterns(Lanes.ANY_TEST)
@ExcludeClassNamePatterns({Lanes.COMPOSE, Lanes.CONTAINERS, Lanes.WATCH, Lanes.PIPELINES})
class OtherLane {}
