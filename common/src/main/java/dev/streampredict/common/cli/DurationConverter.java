package dev.streampredict.common.cli;

import picocli.CommandLine;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one syntax of every duration option: a whole number and its unit ({@code 500ms}, {@code 90s}, {@code 10m},
 * {@code 1h}, {@code 2d}; Flink's longer names such as {@code 1 min} too), or {@code 0}. A bare number is refused:
 * Flink reads one as milliseconds and people often mean seconds.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*([a-z]+)");
    private static final Map<String, Duration> UNITS = Map.ofEntries(
            Map.entry("ms", Duration.ofMillis(1)), Map.entry("milli", Duration.ofMillis(1)),
            Map.entry("millis", Duration.ofMillis(1)), Map.entry("millisecond", Duration.ofMillis(1)),
            Map.entry("milliseconds", Duration.ofMillis(1)),
            Map.entry("s", Duration.ofSeconds(1)), Map.entry("sec", Duration.ofSeconds(1)),
            Map.entry("secs", Duration.ofSeconds(1)), Map.entry("second", Duration.ofSeconds(1)),
            Map.entry("seconds", Duration.ofSeconds(1)),
            Map.entry("m", Duration.ofMinutes(1)), Map.entry("min", Duration.ofMinutes(1)),
            Map.entry("mins", Duration.ofMinutes(1)), Map.entry("minute", Duration.ofMinutes(1)),
            Map.entry("minutes", Duration.ofMinutes(1)),
            Map.entry("h", Duration.ofHours(1)), Map.entry("hour", Duration.ofHours(1)),
            Map.entry("hours", Duration.ofHours(1)),
            Map.entry("d", Duration.ofDays(1)), Map.entry("day", Duration.ofDays(1)),
            Map.entry("days", Duration.ofDays(1)));

    @Override
    public Duration convert(String value) {
        String text = value.trim().toLowerCase(Locale.ROOT);
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = DURATION.matcher(text);
        Duration unit = m.matches() ? UNITS.get(m.group(2)) : null;
        if (unit == null) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration: give a whole number "
                    + "and its unit, as 500ms, 90s, 10m, 1h or 2d (or 0)");
        }
        try {
            return unit.multipliedBy(Long.parseLong(m.group(1)));
        } catch (ArithmeticException | NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is longer than any duration here");
        }
    }
}
