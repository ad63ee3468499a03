package dev.streampredict.job.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The Grafana dashboard asks Prometheus only for metrics that the job really registers, under those names. */
class DashboardTest {

    private static final Path DASHBOARD = Path.of("..", "monitoring", "grafana", "dashboards", "stream-predict.json");
    private static final Pattern OPERATOR_METRIC = Pattern.compile("flink_taskmanager_job_task_operator_(\\w+)");

    @Test
    void everyPanelQueriesAMetricTheJobRegisters() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        // the Prometheus reporter turns a key-value metric group into a label, and prefixes the name with its key
        String invalidByReason = InputMetrics.REASON + "_" + InputMetrics.INVALID_RECORDS;
        String rejectedByReason = InputMetrics.REASON + "_" + ModelMetrics.MODEL_REJECTED;
        Set<String> registered = new HashSet<>(Set.of(InputMetrics.INPUT_RECORDS, invalidByReason, rejectedByReason,
                "pendingRecords")); // Flink's Kafka source (FLIP-33)
        // each model version's metrics are a group of their own
        for (String perVersion : List.of(ScoringMetrics.PREDICTIONS, ScoringMetrics.RECENT_MSE,
                ScoringMetrics.RECENT_MAE, ScoringMetrics.RECENT_ACCURACY, ScoringMetrics.LATENCY_MS,
                ScoringMetrics.INFERENCE_US, ScoringMetrics.MODEL_ROLE)) {
            registered.add(version(perVersion));
        }

        Set<String> queried = new HashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(panel.path("targets")).as("panel '%s' has queries", panel.path("title").asText()).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                Matcher m = OPERATOR_METRIC.matcher(target.path("expr").asText());
                assertThat(m.find()).as("query of '%s' names an operator metric", panel.path("title").asText())
                        .isTrue();
                do {
                    queried.add(m.group(1));
                } while (m.find());
            }
        }
        assertThat(registered).containsAll(queried);
        assertThat(queried).as("throughput, latency, error, accuracy, invalid input, lag, model versions")
                .contains(version(ScoringMetrics.PREDICTIONS), version(ScoringMetrics.LATENCY_MS),
                        version(ScoringMetrics.RECENT_MSE), version(ScoringMetrics.RECENT_ACCURACY), invalidByReason,
                        "pendingRecords", version(ScoringMetrics.MODEL_ROLE), rejectedByReason);
    }

    private static String version(String metric) {
        return ScoringMetrics.MODEL_VERSION + "_" + metric;
    }
}
