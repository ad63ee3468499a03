package dev.streampredict.common.message;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InputFormatTest {

    private final InputFormat.Converter converter = new InputFormat.Converter();

    @Test
    void anOptionTakesEitherFormatInAnyCaseAndATypoIsNamedWithTheChoices() {
        assertThat(converter.convert("avro")).isEqualTo(InputFormat.AVRO);
        assertThat(converter.convert(" JSON ")).isEqualTo(InputFormat.JSON);
        assertThatThrownBy(() -> converter.convert("avr"))
                .isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessage("'avr' is not a format; use json or avro");
    }

    @Test
    void eachFormatReadsWhatItWrites() throws Exception {
        InputRecord record = new InputRecord("1", "k", 7L, Map.of("x", 0.25), "yes");
        for (InputFormat format : InputFormat.values()) {
            assertThat(format.decoder(List.of("x"), 1024).parse(format.encode(record))).as(format.name())
                    .isEqualTo(record);
        }
    }
}
