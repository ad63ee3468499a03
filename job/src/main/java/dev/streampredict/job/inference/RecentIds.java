package dev.streampredict.job.inference;

/**
 * Per-key memory of the ids most recently scored, to catch a record that arrives twice (a producer re-sending
 * after a timeout, a replayed file). It keeps a fixed number of 64-bit id hashes in a ring: O(capacity) longs per
 * key however long the job runs, where a set of every id ever seen would grow without bound. A duplicate is caught
 * if its original is among the key's last {@code capacity} records. A Flink POJO, like {@link SeriesWindow}.
 */
public class RecentIds {

    public long[] hashes;
    public int size;
    public int next;

    public RecentIds() {
    }

    public static RecentIds withCapacity(int capacity) {
        RecentIds ids = new RecentIds();
        ids.hashes = new long[capacity];
        return ids;
    }

    /** Remembers {@code id}; false if it was already among the remembered ones. */
    public boolean add(String id) {
        long hash = hash(id);
        for (int i = 0; i < size; i++) {
            if (hashes[i] == hash) {
                return false;
            }
        }
        hashes[next] = hash;
        next = (next + 1) % hashes.length;
        size = Math.min(size + 1, hashes.length);
        return true;
    }

    /**
     * FNV-1a over the id's UTF-16 code units, 64 bits: two distinct ids among a key's last few dozen collide with
     * odds of about 2^-55. No allocation: this runs for every record.
     */
    static long hash(String id) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            hash ^= c & 0xff;
            hash *= 0x100000001b3L;
            hash ^= c >>> 8;
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}
