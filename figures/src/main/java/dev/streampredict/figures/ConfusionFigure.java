package dev.streampredict.figures;

import dev.streampredict.training.ModelEvaluation;
import dev.streampredict.training.ModelEvaluation.ConfusionMatrix;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The confusion matrix of a classifier: of the cross-validation when training ran one (every example predicted once
 * per repeat, by a model that never saw it), otherwise of the held-out test part.
 */
final class ConfusionFigure {

    private ConfusionFigure() {
    }

    static Path draw(ModelEvaluation evaluation, Path file) throws IOException {
        ModelEvaluation.CrossValidation cv = evaluation.crossValidation();
        ConfusionMatrix matrix = cv != null ? cv.confusion() : evaluation.heldOutConfusion();
        int total = 0;
        int right = 0;
        for (int a = 0; a < matrix.counts().length; a++) {
            for (int p = 0; p < matrix.counts().length; p++) {
                total += matrix.counts()[a][p];
                right += a == p ? matrix.counts()[a][p] : 0;
            }
        }
        String source = cv != null
                ? String.format("%d-fold cross-validation x %d", cv.folds(), cv.repeats())
                : "held-out test part";
        HeatMapChart chart = new HeatMapChartBuilder().width(760).height(560)
                .title(String.format("%s: %s, %d predictions, accuracy %.3f", evaluation.trainingData(), source,
                        total, (double) right / total))
                .xAxisTitle("predicted").yAxisTitle("actual").build();
        Charts.style(chart.getStyler());
        chart.getStyler().setShowValue(true);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setRangeColors(new Color[]{new Color(0xf7fbff), new Color(0x9ecae1), new Color(0x4292c6)});
        chart.getStyler().setValueFontColor(Color.BLACK);
        List<Number[]> cells = new ArrayList<>();
        int n = matrix.classes().size();
        for (int a = 0; a < n; a++) {
            for (int p = 0; p < n; p++) {
                // rows from the top in class order, as a confusion matrix is read
                cells.add(new Number[]{p, n - 1 - a, matrix.counts()[a][p]});
            }
        }
        List<String> fromTop = new ArrayList<>(matrix.classes());
        Collections.reverse(fromTop);
        chart.addSeries("confusion", matrix.classes(), fromTop, cells);
        return Charts.save(chart, file);
    }
}
