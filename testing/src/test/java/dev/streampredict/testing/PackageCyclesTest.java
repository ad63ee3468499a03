package dev.streampredict.testing;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layout shows the architecture only while no package depends on a package that depends back on it: read from
 * the imports of every module's main code, as a reader would follow them.
 */
class PackageCyclesTest {

    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile(
            "^import (?:static )?(dev\\.streampredict(?:\\.[a-z]\\w*)*)\\.[A-Z]", Pattern.MULTILINE);

    @Test
    void noPackageOfTheMainCodeDependsOnItselfThroughOthers() throws IOException {
        Map<String, Set<String>> imports = imports(Path.of(".."));
        assertThat(imports).as("packages read").hasSizeGreaterThan(10);

        List<String> cycles = new ArrayList<>();
        for (String start : imports.keySet()) {
            List<String> path = cycleThrough(start, imports);
            if (path != null) {
                cycles.add(String.join(" -> ", path));
            }
        }
        assertThat(cycles).as("import cycles").isEmpty();
    }

    @Test
    void aCycleIsFound() {
        Map<String, Set<String>> imports = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"),
                "d", Set.of("a"));
        assertThat(cycleThrough("a", imports)).containsExactly("a", "b", "c", "a");
        assertThat(cycleThrough("d", imports)).as("d reaches a cycle but is not on it").isNull();
    }

    /** A path of imports from {@code start} back to it, or {@code null}. */
    private static List<String> cycleThrough(String start, Map<String, Set<String>> imports) {
        Map<String, String> reachedFrom = new HashMap<>();
        List<String> frontier = new ArrayList<>(List.of(start));
        Set<String> seen = new HashSet<>();
        while (!frontier.isEmpty()) {
            List<String> next = new ArrayList<>();
            for (String from : frontier) {
                for (String to : new TreeSet<>(imports.getOrDefault(from, Set.of()))) {
                    if (to.equals(start)) {
                        List<String> path = new ArrayList<>(List.of(start));
                        for (String at = from; !at.equals(start); at = reachedFrom.get(at)) {
                            path.add(1, at);
                        }
                        path.add(start);
                        return path;
                    }
                    if (seen.add(to)) {
                        reachedFrom.put(to, from);
                        next.add(to);
                    }
                }
            }
            frontier = next;
        }
        return null;
    }

    private static Map<String, Set<String>> imports(Path root) throws IOException {
        Map<String, Set<String>> imports = new HashMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> f.toString().contains("/src/main/java/")).toList()) {
                String source = Files.readString(file);
                Matcher pkg = PACKAGE.matcher(source);
                if (!pkg.find() || !pkg.group(1).startsWith("dev.streampredict")) {
                    continue;
                }
                Set<String> of = imports.computeIfAbsent(pkg.group(1), p -> new HashSet<>());
                Matcher m = IMPORT.matcher(source);
                while (m.find()) {
                    if (!m.group(1).equals(pkg.group(1))) {
                        of.add(m.group(1));
                    }
                }
            }
        }
        return imports;
    }
}
