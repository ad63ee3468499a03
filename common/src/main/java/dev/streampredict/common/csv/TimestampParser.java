package dev.streampredict.common.csv;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads the timestamp cells found in real CSV files as epoch milliseconds: integers (already epoch ms),
 * ISO-8601 instants, offsets, local date-times and dates, and dates like {@code Jan 1 2000}. Times without a
 * zone are taken as UTC.
 */
public final class TimestampParser {

    private static final Pattern EPOCH_MILLIS = Pattern.compile("-?\\d+");
    private static final DateTimeFormatter MONTH_DAY_YEAR = new DateTimeFormatterBuilder()
            .parseCaseInsensitive().appendPattern("MMM d yyyy").toFormatter(Locale.ENGLISH);

    private static final List<Function<String, Instant>> FORMATS = List.of(
            Instant::parse,
            text -> OffsetDateTime.parse(text).toInstant(),
            text -> LocalDateTime.parse(text).toInstant(ZoneOffset.UTC),
            text -> LocalDateTime.parse(text.replace(' ', 'T')).toInstant(ZoneOffset.UTC),
            text -> LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC),
            text -> LocalDate.parse(text, MONTH_DAY_YEAR).atStartOfDay().toInstant(ZoneOffset.UTC));

    private TimestampParser() {
    }

    public static long parseEpochMillis(String text) {
        String trimmed = text.trim();
        if (EPOCH_MILLIS.matcher(trimmed).matches()) {
            return Long.parseLong(trimmed);
        }
        for (Function<String, Instant> format : FORMATS) {
            try {
                return format.apply(trimmed).toEpochMilli();
            } catch (DateTimeParseException ignored) {
                // try the next format
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a timestamp: use epoch milliseconds, "
                + "ISO-8601 (2000-01-03, 2000-01-03T09:30:00, 2000-01-03T09:30:00Z) or 'Jan 3 2000'");
    }
}
