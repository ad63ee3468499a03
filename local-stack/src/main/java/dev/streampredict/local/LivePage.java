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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A page on localhost that plots the running pipeline: prediction versus actual per key, the error over time,
 * latency percentiles and throughput. The page polls {@code /data} once a second; no external scripts, so it works
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
        server = HttpServer.create(new InetSocketAddress(address, port), 0);
        server.createContext("/data", exchange -> send(exchange, "application/json",
                JSON.writeValueAsBytes(history.view())));
        server.createContext("/", exchange -> {
            try (InputStream page = LivePage.class.getResourceAsStream("/live/index.html")) {
                send(exchange, "text/html; charset=utf-8", page.readAllBytes());
            }
        });
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "live-page");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        clock.scheduleAtFixedRate(() -> history.endSecond(System.currentTimeMillis(), monitor.snapshot()),
                1, 1, TimeUnit.SECONDS);
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
