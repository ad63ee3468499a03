package dev.streampredict.sql;

import dev.streampredict.model.ModelLimits;
import dev.streampredict.model.ModelMetadata;
import dev.streampredict.registry.InputSchema;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * Where a task follows the registry from, for a model whose version is {@code 'stable'}: the registry's Kafka client
 * settings (brokers included) and its topic.
 */
record RegistryFollowing(HashMap<String, Object> clientConfig, String topic) implements Serializable {

    /** Follows the registry for a scorer that starts with {@code serving}. */
    StableFollower start(RowScorer scorer, ModelMetadata serving) {
        StableFollower follower = new StableFollower(Map.copyOf(clientConfig), topic, InputSchema.of(serving),
                ModelLimits.ofThisProcess(), serving.modelVersion(), scorer::offer);
        follower.start();
        return follower;
    }
}
