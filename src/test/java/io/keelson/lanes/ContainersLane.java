package io.keelson.lanes;

import org.junit.platform.suite.api.IncludeClassNamePatterns;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

/** Plain containers over SSH, the dashboard in a browser and notifications. */
@Suite
@SelectPackages("io.keelson")
@IncludeClassNamePatterns(Lanes.CONTAINERS)
class ContainersLane {}
