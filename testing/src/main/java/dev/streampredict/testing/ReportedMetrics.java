package dev.streampredict.testing;

import org.apache.flink.api.common.JobID;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A running job's metrics as a {@link MiniClusters#reportingTo reporting MiniCluster} reports them. */
public final class ReportedMetrics {

    private ReportedMetrics() {
    }

    /** The metric summed over every instance of it in the job: it must be registered. */
    public static double sum(InMemoryReporter reporter, JobID job, String metric) {
        return sum(reporter, job, "", metric);
    }

    /** The metric summed over every instance whose metric identifier contains {@code scope}: one must exist. */
    public static double sum(InMemoryReporter reporter, JobID job, String scope, String metric) {
        List<Double> values = values(reporter, job, scope, metric);
        assertThat(values).as("metric %s (%s) is registered", metric, scope).isNotEmpty();
        return values.stream().mapToDouble(Double::doubleValue).sum();
    }

    /** As {@link #sum(InMemoryReporter, JobID, String)}, 0 while the job has not registered it yet. */
    public static double sumOrZero(InMemoryReporter reporter, JobID job, String metric) {
        return values(reporter, job, "", metric).stream().mapToDouble(Double::doubleValue).sum();
    }

    /** The metric's value in each instance whose metric identifier contains {@code scope}. */
    public static List<Double> values(InMemoryReporter reporter, JobID job, String scope, String metric) {
        return find(reporter, job, scope, metric).stream().map(m -> m instanceof Counter c ? (double) c.getCount()
                : ((Number) ((Gauge<?>) m).getValue()).doubleValue()).toList();
    }

    /**
     * By group, not by identifier: a task of one operator (the registry source) has task and operator metrics of
     * the same identifier, which {@link InMemoryReporter#getMetricsByIdentifiers} refuses to merge.
     */
    private static List<Metric> find(InMemoryReporter reporter, JobID job, String scope, String metric) {
        List<Metric> found = new ArrayList<>();
        for (Map.Entry<MetricGroup, Map<String, Metric>> group : new HashMap<>(reporter.getMetricsByGroup())
                .entrySet()) {
            if (!job.toString().equals(group.getKey().getAllVariables().get("<job_id>"))) {
                continue;
            }
            new HashMap<>(group.getValue()).forEach((name, m) -> {
                if (name.equals(metric) && group.getKey().getMetricIdentifier(name).contains(scope)) {
                    found.add(m);
                }
            });
        }
        return found;
    }
}
