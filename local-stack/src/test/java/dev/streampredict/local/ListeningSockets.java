package dev.streampredict.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The TCP ports a process and its descendants listen on, read from {@code /proc} (Linux): each listening socket in
 * {@code /proc/net/tcp} and {@code tcp6} whose inode is among the processes' open files.
 */
final class ListeningSockets {

    private static final String LISTEN = "0A";

    /** @param address as the kernel writes it, e.g. {@code 127.0.0.1} or {@code ::} */
    record Listening(long pid, String address, int port) {

        boolean loopback() {
            return address.startsWith("127.") || address.equals("::1") || address.startsWith("::ffff:127.");
        }
    }

    private ListeningSockets() {
    }

    static List<Listening> of(ProcessHandle process) throws IOException {
        Map<String, Long> inodes = new HashMap<>();
        List<ProcessHandle> family = new ArrayList<>(List.of(process));
        family.addAll(process.descendants().toList());
        for (ProcessHandle p : family) {
            try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(p.pid()), "fd"))) {
                for (Path fd : fds.toList()) {
                    try {
                        String target = Files.readSymbolicLink(fd).toString();
                        if (target.startsWith("socket:[")) {
                            inodes.put(target.substring(8, target.length() - 1), p.pid());
                        }
                    } catch (IOException closedMeanwhile) {
                        // a descriptor closed while we read the directory
                    }
                }
            } catch (IOException exited) {
                // a child that ended meanwhile listens on nothing
            }
        }
        List<Listening> listening = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f[3].equals(LISTEN) && inodes.containsKey(f[9])) {
                    String[] local = f[1].split(":");
                    listening.add(new Listening(inodes.get(f[9]), address(local[0]), Integer.parseInt(local[1], 16)));
                }
            }
        }
        return listening;
    }

    /** The kernel's hex address (each 32-bit word little-endian) as text. */
    private static String address(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int b = 0; b < 4; b++) {
                bytes[word * 4 + b] = (byte) Integer.parseInt(hex.substring(word * 8 + (3 - b) * 2,
                        word * 8 + (3 - b) * 2 + 2), 16);
            }
        }
        if (bytes.length == 4) {
            return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + "." + (bytes[3] & 0xff);
        }
        boolean mapped = true;
        for (int i = 0; i < 10; i++) {
            mapped &= bytes[i] == 0;
        }
        mapped &= bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
        if (mapped) {
            return "::ffff:" + (bytes[12] & 0xff) + "." + (bytes[13] & 0xff) + "." + (bytes[14] & 0xff) + "."
                    + (bytes[15] & 0xff);
        }
        boolean any = true;
        for (int i = 0; i < 15; i++) {
            any &= bytes[i] == 0;
        }
        return any && bytes[15] == 0 ? "::" : any && bytes[15] == 1 ? "::1" : hexGroups(bytes);
    }

    private static String hexGroups(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 16; i += 2) {
            int group = ((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff);
            text.append(i == 0 ? "" : ":").append(Integer.toHexString(group));
        }
        return text.toString();
    }
}
