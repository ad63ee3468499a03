package dev.streampredict.training;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mean, spread and range of each metric over the folds of a cross-validation, kept, and printed but for the metrics
 * of later steps ahead ({@code step<K>.*}), which their caller prints as one table.
 */
final class CrossValidationSummary {

    private CrossValidationSummary() {
    }

    static Map<String, ModelEvaluation.Summary> of(List<ModelEvaluation.Fold> folds, PrintStream log) {
        Map<String, ModelEvaluation.Summary> summary = new LinkedHashMap<>();
        for (String metric : folds.get(0).metrics().keySet()) {
            if (!folds.stream().allMatch(f -> f.metrics().containsKey(metric))) {
                continue; // a baseline some folds cannot have (a season longer than their history) is not summed
            }
            ModelEvaluation.Summary s = ModelEvaluation.Summary.of(
                    folds.stream().mapToDouble(f -> f.metrics().get(metric)).toArray());
            summary.put(metric, s);
            if (metric.startsWith("step")) {
                continue;
            }
            if (folds.size() == 1) { // a spread of one value says nothing
                log.printf("  %-24s %.4g on 1 fold%n", metric, s.mean());
            } else {
                log.printf("  %-24s mean %.4g, sd %.2g (min %.4g, max %.4g) over %d folds%n", metric, s.mean(),
                        s.sd(), s.min(), s.max(), folds.size());
            }
        }
        return summary;
    }
}
