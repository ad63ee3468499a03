package dev.streampredict.testing;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** Flink MiniClusters for the tests of a class. */
public final class MiniClusters {

    private MiniClusters() {
    }

    /** A MiniCluster of this shape whose every metric also goes to {@code reporter}, for tests to read. */
    public static MiniClusterExtension reportingTo(InMemoryReporter reporter, int taskManagers,
                                                   int slotsPerTaskManager) {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(taskManagers)
                .setNumberSlotsPerTaskManager(slotsPerTaskManager)
                .setConfiguration(reporter.addToConfiguration(new Configuration()))
                .build());
    }
}
