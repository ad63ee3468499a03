package dev.streampredict.benchmark;

import dev.streampredict.job.inference.PendingForecasts;
import dev.streampredict.job.inference.SeriesWindow;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.util.Arrays;

/**
 * The bytes a forecaster's state takes per key, as Flink's serializer writes it into RocksDB and checkpoints: a
 * warm key's {@link SeriesWindow} (every series' window full, the serving model's last {@code H} forecasts pending)
 * for windows W, horizons H and numbers of series F. Run with {@code scripts/benchmark.sh --state-sizes}.
 */
public final class StateSizes {

    private StateSizes() {
    }

    public static void main(String[] args) throws IOException {
        TypeSerializer<SeriesWindow> serializer = TypeInformation.of(SeriesWindow.class)
                .createSerializer(new SerializerConfigImpl());
        System.out.printf("%-6s %-6s %-8s %14s%n", "W", "H", "series", "bytes per key");
        for (int window : new int[]{16, 64}) {
            for (int horizon : new int[]{1, 24}) {
                for (int series : new int[]{1, 3}) {
                    System.out.printf("%-6d %-6d %-8d %,14d%n", window, horizon, series,
                            bytes(serializer, warmKey(window, horizon, series)));
                }
            }
        }
    }

    /** A key as the job keeps it once its windows are full and its model has forecast after each value. */
    private static SeriesWindow warmKey(int window, int horizon, int series) {
        SeriesWindow key = SeriesWindow.empty(series, window);
        double[] values = new double[series];
        double[] forecast = new double[horizon];
        key.served = PendingForecasts.of(horizon);
        String version = "seattle-temperature-20261207T005625Z-2f77c6e3";
        for (int i = 1; i <= window + horizon; i++) {
            Arrays.fill(values, i);
            key.add(values, i * 3_600_000L);
            Arrays.fill(forecast, i + 0.5);
            key.served.keep(key.count, i, forecast, version);
        }
        return key;
    }

    private static int bytes(TypeSerializer<SeriesWindow> serializer, SeriesWindow key) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(1024);
        serializer.serialize(key, out);
        return out.length();
    }
}
