package dev.ember;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The plugin's package dependencies, read from its compiled classes by the JDK's {@code jdeps} (so a
 * dependency through a method signature or a constant counts, a Javadoc mention does not): dependencies
 * run one way, plan → catalog → exec → device → memory, and a package that is out of every cycle stays
 * out. The packages still in one cycle are listed in {@link #STILL_IN_A_CYCLE} with the edges that close
 * it; the list may only shrink.
 */
class TestPackageDependencies {
    /**
     * Packages that still form one cycle: none since 2026-12-03 (evening), when {@code SupportLevel} moved to
     * {@code expr}, {@code FirstLastOrder} to {@code catalog} (its rule-side half, {@code FirstLastAggregates},
     * to {@code catalog.rules}), {@code ExecRule} and {@code PlanContext} to {@code catalog.rules} and
     * {@code EmberVersion} to {@code config}. The list may only shrink, so it stays empty.
     */
    private static final Set<String> STILL_IN_A_CYCLE = Set.of();

    private static final Pattern EDGE = Pattern.compile("^\\s+(dev\\.ember[\\w.]*)\\s+->\\s+(dev\\.ember[\\w.]*)\\s");

    private static Map<String, Set<String>> dependencies;

    @BeforeAll
    static void readTheClasses() throws URISyntaxException {
        Path classes = Path.of(EmberPlugin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError(
                "this test needs the JDK's jdeps tool; run the build with a JDK, not a JRE"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = jdeps.run(new PrintWriter(out), new PrintWriter(err), "-verbose:package", classes.toString());
        assertEquals(0, status, () -> "jdeps failed: " + err);
        dependencies = new TreeMap<>();
        for (String line : out.toString().split("\n")) {
            Matcher edge = EDGE.matcher(line);
            if (edge.find() && !edge.group(1).equals(edge.group(2))) {
                dependencies.computeIfAbsent(edge.group(1), p -> new TreeSet<>()).add(edge.group(2));
            }
        }
        assertTrue(dependencies.containsKey("dev.ember.exec"), "jdeps listed no Ember package: " + out);
    }

    private static Set<String> dependenciesOf(String pkg) {
        return dependencies.getOrDefault(pkg, Set.of());
    }

    @Test
    void memoryAndConfigSitAtTheBottom() {
        assertEquals(Set.of(), dependenciesOf("dev.ember.config"), "config depends on no other Ember package");
        assertEquals(Set.of("dev.ember.config"), dependenciesOf("dev.ember.memory"),
                "memory depends on config only (the device installs its task gate, EmberMemory.gateTasks)");
    }

    /**
     * Operators reach a device through the {@code Device} contract only: an operator that called a host
     * implementation directly would run that step on the host whatever the device (the spill writer once
     * sorted each batch's partition ids on the host this way on the CUDA path too).
     */
    @Test
    void operatorsUseNoDeviceImplementation() {
        for (Map.Entry<String, Set<String>> edges : dependencies.entrySet()) {
            if (edges.getKey().equals("dev.ember.exec") || edges.getKey().startsWith("dev.ember.exec.")) {
                for (String target : edges.getValue()) {
                    assertFalse(target.equals("dev.ember.device.host") || target.equals("dev.ember.device.cuda"),
                            () -> edges.getKey() + " depends on the device implementation " + target
                                    + "; call it through dev.ember.device.Device");
                }
            }
        }
    }

    @Test
    void noPackageJoinsACycle() {
        List<Set<String>> cycles = cycles();
        for (Set<String> cycle : cycles) {
            Set<String> newcomers = new TreeSet<>(cycle);
            newcomers.removeAll(STILL_IN_A_CYCLE);
            assertEquals(Set.of(), newcomers, () -> "packages in a cycle that were out of every cycle: " + cycle
                    + "; their edges: " + edgesWithin(cycle));
        }
        Set<String> inCycles = new TreeSet<>();
        cycles.forEach(inCycles::addAll);
        Set<String> freed = new TreeSet<>(STILL_IN_A_CYCLE);
        freed.removeAll(inCycles);
        assertEquals(Set.of(), freed, "these packages are out of every cycle now: take them off STILL_IN_A_CYCLE");
    }

    private static Map<String, Set<String>> edgesWithin(Set<String> cycle) {
        Map<String, Set<String>> within = new TreeMap<>();
        for (String from : cycle) {
            for (String to : dependenciesOf(from)) {
                if (cycle.contains(to)) {
                    within.computeIfAbsent(from, p -> new TreeSet<>()).add(to);
                }
            }
        }
        return within;
    }

    /** The strongly connected components of more than one package (Tarjan's algorithm). */
    private static List<Set<String>> cycles() {
        Set<String> packages = new TreeSet<>(dependencies.keySet());
        dependencies.values().forEach(packages::addAll);
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> components = new ArrayList<>();
        for (String start : packages) {
            if (!index.containsKey(start)) {
                connect(start, index, low, stack, onStack, components);
            }
        }
        return components;
    }

    private static void connect(String node, Map<String, Integer> index, Map<String, Integer> low,
            Deque<String> stack, Set<String> onStack, List<Set<String>> components) {
        index.put(node, index.size());
        low.put(node, index.get(node));
        stack.push(node);
        onStack.add(node);
        for (String next : dependenciesOf(node)) {
            if (!index.containsKey(next)) {
                connect(next, index, low, stack, onStack, components);
                low.put(node, Math.min(low.get(node), low.get(next)));
            } else if (onStack.contains(next)) {
                low.put(node, Math.min(low.get(node), index.get(next)));
            }
        }
        if (low.get(node).equals(index.get(node))) {
            Set<String> component = new TreeSet<>();
            String member;
            do {
                member = stack.pop();
                onStack.remove(member);
                component.add(member);
            } while (!member.equals(node));
            if (component.size() > 1) {
                components.add(component);
            }
        }
    }
}
