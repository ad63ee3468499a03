package dev.streampredict.registry;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.streampredict.model.Untrusted;

import java.io.IOException;
import java.io.Serializable;
import java.util.Locale;

/**
 * What a job did with a registry record, as it reports it on the status topic: so that the tools say what the job
 * decided instead of guessing it, and a person sees a refusal where they work, not only in a task manager's log.
 *
 * @param job     the job's name
 * @param offset  the registry record's offset; -1 for a change of what serves
 * @param kind    {@code artifact}, {@code command}, {@code record} (neither), or {@code policy}
 * @param version the artifact's or command's version, escaped and shortened; may be null
 * @param outcome what the job did
 * @param reason  {@link Outcome#REFUSED}: the reason's label; otherwise null
 * @param detail  the refusal's message, or the policy now in force, escaped and shortened
 * @param at      epoch milliseconds
 */
public record RegistryStatus(String job, long offset, String kind, String version, Outcome outcome, String reason,
                             String detail, long at) implements Serializable {

    public enum Outcome {
        ACCEPTED, REFUSED, SERVING;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final int MAX_SHOWN = 300;
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /**
     * Every text fit for a terminal: tools print what they read from the topic, which anyone may write to. Texts are
     * escaped once, when a job makes the status; reading one back changes nothing.
     */
    public RegistryStatus {
        job = Untrusted.line(job, 60);
        kind = Untrusted.line(kind, 20);
        version = version == null ? null : Untrusted.line(version, 80);
        reason = reason == null ? null : Untrusted.line(reason, 30);
        detail = detail == null ? null : Untrusted.line(detail, MAX_SHOWN);
        if (outcome == null) {
            throw new IllegalArgumentException("a status needs an outcome");
        }
    }

    /** The status topic of a registry, unless a job is told another. */
    public static String topicOf(String registryTopic) {
        return registryTopic + "-status";
    }

    public static RegistryStatus refused(String job, long offset, RegistryEntry entry, Rejection rejection) {
        return new RegistryStatus(job, offset, kind(entry), version(entry), Outcome.REFUSED,
                rejection.reason().label(), rejection.getMessage(), System.currentTimeMillis());
    }

    public static RegistryStatus accepted(String job, long offset, RegistryEntry entry, ServingPolicy policy) {
        return new RegistryStatus(job, offset, kind(entry), version(entry), Outcome.ACCEPTED, null,
                policy.toString(), System.currentTimeMillis());
    }

    public static RegistryStatus serving(String job, ServingPolicy policy) {
        return new RegistryStatus(job, -1, "policy", policy.stable(), Outcome.SERVING, null, policy.toString(),
                System.currentTimeMillis());
    }

    private static String kind(RegistryEntry entry) {
        if (entry instanceof RegistryEntry.Artifact) {
            return RegistryRecords.TYPE_ARTIFACT;
        }
        return entry instanceof RegistryEntry.Command ? RegistryRecords.TYPE_COMMAND : "record";
    }

    /** The record's version, escaped: a version of a record is anyone's text. */
    private static String version(RegistryEntry entry) {
        String version = entry instanceof RegistryEntry.Artifact artifact ? artifact.version()
                : entry instanceof RegistryEntry.Command command ? command.command().version() : null;
        return version == null ? null : Untrusted.text(version, 60);
    }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException("a status is always serialisable", e);
        }
    }

    /** A status read back, or null for a record that is not one: the topic is written by jobs, read by tools. */
    public static RegistryStatus parse(byte[] json) {
        try {
            return json == null || json.length > 64 * 1024 ? null : JSON.readValue(json, RegistryStatus.class);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** One line for a terminal. */
    @Override
    public String toString() {
        return switch (outcome) {
            case SERVING -> "job '" + job + "' now serves " + detail;
            case ACCEPTED -> "job '" + job + "' accepted " + kind + (version != null ? " " + version : "") + " (@"
                    + offset + ")";
            case REFUSED -> "job '" + job + "' refused " + kind + (version != null ? " " + version : "") + " (@"
                    + offset + ", " + reason + "): " + detail;
        };
    }
}
