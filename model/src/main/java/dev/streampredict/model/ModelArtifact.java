package dev.streampredict.model;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Collectors;

/**
 * A model artifact: a directory (or a classpath folder, {@code classpath:models/sp500}) holding
 * {@value #METADATA_FILE}, the {@link ModelMetadata}, and the network in the file of its {@link ModelRuntime}
 * ({@code network.zip} for DL4J, {@code model.onnx} for ONNX).
 */
public final class ModelArtifact {

    public static final String METADATA_FILE = "model.json";
    public static final String CLASSPATH_PREFIX = "classpath:";
    /** Ends every message about an artifact that cannot be read. */
    private static final String WHAT_TO_DO = "Retrain the model or restore the file from a good copy.";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private ModelArtifact() {
    }

    /** Saves a DL4J network with its metadata. */
    public static void save(Path directory, ModelMetadata metadata, MultiLayerNetwork network) throws IOException {
        if (metadata.runtime() != ModelRuntime.DL4J) {
            throw new IllegalArgumentException("model " + metadata.modelVersion() + " is a " + metadata.runtime()
                    + " model, not a DL4J network");
        }
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        ModelSerializer.writeModel(network, file, false);
        save(directory, metadata, file.toByteArray());
    }

    /** Saves a network file as its runtime reads it (an ONNX model as exported), with its metadata. */
    public static void save(Path directory, ModelMetadata metadata, byte[] networkFile) throws IOException {
        Files.createDirectories(directory);
        Path networkTmp = directory.resolve(metadata.runtime().fileName() + ".tmp");
        Files.write(networkTmp, networkFile);
        Files.move(networkTmp, directory.resolve(metadata.runtime().fileName()), StandardCopyOption.REPLACE_EXISTING);
        // the metadata last: its presence marks a complete artifact; a network file of another runtime goes first
        for (ModelRuntime other : ModelRuntime.values()) {
            if (other != metadata.runtime()) {
                Files.deleteIfExists(directory.resolve(other.fileName()));
            }
        }
        JSON.writeValue(directory.resolve(METADATA_FILE).toFile(), metadata);
    }

    /** Whether {@code directory} holds a complete artifact: its metadata and the network file it names. */
    public static boolean exists(Path directory) {
        if (!Files.isRegularFile(directory.resolve(METADATA_FILE))) {
            return false;
        }
        try {
            return Files.isRegularFile(directory.resolve(readMetadata(directory.toString()).runtime().fileName()));
        } catch (ModelArtifactException e) {
            return false;
        }
    }

    /** Reads only the metadata: cheap, for operators that validate input against the model's features. */
    public static ModelMetadata readMetadata(String location) {
        return parseMetadata(readFile(location, METADATA_FILE, BoundedZip.Cap.format(ModelLimits.MAX_JSON_BYTES)),
                describe(location, METADATA_FILE));
    }

    /** Loads metadata and network and checks that they fit together, within the limits of this process. */
    public static Predictor load(String location) {
        ModelLimits limits = ModelLimits.ofThisProcess();
        ModelMetadata metadata = readMetadata(location);
        String network = metadata.runtime().fileName();
        return loadNetwork(metadata, readFile(location, network, BoundedZip.Cap.budget(limits.memoryBudget() / 2)),
                describe(location, network), limits);
    }

    /** A file of the artifact at {@code location}, as it is stored, refused if it holds more than {@code cap}. */
    static byte[] readFile(String location, String name, BoundedZip.Cap cap) {
        try (InputStream in = open(location, name)) {
            return BoundedZip.readCapped(in, cap, "model file " + describe(location, name));
        } catch (IOException e) {
            throw new ModelArtifactException(RefusalReason.UNREADABLE, "model file " + describe(location, name)
                    + " is not readable: " + e.getMessage(), e);
        }
    }

    /** @param where names the file in error messages */
    static ModelMetadata parseMetadata(byte[] json, String where) {
        JsonShape.check(json, "model metadata " + where);
        ModelMetadata metadata;
        try {
            metadata = JSON.readValue(json, ModelMetadata.class);
        } catch (ValueInstantiationException e) { // the record's own checks
            throw new ModelArtifactException(RefusalReason.INVALID_METADATA, "model metadata " + where + ": "
                    + Untrusted.text(String.valueOf(e.getCause() != null ? e.getCause().getMessage()
                    : e.getOriginalMessage()), 400) + ". " + WHAT_TO_DO, e);
        } catch (JsonParseException e) {
            throw new ModelArtifactException(RefusalReason.UNREADABLE, "model metadata " + where + " is not JSON: "
                    + Untrusted.text(e.getOriginalMessage()) + ". " + WHAT_TO_DO, e);
        } catch (JsonProcessingException e) { // a value of the wrong type, or out of its type's range
            throw new ModelArtifactException(RefusalReason.INVALID_METADATA, "model metadata " + where
                    + (e instanceof JsonMappingException m ? ": field '" + fieldOf(m) + "'" : "") + " has a value of "
                    + "the wrong type (" + Untrusted.text(e.getOriginalMessage()) + "). " + WHAT_TO_DO, e);
        } catch (IOException | RuntimeException e) {
            throw new ModelArtifactException(RefusalReason.UNREADABLE, "model metadata " + where + " is not "
                    + "readable: " + Untrusted.text(String.valueOf(e.getMessage())) + ". " + WHAT_TO_DO, e);
        }
        if (metadata == null) {
            throw new ModelArtifactException(RefusalReason.UNREADABLE, "model metadata " + where + " is JSON null. "
                    + WHAT_TO_DO);
        }
        if (metadata.formatVersion() != ModelMetadata.CURRENT_FORMAT) {
            throw new ModelArtifactException(RefusalReason.INVALID_METADATA, "model metadata " + where
                    + " has format version " + metadata.formatVersion() + "; this build reads version "
                    + ModelMetadata.CURRENT_FORMAT + ". Retrain the model with this build.");
        }
        return metadata;
    }

    private static String fieldOf(JsonMappingException e) {
        return e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .map(Untrusted::text).collect(Collectors.joining("."));
    }

    static byte[] metadataJson(ModelMetadata metadata) {
        try {
            return JSON.writeValueAsBytes(metadata);
        } catch (IOException e) {
            throw new IllegalStateException("model metadata is always serialisable", e);
        }
    }

    /** @param where names the file in error messages */
    static Predictor loadNetwork(ModelMetadata metadata, byte[] network, String where, ModelLimits limits) {
        return new Predictor(metadata, metadata.runtime().load(network, metadata, limits, where));
    }

    private static InputStream open(String location, String name) throws IOException {
        if (location.startsWith(CLASSPATH_PREFIX)) {
            String resource = location.substring(CLASSPATH_PREFIX.length()).replaceAll("^/+|/+$", "") + "/" + name;
            InputStream in = ModelArtifact.class.getClassLoader().getResourceAsStream(resource);
            if (in == null) {
                throw new ModelArtifactException(RefusalReason.UNREADABLE, "model file " + resource
                        + " is not on the classpath. "
                        + "Package the artifact into the jar under that path, or pass a filesystem path.");
            }
            return in;
        }
        Path path = Path.of(location).resolve(name);
        if (!Files.isRegularFile(path)) {
            throw new ModelArtifactException(RefusalReason.UNREADABLE, "model file " + path.toAbsolutePath()
                    + " does not exist. "
                    + "Train a model into " + Path.of(location).toAbsolutePath()
                    + " first (see docs/components.md: Training), or give the directory of a trained model.");
        }
        return Files.newInputStream(path);
    }

    private static String describe(String location, String name) {
        return location.startsWith(CLASSPATH_PREFIX)
                ? location + "/" + name
                : Path.of(location).resolve(name).toAbsolutePath().toString();
    }
}
