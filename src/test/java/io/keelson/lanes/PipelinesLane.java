package io.keelson.lanes;

import org.junit.platform.suite.api.IncludeClassNamePatterns;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

/** Review environments, the pipeline templates and CI identity, the edge and the request bounds. */
@Suite
@SelectPackages("io.keelson")
@IncludeClassNamePatterns(Lanes.PIPELINES)
class PipelinesLane {}
