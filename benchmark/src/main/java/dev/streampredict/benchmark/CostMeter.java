package dev.streampredict.benchmark;

import com.sun.management.OperatingSystemMXBean;
import com.sun.management.ThreadMXBean;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time and allocation per record, which compare across machines and runs where raw rates do not: samples this
 * process's CPU time, the bytes each of its threads allocated, and the broker process's CPU time every 100 ms, and
 * prices a stretch of a run from the samples that bound it. The job runs in this process (a local Flink cluster);
 * the benchmark's own clients are idle while it drains a backlog, so the process's cost then is the job's.
 */
final class CostMeter implements AutoCloseable {

    /**
     * What one record cost over a measured stretch.
     *
     * @param jobCpuMicros    CPU time of this process (the job, or the raw passthrough's clients) per record
     * @param brokerCpuMicros CPU time of the broker process per record
     * @param allocatedBytes  bytes allocated by this process's threads per record
     */
    record Cost(double jobCpuMicros, double brokerCpuMicros, double allocatedBytes) {
    }

    private record Sample(long atMillis, long processCpuNanos, long brokerCpuNanos, Map<Long, Long> allocated) {
    }

    private static final long TICK_NANOS = 10_000_000; // /proc/<pid>/stat counts in USER_HZ = 100 ticks a second
    private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final Path brokerStat;
    private final List<Sample> samples = new ArrayList<>();
    private final Thread sampler;
    private volatile boolean running = true;

    CostMeter(ProcessHandle broker) {
        brokerStat = Path.of("/proc", Long.toString(broker.pid()), "stat");
        sampler = new Thread(() -> {
            while (running) {
                Sample s = sample();
                synchronized (samples) {
                    samples.add(s);
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "cost-meter");
        sampler.setDaemon(true);
        sampler.start();
    }

    /**
     * The cost per record between {@code fromMillis} and {@code toMillis}, from the samples that lie within it;
     * {@code recordsBetween} counts the records of the stretch between two sample times.
     */
    Cost between(long fromMillis, long toMillis, RecordCount recordsBetween) {
        Sample first = null;
        Sample last = null;
        synchronized (samples) {
            for (Sample s : samples) {
                if (s.atMillis >= fromMillis && s.atMillis <= toMillis) {
                    if (first == null) {
                        first = s;
                    }
                    last = s;
                }
            }
            samples.removeIf(s -> s.atMillis <= toMillis); // a meter lives through many runs
        }
        if (first == null || last == first) {
            return new Cost(Double.NaN, Double.NaN, Double.NaN); // a stretch shorter than the sampling
        }
        double records = recordsBetween.between(first.atMillis, last.atMillis);
        long allocated = 0;
        for (Map.Entry<Long, Long> thread : last.allocated.entrySet()) {
            allocated += thread.getValue() - first.allocated.getOrDefault(thread.getKey(), 0L);
        }
        return new Cost((last.processCpuNanos - first.processCpuNanos) / 1e3 / records,
                (last.brokerCpuNanos - first.brokerCpuNanos) / 1e3 / records, allocated / records);
    }

    @FunctionalInterface
    interface RecordCount {
        double between(long fromMillis, long toMillis);
    }

    private Sample sample() {
        long[] ids = threads.getAllThreadIds();
        long[] bytes = threads.getThreadAllocatedBytes(ids);
        Map<Long, Long> allocated = new HashMap<>(ids.length * 2);
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0) {
                allocated.put(ids[i], bytes[i]);
            }
        }
        return new Sample(System.currentTimeMillis(), os.getProcessCpuTime(), brokerCpuNanos(), allocated);
    }

    private long brokerCpuNanos() {
        try {
            String stat = Files.readString(brokerStat);
            // the fields after the command name, which is in parentheses and may hold spaces
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * TICK_NANOS; // utime, stime
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        sampler.interrupt();
        sampler.join();
    }
}
