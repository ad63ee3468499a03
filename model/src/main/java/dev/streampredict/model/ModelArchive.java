package dev.streampredict.model;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A model artifact as one value: a zip holding {@value ModelArtifact#METADATA_FILE} and the network file of its
 * {@link ModelRuntime}, as a registry record carries it and a job keeps it in state. The metadata is
 * read when the archive is opened; the network only by {@link #load}. Both are read against the limits of
 * {@link ModelLimits}: an archive from a record is untrusted bytes.
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
        String networkFile = metadata.runtime().fileName();
        byte[] network = ModelArtifact.readFile(location, networkFile,
                BoundedZip.Cap.format(ModelLimits.MAX_ARCHIVE_BYTES));
        ByteArrayOutputStream out = new ByteArrayOutputStream(network.length + 4096);
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            // metadata first: a reader that wants only the metadata stops after one entry
            zip.putNextEntry(new ZipEntry(ModelArtifact.METADATA_FILE));
            zip.write(ModelArtifact.metadataJson(metadata));
            zip.closeEntry();
            // network.zip is already compressed; an ONNX file, mostly floats, would gain little
            zip.setLevel(0);
            zip.putNextEntry(new ZipEntry(networkFile));
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
            throw new ModelArtifactException(RefusalReason.UNREADABLE, "model archive is empty");
        }
        if (bytes.length > ModelLimits.MAX_ARCHIVE_BYTES) {
            throw new ModelArtifactException(RefusalReason.TOO_LARGE, "model archive has "
                    + ModelLimits.megabytes(bytes.length) + ", over the format's limit of "
                    + ModelLimits.megabytes(ModelLimits.MAX_ARCHIVE_BYTES));
        }
        byte[] json = BoundedZip.read(bytes, Map.of(ModelArtifact.METADATA_FILE,
                BoundedZip.Cap.format(ModelLimits.MAX_JSON_BYTES)), ModelArtifact.METADATA_FILE, "model archive")
                .get(ModelArtifact.METADATA_FILE);
        if (json == null) {
            throw new ModelArtifactException(RefusalReason.UNREADABLE, "model archive has no "
                    + ModelArtifact.METADATA_FILE + "; publish it again from a complete model directory");
        }
        return new ModelArchive(ModelArtifact.parseMetadata(json, "model.json in the archive"), bytes);
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

    /** {@link #load(ModelLimits)} with the limits of this process: for a tool, not for a job. */
    public Predictor load() {
        return load(ModelLimits.ofThisProcess());
    }

    /** Loads the network and checks that it fits the metadata and the limits; throws {@link ModelArtifactException}. */
    public Predictor load(ModelLimits limits) {
        String networkFile = metadata.runtime().fileName();
        String where = networkFile + " in the archive of " + version();
        byte[] network = BoundedZip.read(bytes, Map.of(
                ModelArtifact.METADATA_FILE, BoundedZip.Cap.format(ModelLimits.MAX_JSON_BYTES),
                networkFile, BoundedZip.Cap.budget(limits.memoryBudget() / 2)), null, "model archive")
                .get(networkFile);
        if (network == null) {
            throw new ModelArtifactException(RefusalReason.UNREADABLE, "model archive of " + version() + " has no "
                    + networkFile + "; publish it again from a complete model directory");
        }
        return ModelArtifact.loadNetwork(metadata, network, where, limits);
    }
}
