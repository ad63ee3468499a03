package dev.streampredict.job.metrics;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps every metric registered on it, named as Flink's Prometheus reporter names it after the operator scope: a
 * key-value group adds its key to the name ({@code model_version_predictions_total}); its value becomes a label,
 * kept here after a '|' so that tests can tell versions apart.
 */
final class RecordingMetricGroup extends UnregisteredMetricsGroup {

    private final Map<String, Metric> metrics;
    private final String prefix;
    private final String labels;

    RecordingMetricGroup() {
        this(new LinkedHashMap<>(), "", "");
    }

    private RecordingMetricGroup(Map<String, Metric> metrics, String prefix, String labels) {
        this.metrics = metrics;
        this.prefix = prefix;
        this.labels = labels;
    }

    /** Name (and, after '|', label values) to metric. */
    Map<String, Metric> metrics() {
        return metrics;
    }

    @Override
    public MetricGroup addGroup(String key, String value) {
        return new RecordingMetricGroup(metrics, prefix + key + "_", labels + "|" + value);
    }

    @Override
    public MetricGroup addGroup(String name) {
        return new RecordingMetricGroup(metrics, prefix + name + "_", labels);
    }

    @Override
    public Counter counter(String name) {
        return counter(name, new SimpleCounter());
    }

    @Override
    public <C extends Counter> C counter(String name, C counter) {
        return record(name, counter);
    }

    @Override
    public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
        return record(name, gauge);
    }

    @Override
    public <H extends Histogram> H histogram(String name, H histogram) {
        return record(name, histogram);
    }

    @Override
    public <M extends Meter> M meter(String name, M meter) {
        return record(name, meter);
    }

    private <M extends Metric> M record(String name, M metric) {
        metrics.put(prefix + name + labels, metric);
        return metric;
    }
}
