package dev.streampredict.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.api.common.JobID;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/** The few calls of Flink's REST API (the web UI's backend) that the local stack needs. */
final class FlinkRest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final int port;

    FlinkRest(int port) {
        this.port = port;
    }

    /**
     * Waits until every task of the job runs, i.e. has opened its operators (the scorer has loaded its model), so
     * the first records are not timed against the job's start-up.
     */
    void awaitAllTasksRunning(JobID job, Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            JsonNode details = get("/jobs/" + job);
            int total = 0;
            int running = 0;
            for (JsonNode vertex : details.path("vertices")) {
                total += vertex.path("parallelism").asInt();
                running += vertex.path("tasks").path("RUNNING").asInt();
            }
            if (total > 0 && running == total) {
                return;
            }
            if (details.path("state").asText().matches("FAILED|CANCELED|FINISHED")) {
                throw new IOException("the job ended while starting: " + details.path("state").asText()
                        + "; see the logs in work/logs");
            }
            Thread.sleep(200);
        }
        throw new IOException("the job's tasks did not all start within " + timeout + "; see the logs in work/logs");
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return json.readTree(response.body());
    }
}
