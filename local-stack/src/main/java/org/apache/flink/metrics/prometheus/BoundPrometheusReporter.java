package org.apache.flink.metrics.prometheus;

import io.prometheus.client.exporter.HTTPServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

/**
 * Flink's Prometheus reporter, listening on one address instead of every interface: Flink's own binds the wildcard
 * address and has no option for it, which on a laptop exposes the job's metrics to the network. It lives in Flink's
 * package because the collector registry it serves is package-private there; the metrics are Flink's, unchanged.
 */
public final class BoundPrometheusReporter extends AbstractPrometheusReporter {

    private final HTTPServer server;

    public BoundPrometheusReporter(InetSocketAddress address) {
        try {
            server = new HTTPServer(address, registry);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve Prometheus metrics on " + address + ": " + e.getMessage(), e);
        }
        log.info("Started the Prometheus reporter on {}", address);
    }

    @Override
    public void close() {
        server.stop();
        super.close();
    }
}
