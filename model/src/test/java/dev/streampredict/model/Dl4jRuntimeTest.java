package dev.streampredict.model;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class Dl4jRuntimeTest {

    @Test
    void itsShapesAreTheNetworksFirstInputAndLastOutput() {
        try (Dl4jRuntime runtime = new Dl4jRuntime(ModelArtifactTest.network(4, 3))) {
            assertThat(runtime.inputWidth()).isEqualTo(4);
            assertThat(runtime.outputWidth()).isEqualTo(3);
        }
    }

    @Test
    void aBatchGivesWhatTheNetworkGivesRowByRowAndReadsOnlyItsCountOfRows() {
        MultiLayerNetwork network = ModelArtifactTest.network(2, 3);
        float[][] rows = {{0.5f, -1f}, {2f, 0.25f}, {-3f, 1.5f}};
        // a reused buffer is longer than the batch: its last row is not the batch's
        float[] buffer = {0.5f, -1f, 2f, 0.25f, -3f, 1.5f, 99f, 99f};
        try (Dl4jRuntime runtime = new Dl4jRuntime(network)) {
            double[] outputs = runtime.run(buffer, 3);

            assertThat(outputs).hasSize(3 * 3);
            for (int row = 0; row < rows.length; row++) {
                double[] alone = network.output(Nd4j.create(new float[][]{rows[row]}), false).toDoubleVector();
                for (int k = 0; k < 3; k++) {
                    assertThat(outputs[row * 3 + k]).as("row %d output %d", row, k).isCloseTo(alone[k], within(1e-6));
                }
            }
        }
    }
}
