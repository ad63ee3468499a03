package dev.streampredict.job;

import dev.streampredict.common.message.InputFormat;
import dev.streampredict.common.message.InputRecord;
import dev.streampredict.producer.InputProducer;
import dev.streampredict.producer.SyntheticSeries;
import dev.streampredict.testing.InBackground;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Synthetic series sent at a steady rate until stopped, remembering what was sent: a test that waits for the job
 * step by step never runs out of input on a slow machine.
 */
final class SteadyStream implements AutoCloseable {

    private final List<InputRecord> sent = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final InBackground sender;

    SteadyStream(String bootstrap, String topic, int keys, long seed, double perSecond) {
        this(bootstrap, topic, TinyModels.series(keys, seed), perSecond, InputFormat.JSON);
    }

    SteadyStream(String bootstrap, String topic, SyntheticSeries series, double perSecond, InputFormat format) {
        Iterator<InputRecord> recorded = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public InputRecord next() {
                InputRecord record = series.next();
                sent.add(record);
                return record;
            }
        };
        sender = InBackground.start("steady-stream-" + topic, () -> {
            try (InputProducer producer = new InputProducer(bootstrap, topic, format, Map.of())) {
                producer.run(recorded, perSecond, 0, running::get);
                producer.flush();
            }
        });
    }

    /** Stops sending, waits until everything sent is acknowledged, and returns it in the order sent. */
    List<InputRecord> stop() throws InterruptedException {
        running.set(false);
        sender.await(Duration.ofSeconds(60));
        return List.copyOf(sent);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
