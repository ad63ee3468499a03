package dev.streampredict.figures;

import dev.streampredict.training.ModelEvaluation;
import dev.streampredict.training.ModelEvaluation.HeldOutForecast;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Forecast against actual on the held-out part of a series, with the persistence forecast ("next = last") beside
 * it: the last {@value #SHOWN} forecasts of the first key, so that single steps stay visible.
 */
final class ForecastFigure {

    static final int SHOWN = 150;

    private ForecastFigure() {
    }

    static Path draw(ModelEvaluation evaluation, Path file) throws IOException {
        List<HeldOutForecast> all = evaluation.heldOutForecasts();
        String key = all.get(0).key();
        List<HeldOutForecast> ofKey = all.stream().filter(f -> f.key().equals(key)).toList();
        List<HeldOutForecast> shown = ofKey.subList(Math.max(0, ofKey.size() - SHOWN), ofKey.size());
        double ratio = evaluation.metrics().get("test.mseRatioToPersistence");
        XYChart chart = Charts.xy(String.format("%s: last %d of %d held-out forecasts, MSE %.3g x persistence's",
                        evaluation.trainingData(), shown.size(), ofKey.size(), ratio), "event time",
                "value");
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setDatePattern(shown.get(shown.size() - 1).timestamp() - shown.get(0).timestamp()
                > 30L * 86_400_000 ? "yyyy-MM-dd" : "MM-dd HH:mm");
        chart.getStyler().setMarkerSize(4);
        List<Date> time = shown.stream().map(f -> new Date(f.timestamp())).toList();
        series(chart, "actual", time, shown, HeldOutForecast::actual, Color.BLACK, SeriesLines.SOLID);
        series(chart, "model (" + evaluation.modelVersion() + ")", time, shown, HeldOutForecast::model,
                new Color(0x1f77b4), SeriesLines.SOLID);
        series(chart, "persistence (next = last)", time, shown, HeldOutForecast::persistence, new Color(0xff7f0e),
                SeriesLines.DASH_DASH);
        return Charts.save(chart, file);
    }

    private static void series(XYChart chart, String name, List<Date> time, List<HeldOutForecast> shown,
                               ToDoubleFunction<HeldOutForecast> value, Color colour, BasicStroke line) {
        XYSeries series = chart.addSeries(name, time, shown.stream().map(f -> value.applyAsDouble(f)).toList());
        series.setLineColor(colour);
        series.setMarkerColor(colour);
        series.setLineStyle(line);
        series.setMarker(name.equals("actual") ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
    }
}
