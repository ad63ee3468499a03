package dev.streampredict.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streampredict.common.kafka.TopicNames;
import dev.streampredict.common.message.Prediction;
import dev.streampredict.common.message.PredictionCodec;
import dev.streampredict.kafka.LocalKafkaBroker;
import dev.streampredict.testing.Await;
import dev.streampredict.testing.TopicReader;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.streampredict.testing.Steps.step;
import static org.assertj.core.api.Assertions.assertThat;

/** Runs the one-command stack as a user would: a separate process, the web UI's REST API, Kafka, then Ctrl-C. */
class LocalStackIT {

    private static final Path PROJECT_ROOT = Path.of("..").toAbsolutePath().normalize();
    /** CI runs scripts/test-setup.sh as root, which installs Prometheus and Chromium: their checks must run there. */
    private static final boolean TOOLS_REQUIRED = "true".equals(System.getenv("CI"));

    @TempDir
    Path dir;

    @Test
    void runsTheJobWithTheWebUiStopsOnCtrlCAndStartsAgainCleanly() throws Exception {
        int kafkaPort = LocalKafkaBroker.freePort();
        int webPort = LocalKafkaBroker.freePort();
        int metricsPort = LocalKafkaBroker.freePort();
        int livePort = LocalKafkaBroker.freePort();

        String first = runUntilPredictionsThenInterrupt(kafkaPort, webPort, metricsPort, livePort, "first");
        assertThat(first).contains("training one on data/sp500-2000.csv").contains("ratio")
                .contains("http://localhost:" + webPort);

        // same ports, same Kafka data, same model: nothing may be left behind by the first run
        String second = runUntilPredictionsThenInterrupt(kafkaPort, webPort, metricsPort, livePort, "second");
        assertThat(second).contains("using model sp500-close-").doesNotContain("training one");
    }

    @Test
    void kafkaOnlyServesTheTopicsUntilCtrlC() throws Exception {
        int kafkaPort = LocalKafkaBroker.freePort();
        Path log = Path.of("target", "local-stack-it-kafka-only.log").toAbsolutePath();
        List<String> command = new ArrayList<>(withDefaultInterrupt());
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), LocalStack.class.getName(), "--kafka-only",
                "--kafka-port", Integer.toString(kafkaPort), "--work-dir", dir.resolve("work").toString()));
        Process stack = new ProcessBuilder(command).directory(PROJECT_ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            awaitOutput(log, "Kafka is up at 127.0.0.1:" + kafkaPort, stack);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", "127.0.0.1:" + kafkaPort))) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(TopicNames.INPUT,
                        TopicNames.PREDICTIONS, TopicNames.DEAD_LETTERS, TopicNames.SHADOW_PREDICTIONS);
            }
            new ProcessBuilder("kill", "-INT", Long.toString(stack.pid())).start().waitFor();
            assertThat(stack.waitFor(60, TimeUnit.SECONDS)).as("exits after Ctrl-C; output in " + log).isTrue();
            assertThat(stack.exitValue()).as("exit code after Ctrl-C; output in " + log).isZero();
        } finally {
            stack.destroyForcibly();
        }
        assertThat(Files.readString(log)).contains("stopped cleanly").doesNotContain("training");
    }

    /**
     * A build started as a background job of a non-interactive shell runs with SIGINT ignored, which every child
     * inherits: the JVM would then never see the Ctrl-C this test sends. Perl (part of every Debian system) puts the
     * default disposition back before it execs the stack, so the test does not depend on how the build was started.
     */
    private static List<String> withDefaultInterrupt() {
        return Files.isExecutable(Path.of("/usr/bin/perl"))
                ? List.of("/usr/bin/perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die \"cannot start @ARGV\"")
                : List.of();
    }

    private String runUntilPredictionsThenInterrupt(int kafkaPort, int webPort, int metricsPort, int livePort,
                                                    String name) throws Exception {
        Path log = Path.of("target", "local-stack-it-" + name + ".log").toAbsolutePath();
        List<String> command = new ArrayList<>(withDefaultInterrupt());
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-Dlocal.log.file=" + dir.resolve("stack-" + name + ".log"),
                "-cp", System.getProperty("java.class.path"),
                LocalStack.class.getName(),
                "--kafka-port", Integer.toString(kafkaPort), "--web-port", Integer.toString(webPort),
                "--metrics-port", Integer.toString(metricsPort), "--live-port", Integer.toString(livePort),
                "--work-dir", dir.resolve("work").toString(), "--models-dir", dir.resolve("models").toString(),
                "--rate", "50", "--status-interval", "2s"));
        Process stack = new ProcessBuilder(command)
                .directory(PROJECT_ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            step("the job running in the web UI", () -> awaitRunningJob(webPort, stack, log));
            step("predictions on the topic", () -> {
                PredictionCodec codec = new PredictionCodec();
                List<Prediction> predictions = TopicReader.awaitNewRecords("127.0.0.1:" + kafkaPort,
                        TopicNames.PREDICTIONS, 20, Duration.ofSeconds(90)).stream()
                        .map(r -> codec.parse(r.value())).toList();
                assertThat(predictions).as("predictions from the running stack; its output is in " + log)
                        .hasSizeGreaterThanOrEqualTo(20);
                assertThat(predictions).allSatisfy(p -> {
                    assertThat(p.key()).isEqualTo("sp500");
                    assertThat(p.target()).isEqualTo("close");
                    assertThat(p.modelVersion()).startsWith("sp500-close-");
                    assertThat(p.prediction()).isPositive();
                });
            });
            step("the status line", () -> awaitOutput(log, "RUNNING | in ", stack));
            step("the job's metrics on /metrics", () -> assertPrometheusEndpointHasTheJobsMetrics(metricsPort));
            if (name.equals("first")) {
                step("only loopback listens", () -> assertOnlyLoopbackListens(stack.toHandle(), webPort,
                        metricsPort, livePort, kafkaPort));
                step("Prometheus scrapes with the shipped configuration",
                        () -> assertPrometheusScrapesThemWithTheShippedConfig(metricsPort));
                step("the live page plots the stream", () -> assertLivePagePlotsTheStream(livePort, webPort));
            }

            step("Ctrl-C stops the stack", () -> {
                new ProcessBuilder("kill", "-INT", Long.toString(stack.pid())).start().waitFor();
                assertThat(stack.waitFor(90, TimeUnit.SECONDS)).as("exits within 90 s of Ctrl-C").isTrue();
                assertThat(stack.exitValue()).as("exit code after Ctrl-C; output in " + log).isZero();
            });
        } finally {
            stack.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(output).contains("stopped cleanly");
        return output;
    }

    /**
     * The stack is for one machine: the web UI, metrics, live page, Kafka and Flink's own ports (the BLOB server
     * serves job artifacts without authentication) listen on 127.0.0.1 only.
     */
    private static void assertOnlyLoopbackListens(ProcessHandle stack, int... ports) throws Exception {
        List<ListeningSockets.Listening> listening = ListeningSockets.of(stack);
        assertThat(listening).extracting(ListeningSockets.Listening::port)
                .containsAll(Arrays.stream(ports).boxed().toList());
        assertThat(listening).as("every listening socket of the stack and its broker").allSatisfy(l ->
                assertThat(l.loopback()).as("%s", l).isTrue());
    }

    /** What Prometheus would scrape: the job's own metrics, with labels, and values that make sense. */
    private static void assertPrometheusEndpointHasTheJobsMetrics(int port) throws Exception {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString())
                        .body();
        Files.writeString(Path.of("target", "local-stack-it-metrics.txt"), metrics);
        String operator = "flink_taskmanager_job_task_operator_";
        // a key-value metric group becomes a label, and its key a prefix of the name
        String version = operator + "model_version_";
        assertThat(sum(metrics, operator + "input_records_total")).isPositive();
        assertThat(sum(metrics, version + "predictions_total")).isPositive();
        assertThat(sum(metrics, version + "evaluated_predictions_total")).isPositive();
        assertThat(sum(metrics, version + "recent_mse")).isPositive().isFinite();
        assertThat(metrics).containsPattern(version + "latency_ms\\{[^}]*quantile=\"0.99\"")
                .containsPattern(version + "inference_us\\{[^}]*quantile=\"0.5\"")
                .containsPattern(operator + "reason_invalid_records_total\\{[^}]*reason=\"malformed_json\"")
                .containsPattern(operator + "reason_model_rejected_total\\{[^}]*reason=\"corrupt\"")
                .containsPattern(version + "model_role\\{[^}]*model_version=\"sp500_close_")
                .containsPattern(operator + "pendingRecords\\{");
    }

    /**
     * The real Prometheus (Debian's package; CI installs it) with {@code monitoring/prometheus.yml}, pointed at this
     * stack's port, scrapes the job: its query API returns the predictions counter.
     */
    private void assertPrometheusScrapesThemWithTheShippedConfig(int metricsPort) throws Exception {
        Path binary = Path.of("/usr/bin/prometheus");
        if (!Files.isExecutable(binary)) {
            assertThat(TOOLS_REQUIRED).as("CI=true, where scripts/test-setup.sh installs Debian's prometheus")
                    .isFalse();
            System.err.println("prometheus is not installed here: skipping the scrape check");
            return;
        }
        String shipped = Files.readString(PROJECT_ROOT.resolve("monitoring/prometheus.yml"));
        assertThat(shipped).contains("localhost:9249");
        Path config = dir.resolve("prometheus.yml");
        // the shipped alerting rules, loaded from beside the configuration as in monitoring/
        Files.copy(PROJECT_ROOT.resolve("monitoring/alerts.yml"), dir.resolve("alerts.yml"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(config, shipped.replace("localhost:9249", "127.0.0.1:" + metricsPort)
                .replace("scrape_interval: 5s", "scrape_interval: 1s"));
        int port = LocalKafkaBroker.freePort();
        Process prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("prometheus-data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            ObjectMapper json = new ObjectMapper();
            URI query = URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
                    + "sum(flink_taskmanager_job_task_operator_model_version_predictions_total)");
            Await.until("Prometheus to have scraped the job's predictions; its log: " + dir.resolve("prometheus.log"),
                    Duration.ofSeconds(60), () -> {
                        try {
                            JsonNode result = json.readTree(http.send(HttpRequest.newBuilder(query).build(),
                                    HttpResponse.BodyHandlers.ofString()).body()).path("data").path("result");
                            return result.size() > 0 && result.get(0).path("value").get(1).asDouble() > 0;
                        } catch (IOException notUpYet) {
                            return false; // Prometheus is still starting
                        }
                    });
            assertAlertingRulesEvaluateOnTheJobsMetrics(http, json, port);
        } finally {
            prometheus.destroy();
            prometheus.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Every rule of monitoring/alerts.yml is loaded and evaluates without error against the live metrics. */
    private static void assertAlertingRulesEvaluateOnTheJobsMetrics(HttpClient http, ObjectMapper json, int port)
            throws Exception {
        URI rules = URI.create("http://127.0.0.1:" + port + "/api/v1/rules");
        long shipped = Files.readAllLines(PROJECT_ROOT.resolve("monitoring/alerts.yml")).stream()
                .filter(line -> line.trim().startsWith("- alert:")).count();
        List<String> health = new ArrayList<>();
        Await.until(() -> "the " + shipped + " alerting rules of monitoring/alerts.yml to load and evaluate: "
                + health, Duration.ofSeconds(30), () -> {
            JsonNode loaded = json.readTree(http.send(HttpRequest.newBuilder(rules).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).path("data").path("groups").path(0).path("rules");
            health.clear();
            loaded.forEach(rule -> health.add(rule.path("name").asText() + "=" + rule.path("health").asText()));
            return loaded.size() == shipped && health.stream().allMatch(h -> h.endsWith("=ok"));
        });
    }

    /**
     * The live page in a real headless Chromium: every chart receives data points from the running stack (uPlot,
     * from its webjar), the forecasts come with their interval band and persistence beside them, and the page links
     * to the Flink web UI. A screenshot is kept as target/live-page.png.
     */
    private static void assertLivePagePlotsTheStream(int livePort, int webPort) throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        Path driver = Path.of("/usr/bin/chromedriver");
        if (!Files.isExecutable(chromium) || !Files.isExecutable(driver)) {
            assertThat(TOOLS_REQUIRED).as("CI=true, where scripts/test-setup.sh installs chromium and chromedriver")
                    .isFalse();
            System.err.println("chromium or chromedriver is not installed here: skipping the live page check");
            return;
        }
        ChromeOptions options = new ChromeOptions().setBinary(chromium.toFile()).addArguments("--headless=new",
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--window-size=1280,900");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile()).build();
        WebDriver browser = new ChromeDriver(service, options);
        try {
            browser.get("http://127.0.0.1:" + livePort + "/");
            // the error by steps ahead has one point per version and step, and persistence's: two for this model
            Map<String, Integer> charts = Map.of("series", 4, "error", 4, "steps", 2, "latency", 4, "throughput", 4);
            new WebDriverWait(browser, Duration.ofSeconds(60)).until(page -> charts.entrySet().stream().allMatch(
                    chart -> Integer.parseInt(page.findElement(By.id(chart.getKey())).getDomAttribute("data-points"))
                            >= chart.getValue()));
            Files.write(Path.of("target", "live-page.png"), ((TakesScreenshot) browser)
                    .getScreenshotAs(OutputType.BYTES));
            assertThat(browser.findElement(By.id("flink")).getDomProperty("href"))
                    .isEqualTo("http://localhost:" + webPort + "/");
            // drawn by uPlot: the actual values, the forecasts, persistence and the interval's two bounds
            assertThat(browser.findElements(By.cssSelector("#series canvas"))).hasSize(1);
            assertThat(browser.findElement(By.id("series")).getDomAttribute("data-series")).isEqualTo("5");
            assertThat(browser.findElements(By.cssSelector("#series .u-legend .u-series"))).hasSize(5);
            assertThat(browser.findElement(By.id("steps")).getDomAttribute("data-series")).isEqualTo("2");
        } finally {
            browser.quit();
        }
    }

    /** Sum of every sample of a metric (all subtasks and label sets), leaving out NaN: a subtask with no data yet. */
    private static double sum(String exposition, String metric) {
        double total = 0;
        for (String line : exposition.split("\n")) {
            if (line.startsWith(metric + "{") || line.startsWith(metric + " ")) {
                double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                total += Double.isNaN(value) ? 0 : value;
            }
        }
        return total;
    }

    private static void awaitOutput(Path log, String expected, Process stack) throws Exception {
        Await.until("'" + expected + "' in the output, " + log, Duration.ofSeconds(30), () -> {
            assertThat(stack.isAlive()).as("stack process is alive; its output is in " + log).isTrue();
            return Files.readString(log).contains(expected);
        });
    }

    private static void awaitRunningJob(int webPort, Process stack, Path log) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        Await.until("a RUNNING job in the web UI; output in " + log, Duration.ofMinutes(3), () -> {
            assertThat(stack.isAlive()).as("stack process is alive; its output is in " + log).isTrue();
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + webPort + "/jobs/overview")).build(),
                        HttpResponse.BodyHandlers.ofString());
                for (JsonNode job : json.readTree(response.body()).path("jobs")) {
                    if (job.path("state").asText().equals("RUNNING")) {
                        return true;
                    }
                }
            } catch (IOException notUpYet) {
                // the web UI is not listening yet
            }
            return false;
        });
    }
}
