package dev.streampredict.model;

import java.util.Arrays;

/**
 * Per-column mean and standard deviation fitted on training data only. A column with no spread gets a standard
 * deviation of 1 so that it passes through centred instead of dividing by zero.
 */
public record Standardizer(double[] mean, double[] std) {

    public Standardizer {
        if (mean == null || std == null || mean.length != std.length || mean.length == 0) {
            throw new IllegalArgumentException("the standardizer's mean and std need the same, non-zero length");
        }
        for (double m : mean) {
            if (!Double.isFinite(m)) {
                throw new IllegalArgumentException("the standardizer's mean holds " + m + "; every mean is finite");
            }
        }
        mean = mean.clone();
        std = std.clone();
        for (int i = 0; i < std.length; i++) {
            if (!(std[i] > 0) || !Double.isFinite(std[i])) {
                std[i] = 1.0;
            }
        }
    }

    /** Fits one column per inner-array position: {@code rows[r][c]}. */
    public static Standardizer fit(double[][] rows) {
        int columns = rows[0].length;
        double[] mean = new double[columns];
        double[] m2 = new double[columns];
        long n = 0;
        for (double[] row : rows) { // Welford: stable for long series with large levels
            n++;
            for (int c = 0; c < columns; c++) {
                double delta = row[c] - mean[c];
                mean[c] += delta / n;
                m2[c] += delta * (row[c] - mean[c]);
            }
        }
        double[] std = new double[columns];
        for (int c = 0; c < columns; c++) {
            std[c] = n > 1 ? Math.sqrt(m2[c] / (n - 1)) : 1.0;
        }
        return new Standardizer(mean, std);
    }

    public double standardize(int column, double value) {
        return (value - mean[column]) / std[column];
    }

    public double restore(int column, double standardized) {
        return standardized * std[column] + mean[column];
    }

    public int columns() {
        return mean.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Standardizer s && Arrays.equals(mean, s.mean) && Arrays.equals(std, s.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Standardizer[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
