package dev.streampredict.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.streampredict.common.message.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A page on localhost that plots the running pipeline: forecasts with their intervals against the actual values and
 * persistence per key, the error per version over time, latency percentiles and throughput, on time axes. The page
 * polls {@code /data} once a second; its charts are uPlot's, served from uPlot's webjar on the classpath, so it works
 * offline.
 */
final class LivePage implements AutoCloseable {

    private static final ObjectMapper JSON = Json.MAPPER.copy().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private final HttpServer server;
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "live-page-clock");
        t.setDaemon(true);
        return t;
    });

    LivePage(String address, int port, LiveHistory history, PredictionMonitor monitor) throws IOException {
        String uplot = uplotDirectory();
        byte[] uplotScript = resource(uplot + "uPlot.iife.min.js");
        byte[] uplotStyle = resource(uplot + "uPlot.min.css");
        byte[] page = resource("/live/index.html");
        server = HttpServer.create(new InetSocketAddress(address, port), 0);
        server.createContext("/data", exchange -> send(exchange, "application/json",
                JSON.writeValueAsBytes(history.view())));
        server.createContext("/uplot.js", exchange -> send(exchange, "text/javascript", uplotScript));
        server.createContext("/uplot.css", exchange -> send(exchange, "text/css", uplotStyle));
        server.createContext("/", exchange -> send(exchange, "text/html; charset=utf-8", page));
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "live-page");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        clock.scheduleAtFixedRate(() -> history.endSecond(System.currentTimeMillis(), monitor.snapshot()),
                1, 1, TimeUnit.SECONDS);
    }

    /** Where uPlot's webjar keeps its build, at the version on the classpath. */
    private static String uplotDirectory() throws IOException {
        Properties webjar = new Properties();
        String properties = "/META-INF/maven/org.webjars.npm/uplot/pom.properties";
        try (InputStream in = LivePage.class.getResourceAsStream(properties)) {
            if (in == null) {
                throw new IOException("uPlot's webjar (org.webjars.npm:uplot) is not on the classpath: rebuild the "
                        + "local stack (mvn -pl local-stack -am package)");
            }
            webjar.load(in);
        }
        return "/META-INF/resources/webjars/uplot/" + webjar.getProperty("version") + "/dist/";
    }

    private static byte[] resource(String path) throws IOException {
        try (InputStream in = LivePage.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException(path + " is not on the classpath: the live page cannot draw its charts");
            }
            return in.readAllBytes();
        }
    }

    private static void send(HttpExchange exchange, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        clock.shutdownNow();
        server.stop(0);
    }
}
