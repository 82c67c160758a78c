package io.keelson.lanes;

import org.junit.platform.suite.api.IncludeClassNamePatterns;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

/** Deployments through docker-compose over SSH, with and without the edge, and over several hosts. */
@Suite
@SelectPackages("io.keelson")
@IncludeClassNamePatterns(Lanes.COMPOSE)
class ComposeLane {}
