package dev.streampredict.registry;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServingPolicyTest {

    private static final Set<String> PUBLISHED = Set.of("v1", "v2", "v3");

    @Test
    void aCanaryServesItsShareOfManyKeysAndAKeyAlwaysTheSameModel() throws Exception {
        ServingPolicy policy = apply(ServingPolicy.empty(), stable("v1"),
                ModelCommand.of(ModelCommand.Action.CANARY, "v2", 20, null));
        int keys = 10_000;
        int onCanary = 0;
        for (int k = 0; k < keys; k++) {
            String version = policy.servingVersion("key-" + k);
            assertThat(policy.servingVersion("key-" + k)).isEqualTo(version);
            onCanary += version.equals("v2") ? 1 : 0;
        }
        assertThat(onCanary / (double) keys).isBetween(0.18, 0.22);
        assertThat(policy.shadowVersion()).isNull();
    }

    @Test
    void promoteMakesTheCandidateStableAndRollbackGoesBackOneStepAtATime() throws Exception {
        ServingPolicy shadowed = apply(ServingPolicy.empty(), stable("v1"), stable("v2"),
                ModelCommand.of(ModelCommand.Action.SHADOW, "v3", 0, null));
        assertThat(shadowed.shadowVersion()).isEqualTo("v3");
        assertThat(shadowed.servingVersion("any")).isEqualTo("v2");

        ServingPolicy promoted = apply(shadowed, command(ModelCommand.Action.PROMOTE));
        assertThat(promoted.stable()).isEqualTo("v3");
        assertThat(promoted.candidate()).isNull();

        ServingPolicy back = apply(promoted, command(ModelCommand.Action.ROLLBACK));
        assertThat(back.stable()).isEqualTo("v2");
        assertThat(apply(back, command(ModelCommand.Action.ROLLBACK)).stable()).isEqualTo("v1");
        assertThatThrownBy(() -> apply(back, command(ModelCommand.Action.ROLLBACK),
                command(ModelCommand.Action.ROLLBACK))).isInstanceOf(Rejection.class)
                .hasMessageContaining("no candidate and no earlier stable");
    }

    @Test
    void aRollbackWithACandidateOnlyDropsTheCandidate() throws Exception {
        ServingPolicy canary = apply(ServingPolicy.empty(), stable("v1"),
                ModelCommand.of(ModelCommand.Action.CANARY, "v2", 50, null));

        ServingPolicy rolledBack = apply(canary, command(ModelCommand.Action.ROLLBACK));

        assertThat(rolledBack.stable()).isEqualTo("v1");
        assertThat(rolledBack.candidate()).isNull();
    }

    @Test
    void commandsNamingUnknownVersionsOrNothingToPromoteAreRefused() {
        assertThatThrownBy(() -> apply(ServingPolicy.empty(), stable("v9")))
                .isInstanceOf(Rejection.class).hasMessageContaining("v9");
        assertThatThrownBy(() -> apply(ServingPolicy.empty(), stable("v1"), command(ModelCommand.Action.PROMOTE)))
                .isInstanceOf(Rejection.class).hasMessageContaining("no canary or shadow to promote");
        assertThatThrownBy(() -> ModelCommand.of(ModelCommand.Action.CANARY, "v2", 100, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 99");
    }

    @Test
    void registryStateSurvivesItsBroadcastStateForm() throws Exception {
        RegistryState state = new RegistryState();
        state.apply(new RegistryEntry.Artifact("v1", new byte[]{1}), (v, b) -> {
        });
        state.apply(new RegistryEntry.Command(stable("v1")), (v, b) -> {
        });

        RegistryState copy = RegistryState.fromEntries(state.toEntries());

        assertThat(copy.policy()).isEqualTo(state.policy());
        assertThat(copy.archive("v1")).containsExactly(1);
    }

    @Test
    void unreferencedArchivesAreKeptOnlyForTheLatestFew() throws Exception {
        RegistryState state = new RegistryState();
        for (int i = 0; i < 10; i++) {
            state.apply(new RegistryEntry.Artifact("v" + i, new byte[]{(byte) i}), (v, b) -> {
            });
            if (i == 0) {
                state.apply(new RegistryEntry.Command(stable("v0")), (v, b) -> {
                });
            }
        }
        assertThat(state.versions()).containsExactly("v0", "v7", "v8", "v9");
    }

    private static ModelCommand stable(String version) {
        return ModelCommand.of(ModelCommand.Action.STABLE, version, 0, null);
    }

    private static ModelCommand command(ModelCommand.Action action) {
        return ModelCommand.of(action, null, 0, null);
    }

    private static ServingPolicy apply(ServingPolicy policy, ModelCommand... commands) throws Rejection {
        for (ModelCommand command : commands) {
            policy = policy.apply(command, PUBLISHED::contains);
        }
        return policy;
    }
}
