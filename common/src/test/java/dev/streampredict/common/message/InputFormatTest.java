package dev.streampredict.common.message;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

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

    /** A record's features as a vector are the same record, written byte for byte as the map would be. */
    @Test
    void aFeatureVectorIsTheSameFeaturesAsTheMapAndWrittenTheSame() throws Exception {
        Map<String, Double> map = new LinkedHashMap<>();
        map.put("b", 2.5);
        map.put("a", -1.0);
        map.put("c", 1455.22);
        FeatureVector vector = new FeatureVector(FeatureVector.Names.of(List.of("b", "a", "c")),
                new double[]{2.5, -1.0, 1455.22});
        InputRecord fromMap = new InputRecord("1", "k", 7L, map, null);
        InputRecord fromVector = new InputRecord("1", "k", 7L, vector, null);

        assertThat(fromVector).isEqualTo(fromMap);
        assertThat(fromVector.features()).containsExactly(entry("b", 2.5), entry("a", -1.0), entry("c", 1455.22));
        assertThat(fromVector.features().get("a")).isEqualTo(-1.0);
        assertThat(fromVector.features().get("z")).isNull();
        for (InputFormat format : InputFormat.values()) {
            assertThat(format.encode(fromVector)).as(format.name()).isEqualTo(format.encode(fromMap));
        }
        assertThatThrownBy(() -> new FeatureVector(FeatureVector.Names.of(List.of("a")), new double[2]))
                .hasMessage("1 names for 2 values");
        assertThatThrownBy(() -> FeatureVector.Names.of(List.of("a", "a"))).hasMessageContaining("named twice");
    }
}
