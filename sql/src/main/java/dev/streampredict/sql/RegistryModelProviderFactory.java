package dev.streampredict.sql;

import dev.streampredict.model.ModelArchive;
import dev.streampredict.model.ModelLimits;
import dev.streampredict.registry.ModelRegistry;
import dev.streampredict.registry.RegistryState;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.factories.ModelProviderFactory;
import org.apache.flink.table.ml.ModelProvider;
import org.apache.flink.util.TemporaryClassLoaderContext;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code 'provider' = 'stream-predict'}: a model of this project's registry for Flink SQL's {@code ML_PREDICT}, run
 * embedded in the task. The version is resolved when the statement is planned, and the model's declared INPUT and
 * OUTPUT are checked against its metadata then ({@link ModelColumns}).
 */
public final class RegistryModelProviderFactory implements ModelProviderFactory {

    public static final String IDENTIFIER = "stream-predict";
    static final String PROPERTIES_PREFIX = "properties.";
    static final String STABLE = "stable";

    static final ConfigOption<String> REGISTRY_TOPIC = ConfigOptions.key("registry.topic").stringType()
            .defaultValue(ModelRegistry.DEFAULT_TOPIC).withDescription("The model registry topic.");
    static final ConfigOption<String> BOOTSTRAP_SERVERS = ConfigOptions.key("properties.bootstrap.servers")
            .stringType().noDefaultValue().withDescription("Kafka brokers of the registry.");
    static final ConfigOption<Integer> BATCH_SIZE = ConfigOptions.key("batch.size").intType().defaultValue(128)
            .withDescription("Most rows scored in one model call on the async path; no more than the async "
                    + "operator's max-concurrent-operations (Flink's default: 10) are ever in flight, so raise "
                    + "that too.");
    static final ConfigOption<Duration> BATCH_TIMEOUT = ConfigOptions.key("batch.timeout").durationType()
            .defaultValue(Duration.ofMillis(2))
            .withDescription("Longest the first row of a batch waits for more on the async path.");
    static final ConfigOption<String> VERSION = ConfigOptions.key("version").stringType().defaultValue(STABLE)
            .withDescription("A published version, or 'stable': the registry's stable version when the statement "
                    + "is planned, and after, as each task follows the registry.");

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(BOOTSTRAP_SERVERS);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(REGISTRY_TOPIC, VERSION, BATCH_SIZE, BATCH_TIMEOUT);
    }

    @Override
    public ModelProvider createModelProvider(Context context) {
        FactoryUtil.ModelProviderFactoryHelper helper = FactoryUtil.createModelProviderFactoryHelper(this, context);
        helper.validateExcept(PROPERTIES_PREFIX);
        ReadableConfig options = helper.getOptions();
        ModelRegistry registry = registry(options, context.getCatalogModel().getOptions());
        ModelArchive archive = resolve(registry, options.get(VERSION), context.getObjectIdentifier()
                .asSummaryString());
        ModelColumns columns = ModelColumns.of(archive.metadata(), context.getCatalogModel().getResolvedInputSchema(),
                context.getCatalogModel().getResolvedOutputSchema(), context.getObjectIdentifier().asSummaryString());
        int batchSize = options.get(BATCH_SIZE);
        if (batchSize < 1) {
            throw new ValidationException("model " + context.getObjectIdentifier().asSummaryString()
                    + ": 'batch.size' must be at least 1, got " + batchSize);
        }
        RegistryFollowing following = options.get(VERSION).equals(STABLE)
                ? new RegistryFollowing(new HashMap<>(registry.clientConfig()), registry.topic()) : null;
        return new EmbeddedModelProvider(archive.bytes(), columns, batchSize, options.get(BATCH_TIMEOUT), following);
    }

    /**
     * Kafka loads the classes its settings name (metrics reporters, SASL callbacks) through the thread's context
     * class loader; in Flink's SQL client that is not the loader of a provider added with ADD JAR, whose Kafka
     * client would then meet classes of another copy. Its clients are made with the provider's own loader.
     */
    static TemporaryClassLoaderContext kafkaClassLoader() {
        return TemporaryClassLoaderContext.of(RegistryModelProviderFactory.class.getClassLoader());
    }

    /** The registry client of the options: the brokers and every other {@code properties.*} setting. */
    private static ModelRegistry registry(ReadableConfig options, Map<String, String> all) {
        Map<String, String> kafka = new HashMap<>();
        all.forEach((key, value) -> {
            if (key.startsWith(PROPERTIES_PREFIX) && !key.equals(BOOTSTRAP_SERVERS.key())) {
                kafka.put(key.substring(PROPERTIES_PREFIX.length()), value);
            }
        });
        return new ModelRegistry(options.get(BOOTSTRAP_SERVERS), options.get(REGISTRY_TOPIC), kafka);
    }

    /** The archive of {@code version} ('stable' or a version), as a job following the registry would accept it. */
    private static ModelArchive resolve(ModelRegistry registry, String version, String model) {
        RegistryState state;
        try (TemporaryClassLoaderContext ignored = kafkaClassLoader()) {
            state = registry.servingNow(ModelLimits.ofThisProcess()).state();
        }
        String resolved = version.equals(STABLE) ? state.policy().stable() : version;
        if (resolved == null) {
            throw new ValidationException("model " + model + ": the registry " + registry.topic() + " has no stable "
                    + "version; publish one (scripts/model.sh publish DIR) or name a version with 'version'");
        }
        if (!state.versions().contains(resolved)) {
            throw new ValidationException("model " + model + ": version '" + resolved + "' is not in the registry "
                    + registry.topic() + " as a version a job would accept; scripts/model.sh list shows those there "
                    + "are");
        }
        return ModelArchive.parse(state.archive(resolved));
    }
}
