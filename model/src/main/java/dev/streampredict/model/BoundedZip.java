package dev.streampredict.model;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Reads the entries of a zip held in memory, each inflated as a stream against its own cap: a small zip that inflates
 * to gigabytes is refused when its cap is passed, not after it was allocated. Names that are not expected, repeated
 * names and too many entries are refused too, so that nothing of a zip goes unread or unchecked.
 */
final class BoundedZip {

    private static final int CHUNK = 64 * 1024;

    /**
     * The most bytes an entry may inflate to. While it is read, an entry takes at most twice its size (the buffer
     * grows by doubling).
     *
     * @param budget whether the cap is (a share of) the memory budget, which a setting raises, or a format limit
     */
    record Cap(long bytes, boolean budget) {

        static Cap format(long bytes) {
            return new Cap(bytes, false);
        }

        static Cap budget(long bytes) {
            return new Cap(bytes, true);
        }

        ModelArtifactException exceeded(String what) {
            return budget
                    ? new ModelArtifactException(RefusalReason.OVER_BUDGET, what + " inflates to more than "
                    + ModelLimits.megabytes(bytes) + ", more than a model's memory budget allows; "
                    + ModelLimits.BUDGET_SETTING + " raises it")
                    : new ModelArtifactException(RefusalReason.TOO_LARGE, what + " inflates to more than "
                    + ModelLimits.megabytes(bytes) + ", the artifact format's limit");
        }
    }

    private BoundedZip() {
    }

    /**
     * @param caps      the entries expected, each with the most bytes it may inflate to
     * @param stopAfter the first entry, after which reading stops (the rest is left unread), or {@code null} to read
     *                  every entry
     * @param what      names the zip in messages
     */
    static Map<String, byte[]> read(byte[] zip, Map<String, Cap> caps, String stopAfter, String what) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        int count = 0;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                if (++count > ModelLimits.MAX_ENTRIES) {
                    throw new ModelArtifactException(RefusalReason.TOO_LARGE, what + " has more than "
                            + ModelLimits.MAX_ENTRIES + " entries, the artifact format's limit");
                }
                String name = entry.getName();
                if (stopAfter != null && !name.equals(stopAfter)) {
                    throw new ModelArtifactException(RefusalReason.UNREADABLE, what + " starts with '"
                            + Untrusted.text(name) + "', not with " + stopAfter);
                }
                Cap cap = caps.get(name);
                if (cap == null) {
                    throw new ModelArtifactException(RefusalReason.UNREADABLE, what + " holds an entry '"
                            + Untrusted.text(name) + "' that no artifact has; expected only " + caps.keySet());
                }
                if (entries.containsKey(name)) {
                    throw new ModelArtifactException(RefusalReason.UNREADABLE, what + " holds " + name + " twice");
                }
                entries.put(name, readCapped(in, cap, what + " entry " + name));
                if (name.equals(stopAfter)) {
                    break;
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelArtifactException(RefusalReason.UNREADABLE, what + " is not a readable zip ("
                    + Untrusted.text(String.valueOf(e.getMessage())) + ")", e);
        }
        return entries;
    }

    /** The whole of {@code in}, refused as soon as it passes the cap. */
    static byte[] readCapped(InputStream in, Cap cap, String what) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[CHUNK];
        long total = 0;
        for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
            total += n;
            if (total > cap.bytes()) {
                throw cap.exceeded(what);
            }
            out.write(chunk, 0, n);
        }
        return out.toByteArray();
    }
}
