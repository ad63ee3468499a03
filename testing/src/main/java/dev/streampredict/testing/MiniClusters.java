package dev.streampredict.testing;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

import java.util.concurrent.TimeUnit;

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

    /**
     * Cancels every job still running, and waits until each has ended: a test that fails half-way leaves its job
     * holding slots, and the next test in the class would fail for want of them, hiding which failure came first.
     */
    public static void cancelRunningJobs(MiniCluster cluster) throws Exception {
        for (JobStatusMessage job : cluster.listJobs().get(30, TimeUnit.SECONDS)) {
            if (!job.getJobState().isGloballyTerminalState()) {
                cluster.cancelJob(job.getJobId()).get(30, TimeUnit.SECONDS);
                cluster.requestJobResult(job.getJobId()).get(60, TimeUnit.SECONDS);
            }
        }
    }
}
