package dev.streampredict.common.csv;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimestampParserTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "946857600000               | 946857600000",
            "2000-01-03                 | 946857600000",
            "2000-01-03T00:00:00        | 946857600000",
            "2000-01-03 00:00:00        | 946857600000",
            "2000-01-03T01:00:00+01:00  | 946857600000",
            "2000-01-03T00:00:00Z       | 946857600000",
            "Jan 3 2000                 | 946857600000",
    })
    void readsTheFormatsFoundInRealFiles(String text, long expected) {
        assertThat(TimestampParser.parseEpochMillis(text)).isEqualTo(expected);
    }

    @Test
    void saysWhichFormatsItAccepts() {
        assertThatThrownBy(() -> TimestampParser.parseEpochMillis("yesterday"))
                .hasMessageContaining("'yesterday'").hasMessageContaining("ISO-8601");
    }
}
