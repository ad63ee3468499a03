package dev.streampredict.common.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationConverterTest {

    private final DurationConverter converter = new DurationConverter();

    @Test
    void aNumberWithItsUnit() {
        assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(converter.convert("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(converter.convert("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(converter.convert("1 min")).as("Flink's spelling").isEqualTo(Duration.ofMinutes(1));
        assertThat(converter.convert("2H")).isEqualTo(Duration.ofHours(2));
        assertThat(converter.convert("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(converter.convert("0")).isEqualTo(Duration.ZERO);
    }

    @Test
    void aBareNumberOrAnUnknownUnitIsRefusedWithTheSyntax() {
        for (String bad : new String[]{"5", "5x", "s", "-1s", "1.5s", "", "99999999999999999999s"}) {
            assertThatThrownBy(() -> converter.convert(bad)).as(bad)
                    .isInstanceOf(CommandLine.TypeConversionException.class)
                    .hasMessageContaining("'" + bad + "'");
        }
        assertThatThrownBy(() -> converter.convert("5")).hasMessageContaining("as 500ms, 90s, 10m, 1h or 2d");
    }
}
