package dev.streampredict.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streampredict.model.ModelArchive;
import dev.streampredict.model.ModelMetadata;
import dev.streampredict.model.RefusalReason;
import dev.streampredict.model.Standardizer;
import dev.streampredict.model.TargetMode;
import dev.streampredict.model.Task;
import dev.streampredict.model.TestArtifacts;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every field of a real artifact's {@code model.json} removed, nulled, given a value of each other JSON type, and
 * inflated, in turn: applying the record either succeeds with a model that scores, or ends in a counted refusal with
 * a reason; never another exception, and never more allocated than the memory budget.
 */
class HostileMetadataTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<RefusalReason> ARTIFACT_REASONS = EnumSet.of(RefusalReason.UNREADABLE,
            RefusalReason.CORRUPT, RefusalReason.TOO_LARGE, RefusalReason.OVER_BUDGET, RefusalReason.INVALID_METADATA,
            RefusalReason.MISMATCH, RefusalReason.NON_FINITE_OUTPUT);

    @Test
    void aForecastersMetadataAltered() throws Exception {
        ModelMetadata metadata = TestArtifacts.regression("v1", 4, TargetMode.LEVEL);
        int refused = checkEveryAlteration(metadata, TestArtifacts.networkFile(TestArtifacts.network(4, 1)));

        assertThat(refused).isGreaterThan(40); // the test alters what matters, not only what is ignored
    }

    @Test
    void aClassifiersMetadataAltered() throws Exception {
        ModelMetadata metadata = new ModelMetadata(ModelMetadata.CURRENT_FORMAT, "c1", Task.CLASSIFICATION, 1,
                List.of("a", "b", "c"), null, null, new Standardizer(new double[]{1, 2, 3}, new double[]{1, 1, 1}),
                List.of("x", "y"), "2026-01-01T00:00:00Z", "test", Map.of("accuracy", 0.9));
        int refused = checkEveryAlteration(metadata, TestArtifacts.networkFile(TestArtifacts.network(3, 2)));

        assertThat(refused).isGreaterThan(40);
    }

    /** @return how many alterations were refused */
    private static int checkEveryAlteration(ModelMetadata metadata, byte[] network) throws Exception {
        ObjectNode original = (ObjectNode) JSON.readTree(TestArtifacts.metadataJson(metadata));
        InputSchema schema = InputSchema.of(metadata);
        int refused = 0;
        for (Map.Entry<String, UnaryOperator<ObjectNode>> alteration : alterations(original).entrySet()) {
            byte[] archive = TestArtifacts.archive(JSON.writeValueAsBytes(alteration.getValue().apply(
                    original.deepCopy())), network);
            RegistryState state = new RegistryState();
            long before = TestArtifacts.allocatedSoFar();
            try {
                state.apply(new RegistryEntry.Artifact(metadata.modelVersion(), archive),
                        new ModelCheck(schema, TestArtifacts.LIMITS));
                // accepted: then it must serve
                assertThat(ModelArchive.parse(state.archive(metadata.modelVersion())).load(TestArtifacts.LIMITS))
                        .as(alteration.getKey()).isNotNull();
            } catch (Rejection rejection) {
                refused++;
                assertThat(rejection.reason()).as(alteration.getKey() + ": " + rejection.getMessage())
                        .isIn(ARTIFACT_REASONS);
                assertThat(rejection.getMessage()).as(alteration.getKey()).doesNotContain("\n")
                        .hasSizeLessThanOrEqualTo(Rejection.MAX_DETAIL + 32);
                assertThat(state.versions()).as(alteration.getKey()).isEmpty();
            }
            assertThat(TestArtifacts.allocatedSoFar() - before).as(alteration.getKey() + ": bytes allocated")
                    .isLessThan(TestArtifacts.LIMITS.memoryBudget());
        }
        return refused;
    }

    /** Each alteration of each field, nested ones too, by a name that says which. */
    private static Map<String, UnaryOperator<ObjectNode>> alterations(ObjectNode original) {
        Map<String, UnaryOperator<ObjectNode>> alterations = new LinkedHashMap<>();
        for (List<String> path : paths(original, List.of())) {
            String name = String.join(".", path);
            alterations.put(name + " removed", root -> remove(root, path));
            alterations.put(name + " null", root -> set(root, path, NODES.nullNode()));
            for (JsonNode other : List.of(NODES.textNode("x"), NODES.numberNode(7), NODES.numberNode(-1),
                    NODES.numberNode(1e300), NODES.booleanNode(true), NODES.arrayNode(), NODES.objectNode(),
                    NODES.textNode("a\nWARN forged line"))) {
                alterations.put(name + " = " + other, root -> set(root, path, other));
            }
            alterations.put(name + " inflated", root -> set(root, path, inflated(at(root, path))));
        }
        return alterations;
    }

    /** A value of the same kind, far over what the format allows. */
    private static JsonNode inflated(JsonNode value) {
        if (value.isArray()) {
            ArrayNode many = NODES.arrayNode();
            JsonNode element = value.isEmpty() ? NODES.textNode("x") : value.get(0);
            for (int i = 0; i < 1_000_000; i++) {
                many.add(element);
            }
            return many;
        }
        if (value.isNumber()) {
            return NODES.numberNode(Integer.MAX_VALUE);
        }
        return NODES.textNode("x".repeat(5 * 1024 * 1024));
    }

    private static List<List<String>> paths(JsonNode node, List<String> prefix) {
        List<List<String>> paths = new ArrayList<>();
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(field -> {
                List<String> path = new ArrayList<>(prefix);
                path.add(field);
                paths.add(path);
                paths.addAll(paths(node.get(field), path));
            });
        } else if (node.isArray() && !node.isEmpty()) {
            List<String> path = new ArrayList<>(prefix);
            path.add("0");
            paths.add(path);
        }
        return paths;
    }

    private static JsonNode at(JsonNode root, List<String> path) {
        JsonNode node = root;
        for (String step : path) {
            node = node.isArray() ? node.get(Integer.parseInt(step)) : node.get(step);
        }
        return node;
    }

    private static ObjectNode set(ObjectNode root, List<String> path, JsonNode value) {
        JsonNode parent = at(root, path.subList(0, path.size() - 1));
        String last = path.get(path.size() - 1);
        if (parent instanceof ArrayNode array) {
            array.set(Integer.parseInt(last), value);
        } else {
            ((ObjectNode) parent).set(last, value);
        }
        return root;
    }

    private static ObjectNode remove(ObjectNode root, List<String> path) {
        JsonNode parent = at(root, path.subList(0, path.size() - 1));
        String last = path.get(path.size() - 1);
        if (parent instanceof ArrayNode array) {
            array.remove(Integer.parseInt(last));
        } else {
            ((ObjectNode) parent).remove(last);
        }
        return root;
    }
}
