package dev.streampredict.cluster;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Checks a document against a Kubernetes structural schema (a CRD's {@code openAPIV3Schema}) as the API server
 * would, and stricter: a field the schema does not name is refused unless the schema keeps unknown fields
 * ({@code x-kubernetes-preserve-unknown-fields}) or gives {@code additionalProperties}. The published schemas leave
 * unknown fields to be dropped silently, so a misspelled field would otherwise pass and do nothing.
 */
final class StrictSchema {

    private final JsonNode schema;

    StrictSchema(JsonNode schema) {
        this.schema = schema;
    }

    /** Every violation, each with the path of the field, as {@code spec.job.upgradeMod: not in the schema}. */
    List<String> violations(JsonNode document, String path) {
        List<String> found = new ArrayList<>();
        check(schema, document, path, found);
        return found;
    }

    private static void check(JsonNode schema, JsonNode value, String path, List<String> found) {
        if (schema.path("x-kubernetes-int-or-string").asBoolean()) {
            if (!value.isIntegralNumber() && !value.isTextual()) {
                found.add(path + ": expected an integer or a string, got " + kind(value));
            }
            return;
        }
        if (schema.has("anyOf")) {
            for (JsonNode option : schema.path("anyOf")) {
                List<String> none = new ArrayList<>();
                check(option, value, path, none);
                if (none.isEmpty()) {
                    return;
                }
            }
            found.add(path + ": matches none of its schema's alternatives");
            return;
        }
        if (schema.has("enum") && !contains(schema.path("enum"), value)) {
            found.add(path + ": " + value + " is not one of " + schema.path("enum"));
            return;
        }
        String type = schema.path("type").asText("");
        switch (type) {
            case "object" -> object(schema, value, path, found);
            case "array" -> {
                if (!value.isArray()) {
                    found.add(path + ": expected a list, got " + kind(value));
                    return;
                }
                for (int i = 0; i < value.size(); i++) {
                    check(schema.path("items"), value.get(i), path + "[" + i + "]", found);
                }
            }
            case "string" -> expect(value.isTextual(), "a string", value, path, found);
            case "integer" -> expect(value.isIntegralNumber(), "an integer", value, path, found);
            case "number" -> expect(value.isNumber(), "a number", value, path, found);
            case "boolean" -> expect(value.isBoolean(), "true or false", value, path, found);
            default -> {
                if (!schema.path("x-kubernetes-preserve-unknown-fields").asBoolean() && !schema.isEmpty()) {
                    found.add(path + ": the schema has no type here (" + schema + ")");
                }
            }
        }
    }

    private static void object(JsonNode schema, JsonNode value, String path, List<String> found) {
        if (!value.isObject()) {
            found.add(path + ": expected a map, got " + kind(value));
            return;
        }
        boolean keepsUnknown = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean();
        JsonNode properties = schema.path("properties");
        JsonNode additional = schema.get("additionalProperties");
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String at = path + "." + field.getKey();
            if (properties.has(field.getKey())) {
                check(properties.get(field.getKey()), field.getValue(), at, found);
            } else if (additional != null && additional.isObject()) {
                check(additional, field.getValue(), at, found);
            } else if (!keepsUnknown) {
                found.add(at + ": not in the schema" + near(field.getKey(), properties));
            }
        }
    }

    /** The name the schema has that differs least, as a hint for a misspelling. */
    private static String near(String name, JsonNode properties) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Iterator<String> it = properties.fieldNames(); it.hasNext(); ) {
            String candidate = it.next();
            int d = distance(name, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= 3 ? " (did you mean " + best + "?)" : "";
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int[] current = new int[b.length() + 1];
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            previous = current;
        }
        return previous[b.length()];
    }

    private static void expect(boolean holds, String what, JsonNode value, String path, List<String> found) {
        if (!holds) {
            found.add(path + ": expected " + what + ", got " + kind(value) + " " + value);
        }
    }

    private static boolean contains(JsonNode values, JsonNode value) {
        for (JsonNode v : values) {
            if (v.equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static String kind(JsonNode value) {
        return value.getNodeType().name().toLowerCase();
    }
}
