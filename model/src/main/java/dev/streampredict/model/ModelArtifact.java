package dev.streampredict.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A model artifact: a directory (or a classpath folder, {@code classpath:models/sp500}) holding
 * {@value #METADATA_FILE}, the {@link ModelMetadata}, and {@value #NETWORK_FILE}, the DL4J network.
 */
public final class ModelArtifact {

    public static final String METADATA_FILE = "model.json";
    public static final String NETWORK_FILE = "network.zip";
    public static final String CLASSPATH_PREFIX = "classpath:";
    /** Ends every message about an artifact that cannot be read. */
    private static final String WHAT_TO_DO = "Retrain the model or restore the file from a good copy.";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private ModelArtifact() {
    }

    public static void save(Path directory, ModelMetadata metadata, MultiLayerNetwork network) throws IOException {
        Files.createDirectories(directory);
        Path networkTmp = directory.resolve(NETWORK_FILE + ".tmp");
        ModelSerializer.writeModel(network, networkTmp.toFile(), false);
        Files.move(networkTmp, directory.resolve(NETWORK_FILE), StandardCopyOption.REPLACE_EXISTING);
        // Metadata last: its presence marks a complete artifact.
        JSON.writeValue(directory.resolve(METADATA_FILE).toFile(), metadata);
    }

    public static boolean exists(Path directory) {
        return Files.isRegularFile(directory.resolve(METADATA_FILE))
                && Files.isRegularFile(directory.resolve(NETWORK_FILE));
    }

    /** Reads only the metadata: cheap, for operators that validate input against the model's features. */
    public static ModelMetadata readMetadata(String location) {
        try (InputStream in = open(location, METADATA_FILE)) {
            return parseMetadata(in, describe(location, METADATA_FILE));
        } catch (IOException e) {
            throw new ModelArtifactException("model metadata " + describe(location, METADATA_FILE)
                    + " is not readable: " + e.getMessage() + ". " + WHAT_TO_DO, e);
        }
    }

    /** Loads metadata and network and checks that they fit together. */
    public static Predictor load(String location) {
        ModelMetadata metadata = readMetadata(location);
        try (InputStream in = open(location, NETWORK_FILE)) {
            return loadNetwork(metadata, in, describe(location, NETWORK_FILE));
        } catch (IOException e) {
            throw new ModelArtifactException("model network " + describe(location, NETWORK_FILE)
                    + " is not readable: " + e.getMessage(), e);
        }
    }

    /** Both files of the artifact at {@code location}, as they are stored. */
    static byte[] readFile(String location, String name) {
        try (InputStream in = open(location, name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new ModelArtifactException("model file " + describe(location, name) + " is not readable: "
                    + e.getMessage(), e);
        }
    }

    /** @param where names the file in error messages */
    static ModelMetadata parseMetadata(InputStream in, String where) {
        ModelMetadata metadata;
        try {
            metadata = JSON.readValue(in, ModelMetadata.class);
        } catch (Exception e) {
            throw new ModelArtifactException("model metadata " + where + " is not readable: " + e.getMessage()
                    + ". " + WHAT_TO_DO, e);
        }
        if (metadata.formatVersion() != ModelMetadata.CURRENT_FORMAT) {
            throw new ModelArtifactException("model metadata " + where + " has format version "
                    + metadata.formatVersion() + "; this build reads version " + ModelMetadata.CURRENT_FORMAT
                    + ". Retrain the model with this build.");
        }
        return metadata;
    }

    static byte[] metadataJson(ModelMetadata metadata) {
        try {
            return JSON.writeValueAsBytes(metadata);
        } catch (IOException e) {
            throw new IllegalStateException("model metadata is always serialisable", e);
        }
    }

    /** @param where names the file in error messages */
    static Predictor loadNetwork(ModelMetadata metadata, InputStream in, String where) {
        MultiLayerNetwork network;
        try {
            network = ModelSerializer.restoreMultiLayerNetwork(in, false);
        } catch (Exception | LinkageError e) {
            throw new ModelArtifactException("model network " + where + " is corrupt or truncated ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "). " + WHAT_TO_DO, e);
        }
        long inputs = network.layerInputSize(0);
        long outputs = outputSize(network);
        if (inputs != metadata.networkInputs() || outputs != metadata.networkOutputs()) {
            throw new ModelArtifactException("model network " + where + " takes " + inputs + " inputs and gives "
                    + outputs + " outputs, but its metadata describes " + metadata.networkInputs() + " and "
                    + metadata.networkOutputs() + ": the two files come from different models. Retrain.");
        }
        return new Predictor(metadata, network);
    }

    /** Size of the last layer that has one: activation-only layers (an imported model's softmax) report 0. */
    private static long outputSize(MultiLayerNetwork network) {
        for (int i = network.getnLayers() - 1; i >= 0; i--) {
            if (network.layerSize(i) > 0) {
                return network.layerSize(i);
            }
        }
        return 0;
    }

    private static InputStream open(String location, String name) throws IOException {
        if (location.startsWith(CLASSPATH_PREFIX)) {
            String resource = location.substring(CLASSPATH_PREFIX.length()).replaceAll("^/+|/+$", "") + "/" + name;
            InputStream in = ModelArtifact.class.getClassLoader().getResourceAsStream(resource);
            if (in == null) {
                throw new ModelArtifactException("model file " + resource + " is not on the classpath. "
                        + "Package the artifact into the jar under that path, or pass a filesystem path.");
            }
            return in;
        }
        Path path = Path.of(location).resolve(name);
        if (!Files.isRegularFile(path)) {
            throw new ModelArtifactException("model file " + path.toAbsolutePath() + " does not exist. "
                    + "Train a model into " + Path.of(location).toAbsolutePath()
                    + " first (see README: model-training), or give the directory of a trained model.");
        }
        return Files.newInputStream(path);
    }

    private static String describe(String location, String name) {
        return location.startsWith(CLASSPATH_PREFIX)
                ? location + "/" + name
                : Path.of(location).resolve(name).toAbsolutePath().toString();
    }
}
