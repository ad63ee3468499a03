package dev.streampredict.figures;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** One look for every figure, and one way to write it. */
final class Charts {

    static final int WIDTH = 900;
    static final int HEIGHT = 480;

    private Charts() {
    }

    static XYChart xy(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        style(chart.getStyler());
        return chart;
    }

    static void style(Styler styler) {
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBorderVisible(false);
        styler.setLegendBorderColor(Color.WHITE);
        styler.setChartTitleBoxVisible(false);
        styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        styler.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        styler.setAntiAlias(true);
    }

    /** Draws first, then writes: a chart that cannot be drawn leaves no empty file behind. */
    static Path save(Chart<?, ?> chart, Path file) throws IOException {
        return write(BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG), file);
    }

    /** Several charts side by side in one picture. */
    static <T extends Chart<?, ?>> Path saveSideBySide(List<T> charts, Path file) throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        // two to a row: four workloads side by side would make a strip too wide to read
        int columns = charts.size() % 2 == 0 ? Math.min(2, charts.size()) : charts.size();
        BitmapEncoder.saveBitmap(charts, charts.size() / columns, columns, png, BitmapEncoder.BitmapFormat.PNG);
        return write(png.toByteArray(), file);
    }

    private static Path write(byte[] png, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, png);
        return file;
    }
}
