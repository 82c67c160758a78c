package io.keelson.lanes;

import org.junit.platform.suite.api.IncludeClassNamePatterns;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

/** Deployments through docker-compose over SSH. */
@Suite
@SelectPackages("io.keelson")
@IncludeClassNamePatterns(Lanes.DEPLOY_COMPOSE)
class ComposeLane {}
