package io.keelson.lanes;

import org.junit.platform.suite.api.IncludeClassNamePatterns;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

/** The watcher, deploy policies, the queue and an SSH connection lost mid-deployment. */
@Suite
@SelectPackages("io.keelson")
@IncludeClassNamePatterns(Lanes.WATCH)
class WatchLane {}
