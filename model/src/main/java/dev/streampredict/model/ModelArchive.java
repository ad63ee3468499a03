package dev.streampredict.model;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A model artifact as one value: a zip holding {@value ModelArtifact#METADATA_FILE} and
 * {@value ModelArtifact#NETWORK_FILE}, as a registry record carries it and a job keeps it in state. The metadata is
 * read when the archive is opened; the network only by {@link #load()}.
 */
public final class ModelArchive {

    private final ModelMetadata metadata;
    private final byte[] bytes;

    private ModelArchive(ModelMetadata metadata, byte[] bytes) {
        this.metadata = metadata;
        this.bytes = bytes;
    }

    /** Packs the artifact at {@code location} (a directory or {@code classpath:…}). */
    public static ModelArchive of(String location) {
        ModelMetadata metadata = ModelArtifact.readMetadata(location);
        byte[] network = ModelArtifact.readFile(location, ModelArtifact.NETWORK_FILE);
        ByteArrayOutputStream out = new ByteArrayOutputStream(network.length + 4096);
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            // metadata first: a reader that wants only the metadata stops after one entry
            zip.putNextEntry(new ZipEntry(ModelArtifact.METADATA_FILE));
            zip.write(ModelArtifact.metadataJson(metadata));
            zip.closeEntry();
            // network.zip is already compressed
            zip.setLevel(0);
            zip.putNextEntry(new ZipEntry(ModelArtifact.NETWORK_FILE));
            zip.write(network);
            zip.closeEntry();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory does not fail", e);
        }
        return new ModelArchive(metadata, out.toByteArray());
    }

    /** Opens an archive made by {@link #of}, reading its metadata; throws {@link ModelArtifactException}. */
    public static ModelArchive parse(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new ModelArtifactException("model archive is empty");
        }
        return new ModelArchive(ModelArtifact.parseMetadata(entry(bytes, ModelArtifact.METADATA_FILE),
                "model.json in the archive"), bytes);
    }

    public ModelMetadata metadata() {
        return metadata;
    }

    public String version() {
        return metadata.modelVersion();
    }

    /** The metadata as {@code model.json} holds it. */
    public byte[] metadataJson() {
        return ModelArtifact.metadataJson(metadata);
    }

    /** The archive as stored; not copied, so callers must not change it. */
    public byte[] bytes() {
        return bytes;
    }

    /** Loads the network and checks that it fits the metadata; throws {@link ModelArtifactException}. */
    public Predictor load() {
        return ModelArtifact.loadNetwork(metadata, entry(bytes, ModelArtifact.NETWORK_FILE),
                "network.zip in the archive of " + version());
    }

    private static InputStream entry(byte[] bytes, String name) {
        List<String> seen = new ArrayList<>();
        try {
            ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes));
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                seen.add(entry.getName());
                if (entry.getName().equals(name)) {
                    return new ByteArrayInputStream(zip.readAllBytes());
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelArtifactException("model archive is not a readable zip (" + e.getMessage()
                    + "); publish it again from the model directory", e);
        }
        throw new ModelArtifactException("model archive has no " + name + " (it holds " + seen
                + "); publish it again from a complete model directory");
    }
}
