package dev.streampredict.job.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.streampredict.model.Task;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashSet;
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
        // the names the job's metric code registers, as the Prometheus reporter writes them
        RecordingMetricGroup group = new RecordingMetricGroup();
        new InputMetrics(group);
        for (Task task : Task.values()) { // a job registers its own task's; the dashboard shows either task's
            new ModelMetrics(group, task).of("some-" + task + "-version");
        }
        // a forecaster of several steps registers each later step's when it first meets a value
        new ModelMetrics(group, Task.REGRESSION).of("some-horizon-version").stepError(2, 0.5, 1.0);
        Set<String> registered = new HashSet<>();
        group.metrics().keySet().forEach(name -> registered.add(name.replaceAll("\\|.*", "")));
        registered.add("pendingRecords"); // Flink's Kafka source (FLIP-33)
        String invalidByReason = InputMetrics.REASON + "_" + InputMetrics.INVALID_RECORDS;
        String rejectedByReason = InputMetrics.REASON + "_" + ModelMetrics.MODEL_REJECTED;

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
        assertThat(queried).as("throughput, latency, error, skill, drift, accuracy, invalid input, lag, model versions")
                .contains(version(ScoringMetrics.PREDICTIONS), version(ScoringMetrics.LATENCY_MS),
                        version(ScoringMetrics.RECENT_MSE), version(ScoringMetrics.SKILL_RATIO),
                        version(ScoringMetrics.INPUT_DRIFT),
                        version(ScoringMetrics.RECENT_ACCURACY), version(ScoringMetrics.RECENT_MAJORITY_ACCURACY),
                        invalidByReason, "pendingRecords", version(ScoringMetrics.MODEL_ROLE), rejectedByReason,
                        version(ScoringMetrics.FORECAST_STEP + "_" + ScoringMetrics.SKILL_RATIO));
    }

    private static String version(String metric) {
        return ScoringMetrics.MODEL_VERSION + "_" + metric;
    }
}
