package dev.streampredict.local;

import org.apache.flink.metrics.prometheus.BoundPrometheusReporter;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.net.InetSocketAddress;
import java.util.Properties;

/**
 * {@code metrics.reporter.NAME.factory.class} for {@link BoundPrometheusReporter}: Flink's Prometheus metrics on
 * {@code metrics.reporter.NAME.host} (127.0.0.1 unless told) and {@code .port}.
 */
public final class BoundPrometheusReporterFactory implements MetricReporterFactory {

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return new BoundPrometheusReporter(new InetSocketAddress(properties.getProperty("host", "127.0.0.1"),
                Integer.parseInt(properties.getProperty("port", "9249"))));
    }
}
