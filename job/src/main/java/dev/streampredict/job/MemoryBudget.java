package dev.streampredict.job;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.IllegalConfigurationException;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;

/**
 * The memory one model may take in a task when {@code --model-memory-budget} does not say: a quarter of one slot's
 * share of the task heap, so that the three versions a registry may hold at once (stable, candidate, the one arriving)
 * and the job's own state fit beside each other. The task heap is Flink's, from the cluster configuration the
 * submission sees (the same {@code config.yaml} as the task managers'); a job that runs inside this process (the
 * local stack, tests) shares this process's heap among its subtasks.
 */
public final class MemoryBudget {

    private MemoryBudget() {
    }

    public static long derive(ReadableConfig cluster, int parallelism) {
        Configuration configuration = Configuration.fromMap(cluster.toMap());
        try {
            long taskHeap = TaskExecutorProcessUtils.processSpecFromConfig(configuration).getTaskHeapSize().getBytes();
            return taskHeap / Math.max(1, configuration.get(TaskManagerOptions.NUM_TASK_SLOTS)) / 4;
        } catch (IllegalConfigurationException | IllegalArgumentException inProcess) {
            // no task manager memory configured: the job's tasks run in this JVM
            return Runtime.getRuntime().maxMemory() / Math.max(1, parallelism) / 4;
        }
    }
}
