package dev.streampredict.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bytedeco.hdf5.Attribute;
import org.bytedeco.hdf5.DataSet;
import org.bytedeco.hdf5.DataSpace;
import org.bytedeco.hdf5.Group;
import org.bytedeco.hdf5.H5File;
import org.bytedeco.hdf5.PredType;
import org.bytedeco.hdf5.StrType;
import org.bytedeco.hdf5.global.hdf5;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.modelimport.keras.Hdf5Archive;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keras HDF5 files of other shapes, made from the peer's Sequential classifier by rewriting what Keras writes: its
 * {@code model_config} and, for a new last layer, that layer's weights. No Python is needed, and the files are
 * what Keras itself would write for such models.
 */
final class KerasFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private KerasFiles() {
    }

    /** The same layers as a functional model, each fed by the one before: one network, as Keras writes it. */
    static Path asFunctional(Path sequential, Path copy) throws Exception {
        Files.copy(sequential, copy);
        ObjectNode model = config(sequential);
        ObjectNode config = (ObjectNode) model.get("config");
        String first = null;
        String previous = null;
        for (JsonNode node : config.get("layers")) {
            ObjectNode layer = (ObjectNode) node;
            String name = layer.get("config").get("name").asText();
            layer.put("name", name);
            ArrayNode inbound = layer.putArray("inbound_nodes");
            if (previous != null) {
                inbound.addArray().addArray().add(previous).add(0).add(0).addObject();
            }
            first = first == null ? name : first;
            previous = name;
        }
        model.put("class_name", "Functional");
        config.putArray("input_layers").addArray().add(first).add(0).add(0);
        config.putArray("output_layers").addArray().add(previous).add(0).add(0);
        writeConfig(copy, model);
        return copy;
    }

    /**
     * A regression model: the classifier's last Dense layer replaced by one of a single output, {@code kernel}
     * (one weight per unit of the layer before) plus {@code bias}, linear.
     */
    static Path asRegression(Path classifier, Path copy, float[] kernel, float bias) throws Exception {
        Files.copy(classifier, copy);
        ObjectNode model = config(classifier);
        ArrayNode layers = (ArrayNode) model.get("config").get("layers");
        ObjectNode last = (ObjectNode) layers.get(layers.size() - 1).get("config");
        last.put("units", 1).put("activation", "linear");
        String name = last.get("name").asText();
        writeConfig(copy, model);
        H5File file = new H5File(copy.toString(), hdf5.H5F_ACC_RDWR);
        try {
            Group weights = file.openGroup("model_weights/" + name + "/" + name);
            replace(weights, "kernel:0", new long[]{kernel.length, 1}, kernel);
            replace(weights, "bias:0", new long[]{1}, new float[]{bias});
            weights.close();
        } finally {
            file.close();
        }
        return copy;
    }

    private static ObjectNode config(Path h5) throws Exception {
        try (Hdf5Archive archive = new Hdf5Archive(h5.toString())) {
            // DL4J reads the attribute with whatever follows it in its buffer: the JSON is the first value
            return (ObjectNode) JSON.readerFor(JsonNode.class).readValues(archive.readAttributeAsJson("model_config"))
                    .next();
        }
    }

    private static void writeConfig(Path h5, ObjectNode model) {
        byte[] bytes = model.toString().getBytes(StandardCharsets.UTF_8);
        H5File file = new H5File(h5.toString(), hdf5.H5F_ACC_RDWR);
        try {
            file.removeAttr(new BytePointer("model_config"));
            StrType type = new StrType(PredType.C_S1(), bytes.length);
            DataSpace space = new DataSpace(hdf5.H5S_SCALAR);
            Attribute attribute = file.createAttribute("model_config", type, space);
            attribute.write(type, new BytePointer(bytes));
            // every HDF5 object closed here, in this thread: HDF5 is not thread-safe, and one left to JavaCPP's
            // deallocator thread is closed whenever the collector gets to it, during another test's import (seen
            // as a native crash in H5T_close_real and as "H5Aread failed")
            attribute.close();
            space.close();
            type.close();
        } finally {
            file.close();
        }
    }

    private static void replace(Group group, String name, long[] shape, float[] values) {
        group.unlink(name);
        DataSpace space = new DataSpace(shape.length, shape);
        DataSet data = group.createDataSet(name, PredType.NATIVE_FLOAT(), space);
        data.write(new FloatPointer(values), PredType.NATIVE_FLOAT());
        data.close();
        space.close();
    }
}
