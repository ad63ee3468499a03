package dev.streampredict.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UntrustedTest {

    @Test
    void controlCharactersAndBackslashesAreEscapedSoThatNoEscapeCanBeForged() {
        assertThat(Untrusted.text("v1\nWARN fake\r\u001b[2J\u2028")).isEqualTo("v1\\nWARN fake\\r\\u001b[2J\\u2028");
        assertThat(Untrusted.text("v1\\nWARN")).isEqualTo("v1\\\\nWARN");
        assertThat(Untrusted.text("v1\\nWARN")).isNotEqualTo(Untrusted.text("v1\nWARN"));
    }

    @Test
    void aMessageOfEscapedValuesIsNotEscapedAgain() {
        String message = "names " + Untrusted.text("v1\\n\nx") + " and \n";

        assertThat(Untrusted.line(message, 200)).isEqualTo("names v1\\\\n\\nx and \\n");
        assertThat(Untrusted.line(Untrusted.line(message, 200), 200)).isEqualTo(Untrusted.line(message, 200));
    }

    @Test
    void longValuesAreCutAndSayHowLongTheyWere() {
        assertThat(Untrusted.text("x".repeat(4_000_000))).hasSize(Untrusted.MAX_SHOWN + 18)
                .endsWith("...(4000000 chars)");
        assertThat(Untrusted.text(null)).isEqualTo("null");
    }

    @Test
    void aPlainValueIsShortAndShownAsItIs() {
        assertThat(Untrusted.isPlain("model-20261206T101500Z-ab12cd34", 200)).isTrue();
        assertThat(Untrusted.isPlain("v\n", 200)).isFalse();
        assertThat(Untrusted.isPlain("a\\b", 200)).isFalse();
        assertThat(Untrusted.isPlain("x".repeat(201), 200)).isFalse();
        assertThat(Untrusted.isPlain(null, 200)).isFalse();
    }
}
