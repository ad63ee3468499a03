package dev.streampredict.model;

import java.util.List;

/**
 * What a model does with an input, and everything about a model that depends on it: which metadata it needs, the
 * shape of its network, and the inputs it is probed with before it serves. A new task is a new constant here, with
 * its scoring in the job ({@code TaskScoring}) and its training (see docs/extending.md).
 */
public enum Task {

    /**
     * Forecast the next value of one series (the target) from a sliding window of the last values of the series the
     * model reads: the target alone, or the target and others beside it (several input series).
     */
    REGRESSION {
        @Override
        void check(int windowSize, List<String> features, int series, String target, TargetMode targetMode,
                   Standardizer standardizer, List<String> classes) {
            ModelMetadata.require(target != null && features.contains(target), "target", "must be one of the "
                    + "features " + features + ", got " + Untrusted.text(target));
            ModelMetadata.require(targetMode != null, "targetMode", "is missing: LEVEL or DIFFERENCE");
            int least = targetMode == TargetMode.DIFFERENCE ? 2 : 1;
            // each key of a job keeps the window of every series: bounded over all of them
            int most = ModelLimits.MAX_WINDOW / series;
            ModelMetadata.require(windowSize >= least && windowSize <= most, "windowSize", "must be from " + least
                    + " to " + most + " (" + ModelLimits.MAX_WINDOW + " values over " + series
                    + " series), got " + windowSize);
            ModelMetadata.require(standardizer.columns() == series, "standardizer", "of a forecaster has "
                    + "one column per series it reads (" + series + "), got " + standardizer.columns());
        }

        @Override
        int networkInputs(int windowSize, int series, TargetMode targetMode) {
            // each series' window, one after the other; differences of consecutive values: one fewer than the window
            return series * (targetMode == TargetMode.DIFFERENCE ? windowSize - 1 : windowSize);
        }

        @Override
        int networkOutputs(ModelMetadata metadata) {
            return metadata.horizon();
        }

        @Override
        double[][] probeRows(ModelMetadata metadata, double[] spreads) {
            int window = metadata.windowSize();
            double[][] rows = new double[spreads.length][metadata.seriesCount() * window];
            for (int r = 0; r < rows.length; r++) {
                for (int c = 0; c < rows[r].length; c++) {
                    // zig-zag series: their differences are not zero
                    rows[r][c] = metadata.standardizer().restore(c / window, spreads[r] * (c % 2 == 0 ? 1 : -1));
                }
            }
            return rows;
        }

        @Override
        double[][] outputs(Predictor predictor, double[][] rows, int count) {
            return predictor.forecastSteps(rows, count);
        }
    },

    /** Assign one feature vector to a class; no window. */
    CLASSIFICATION {
        @Override
        void check(int windowSize, List<String> features, int series, String target, TargetMode targetMode,
                   Standardizer standardizer, List<String> classes) {
            ModelMetadata.require(classes.size() >= 2, "classes", "a classifier needs at least 2, got "
                    + classes.size());
            ModelMetadata.require(standardizer.columns() == features.size(), "standardizer", "needs one column per "
                    + "feature (" + features.size() + "), got " + standardizer.columns());
        }

        @Override
        int networkInputs(int windowSize, int series, TargetMode targetMode) {
            return series;
        }

        @Override
        int networkOutputs(ModelMetadata metadata) {
            return metadata.classes().size();
        }

        @Override
        double[][] probeRows(ModelMetadata metadata, double[] spreads) {
            double[][] rows = new double[spreads.length][metadata.features().size()];
            for (int r = 0; r < rows.length; r++) {
                for (int c = 0; c < rows[r].length; c++) {
                    rows[r][c] = metadata.standardizer().restore(c, spreads[r]);
                }
            }
            return rows;
        }

        @Override
        double[][] outputs(Predictor predictor, double[][] rows, int count) {
            return predictor.classify(rows, count);
        }
    };

    /** Refuses, naming the field, metadata this task cannot use: called while the metadata is made. */
    abstract void check(int windowSize, List<String> features, int series, String target, TargetMode targetMode,
                        Standardizer standardizer, List<String> classes);

    /** The width of the network's input layer these metadata fields imply (called while the metadata is made). */
    abstract int networkInputs(int windowSize, int series, TargetMode targetMode);

    /** The width of the network's output layer this metadata implies. */
    abstract int networkOutputs(ModelMetadata metadata);

    /** Inputs as a job would give them, each at the training mean plus one of {@code spreads} standard deviations. */
    abstract double[][] probeRows(ModelMetadata metadata, double[] spreads);

    /** The model's outputs for the first {@code count} inputs: each step's forecast, or every class's probability. */
    abstract double[][] outputs(Predictor predictor, double[][] rows, int count);
}
