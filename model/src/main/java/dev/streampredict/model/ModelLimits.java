package dev.streampredict.model;

import java.io.Serializable;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How large an artifact may be, checked before anything of that size is allocated. The sizes of the format are
 * fixed: no model this project trains or imports comes near them, and every value under them is cheap to hold. The
 * memory a loaded model may take is a budget, settable because it depends on the task heap.
 *
 * @param memoryBudget bytes one loaded model may take in a task: its weights, its archive while it loads, and the
 *                     inputs and activations of a batch of {@code batchRows}
 * @param batchRows    the most rows scored in one call (the job's {@code --batch-size})
 * @param threads      the threads one model may use for one call, where its runtime can use more than one (ONNX
 *                     Runtime's intra-op threads; DL4J's are set per process)
 */
public record ModelLimits(long memoryBudget, int batchRows, int threads) implements Serializable {

    /** The registry topic's {@code max.message.bytes}: an archive, with its headers, in one record. */
    public static final int MAX_ARCHIVE_BYTES = 16 * 1024 * 1024;
    /** Entries of an archive, or of the DL4J zip inside it. */
    public static final int MAX_ENTRIES = 8;
    /** {@code model.json}, and the network's {@code configuration.json}. */
    public static final int MAX_JSON_BYTES = 4 * 1024 * 1024;
    public static final int MAX_VERSION_LENGTH = 200;
    public static final int MAX_NAME_LENGTH = 200;
    public static final int MAX_FEATURES = 10_000;
    /** A forecaster's windows: every key of the job keeps this many values, over all the series it reads. */
    public static final int MAX_WINDOW = 10_000;
    public static final int MAX_CLASSES = 10_000;
    /**
     * Steps a forecaster forecasts at once (a week of hours): every key of the job keeps this many forecasts of this
     * many values, 226 KB at most.
     */
    public static final int MAX_HORIZON = 168;
    /** The setting that raises {@link #memoryBudget}, named in every refusal over it. */
    public static final String BUDGET_SETTING = "--model-memory-budget";
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmg]?)b?");
    /** Rows a tool assumes per call when it checks a model outside a job. */
    public static final int DEFAULT_BATCH_ROWS = 128;

    public ModelLimits {
        if (memoryBudget < 1024 * 1024 || batchRows < 1 || threads < 1) {
            throw new IllegalArgumentException("a model memory budget needs at least 1 MB, a batch at least 1 row and "
                    + "a model at least 1 thread, got " + memoryBudget + " bytes, " + batchRows + " rows and "
                    + threads + " threads");
        }
    }

    /** One thread per model: a task slot's share of a machine. */
    public ModelLimits(long memoryBudget, int batchRows) {
        this(memoryBudget, batchRows, 1);
    }

    /** The budget a process gives a model when it is not told: a quarter of its own heap. */
    public static ModelLimits ofThisProcess() {
        return new ModelLimits(Runtime.getRuntime().maxMemory() / 4, DEFAULT_BATCH_ROWS);
    }

    /**
     * A size as a person writes it: bytes, or a number with k, m or g (kb, mb, gb; binary units), e.g. 256m.
     *
     * @throws IllegalArgumentException naming {@code option} and what it takes
     */
    public static long parseBytes(String value, String option) {
        Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(option + " takes a size such as 512m or 2g, not '" + value + "'");
        }
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), 1L << shift);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException(option + " '" + value + "' is too large", e);
        }
    }

    /** For an archive accepted before: only the format's limits hold, not a budget that may have shrunk since. */
    public static ModelLimits accepted(int batchRows, int threads) {
        return new ModelLimits(Long.MAX_VALUE / 4, batchRows, threads);
    }

    /** Sizes in messages: {@code 384 MB}. */
    public static String megabytes(long bytes) {
        return bytes >= 10 * 1024 * 1024 ? bytes / (1024 * 1024) + " MB" : String.format("%.1f MB",
                bytes / (1024.0 * 1024));
    }
}
