package dev.streampredict.model;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Archives as anyone with write access to the registry could make them: every size is refused before it is
 * allocated, so that opening or loading one costs at most the memory budget, and ends in a refusal with its reason.
 */
class HostileArchiveTest {

    private static final long FOUR_GIB = 4L << 30;
    private static final ModelLimits LIMITS = TestArtifacts.LIMITS;

    private final byte[] metadata = TestArtifacts.metadataJson(TestArtifacts.regression("v1", 4, TargetMode.LEVEL));
    private final byte[] network = TestArtifacts.networkFile(TestArtifacts.network(4, 1));

    @Test
    void aGoodArchiveMadeHereLoads() {
        ModelArchive archive = ModelArchive.parse(TestArtifacts.archive(metadata, network));

        assertThat(archive.load(LIMITS).forecast(new double[][]{{1, 2, 3, 4}}, 1)).hasSize(1);
    }

    @Test
    void aMetadataEntryThatInflatesToGigabytesIsRefusedAtItsCap() {
        byte[] bomb = new ZipBuilder().bomb(ModelArtifact.METADATA_FILE, FOUR_GIB).bytes();

        assertThat(bomb.length).isLessThan(ModelLimits.MAX_ARCHIVE_BYTES);
        assertRefused(() -> ModelArchive.parse(bomb), RefusalReason.TOO_LARGE,
                "model.json inflates to more than 4.0 MB");
    }

    @Test
    void aNetworkEntryThatInflatesToGigabytesIsRefusedAtTheBudget() {
        ModelArchive archive = ModelArchive.parse(new ZipBuilder().entry(ModelArtifact.METADATA_FILE, metadata)
                .bomb(ModelRuntime.DL4J.fileName(), FOUR_GIB).bytes());

        assertRefused(() -> archive.load(LIMITS), RefusalReason.OVER_BUDGET, "--model-memory-budget");
    }

    @ParameterizedTest
    @ValueSource(strings = {"configuration.json", "coefficients.bin", "updaterState.bin", "noParams.marker"})
    void everyEntryOfTheNetworkFileIsReadAgainstItsCap(String entry) {
        byte[] bombed = new ZipBuilder().entry("configuration.json", "{}".getBytes(StandardCharsets.UTF_8))
                .bomb(entry, FOUR_GIB).bytes();
        ModelArchive archive = ModelArchive.parse(TestArtifacts.archive(metadata, bombed));

        ModelArtifactException refused = refusal(() -> archive.load(LIMITS));
        assertThat(refused.reason()).isIn(RefusalReason.TOO_LARGE, RefusalReason.OVER_BUDGET,
                RefusalReason.CORRUPT); // configuration.json twice is corrupt; the others over their cap
        if (!entry.equals("configuration.json")) {
            assertThat(refused).hasMessageContaining(entry).hasMessageContaining("inflates to more than");
        }
    }

    @Test
    void tooManyEntriesRepeatedEntriesAndForeignEntriesAreRefused() {
        ZipBuilder many = new ZipBuilder().entry(ModelArtifact.METADATA_FILE, metadata);
        for (int i = 0; i < ModelLimits.MAX_ENTRIES; i++) {
            many.entry("configuration.json" + i, new byte[1]);
        }
        byte[] manyInNetwork = many.bytes();
        ModelArchive archive = ModelArchive.parse(TestArtifacts.archive(metadata, manyInNetwork));
        assertRefused(() -> archive.load(LIMITS), RefusalReason.CORRUPT, "");

        byte[] twice = new ZipBuilder().entry(ModelArtifact.METADATA_FILE, metadata)
                .entry(ModelRuntime.DL4J.fileName(), network).entry(ModelRuntime.DL4J.fileName(), network).bytes();
        assertRefused(() -> ModelArchive.parse(twice).load(LIMITS), RefusalReason.UNREADABLE, "twice");

        byte[] networkFirst = new ZipBuilder().entry(ModelRuntime.DL4J.fileName(), network)
                .entry(ModelArtifact.METADATA_FILE, metadata).bytes();
        assertRefused(() -> ModelArchive.parse(networkFirst), RefusalReason.UNREADABLE, "not with model.json");
    }

    @Test
    void anArchiveOverTheRecordLimitIsRefusedBeforeItIsRead() {
        byte[] huge = new byte[ModelLimits.MAX_ARCHIVE_BYTES + 1];

        assertRefused(() -> ModelArchive.parse(huge), RefusalReason.TOO_LARGE, "over the format's limit");
    }

    @Test
    void aConsistentNetworkTooWideForTheBudgetIsRefusedBeforeItsWeightsAreRead() {
        // a classifier of 10,000 features into 1,000,000 hidden units: 10^10 weights, a few KB on the wire
        int features = ModelLimits.MAX_FEATURES;
        byte[] wide = networkFileOf(TestArtifacts.configuration(features, 1_000_000, 2), new byte[16]);
        byte[] wideMetadata = TestArtifacts.metadataJson(classifier(features));
        ModelArchive archive = ModelArchive.parse(TestArtifacts.archive(wideMetadata, wide));

        long before = TestArtifacts.allocatedSoFar();
        assertRefused(() -> archive.load(LIMITS), RefusalReason.OVER_BUDGET, "10003000002 parameters");
        assertThat(TestArtifacts.allocatedSoFar() - before).isLessThan(LIMITS.memoryBudget());
    }

    @Test
    void aNetworkOneInputShortOfItsMetadataIsRefusedWithoutLoadingIt() {
        int features = ModelLimits.MAX_FEATURES;
        byte[] wide = networkFileOf(TestArtifacts.configuration(features, 1_000, 2), new byte[16]);
        byte[] shortMetadata = TestArtifacts.metadataJson(classifier(features - 1));
        ModelArchive archive = ModelArchive.parse(TestArtifacts.archive(shortMetadata, wide));

        long before = TestArtifacts.allocatedSoFar();
        assertRefused(() -> archive.load(new ModelLimits(1L << 40, 128)), RefusalReason.CORRUPT,
                "takes 10000 inputs");
        assertThat(TestArtifacts.allocatedSoFar() - before).isLessThan(LIMITS.memoryBudget());
    }

    @Test
    void weightsWhoseHeaderClaimsMoreThanTheConfigurationNeedsAreRefusedBeforeNd4jAllocatesThem() {
        byte[] coefficients = coefficientsOf(network);
        int lengthAt = lengthOfValues(coefficients);
        for (long claimed : new long[]{1L << 40, -1, 0, 18}) {
            byte[] tampered = coefficients.clone();
            ByteBuffer.wrap(tampered).putLong(lengthAt, claimed);
            byte[] file = networkFileOf(TestArtifacts.configuration(4, 3, 1), tampered);
            ModelArchive archive = ModelArchive.parse(TestArtifacts.archive(metadata, file));

            assertRefused(() -> archive.load(LIMITS), RefusalReason.CORRUPT, "weights");
        }
        byte[] cut = networkFileOf(TestArtifacts.configuration(4, 3, 1),
                Arrays.copyOf(coefficients, coefficients.length - 4));
        assertRefused(() -> ModelArchive.parse(TestArtifacts.archive(metadata, cut)).load(LIMITS),
                RefusalReason.CORRUPT, "cut short");
    }

    @Test
    void aNetworkConfigurationNestedDeeplyEnoughToOverflowAParserIsRefusedFirst() {
        byte[] deep = ("{\"confs\":" + "[".repeat(500_000)).getBytes(StandardCharsets.UTF_8);
        byte[] file = new ZipBuilder().entry("configuration.json", deep).entry("coefficients.bin", new byte[16])
                .bytes();

        assertRefused(() -> ModelArchive.parse(TestArtifacts.archive(metadata, file)).load(LIMITS),
                RefusalReason.TOO_LARGE, "nested more than");
    }

    @Test
    void garbageWhereTheNetworkBelongsIsCorrupt() {
        byte[] garbage = "not a network".getBytes(StandardCharsets.UTF_8);

        assertRefused(() -> ModelArchive.parse(TestArtifacts.archive(metadata, garbage)).load(LIMITS),
                RefusalReason.CORRUPT, "corrupt or truncated");
    }

    private static ModelMetadata classifier(int features) {
        double[] zeros = new double[features];
        double[] ones = new double[features];
        Arrays.fill(ones, 1);
        return new ModelMetadata(ModelMetadata.CURRENT_FORMAT, "wide", Task.CLASSIFICATION, 1,
                IntStream.range(0, features).mapToObj(i -> "f" + i).toList(), null, null,
                new Standardizer(zeros, ones), List.of("a", "b"), "t", "d", Map.of());
    }

    private static byte[] networkFileOf(MultiLayerConfiguration configuration, byte[] coefficients) {
        return new ZipBuilder().entry("configuration.json", configuration.toJson().getBytes(StandardCharsets.UTF_8))
                .entry("coefficients.bin", coefficients).bytes();
    }

    /** coefficients.bin of a real network file. */
    private static byte[] coefficientsOf(byte[] networkFile) {
        try (var zip = new ZipInputStream(new ByteArrayInputStream(networkFile))) {
            for (var entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                if (entry.getName().equals("coefficients.bin")) {
                    return zip.readAllBytes();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("no coefficients.bin");
    }

    /** Where the values' length sits: after the shape buffer and the values' allocation mode. */
    private static int lengthOfValues(byte[] coefficients) {
        ByteBuffer in = ByteBuffer.wrap(coefficients);
        skipUtf(in);
        long shapeLength = in.getLong();
        skipUtf(in);
        in.position(in.position() + (int) shapeLength * Long.BYTES);
        skipUtf(in);
        return in.position();
    }

    private static void skipUtf(ByteBuffer in) {
        in.position(in.position() + 2 + in.getShort());
    }

    private static void assertRefused(Supplier<?> opening, RefusalReason reason, String message) {
        ModelArtifactException refused = refusal(opening);
        assertThat(refused.reason()).as(refused.getMessage()).isEqualTo(reason);
        assertThat(refused).hasMessageContaining(message);
    }

    private static ModelArtifactException refusal(Supplier<?> opening) {
        ModelArtifactException refused = catchThrowableOfType(opening::get, ModelArtifactException.class);
        assertThat(refused).as("refused").isNotNull();
        return refused;
    }
}
