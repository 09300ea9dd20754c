package dev.ember.bench.jmh;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Runs the {@link Benchmark} methods of a single-state JMH class by hand and reports rows per second of
 * the running thread's CPU time (median of the runs), not of wall-clock time. On a shared, overloaded
 * machine (the development machine runs several builds on two cores) JMH's wall-clock scores swing by
 * more than the differences measured; CPU time of the benchmark thread is far steadier. It leaves out the
 * time of the garbage collector's own threads. Use JMH itself ({@code org.openjdk.jmh.Main}) where the
 * machine is quiet.
 *
 * <p>Usage: {@code CpuTimeRunner <class> [method,...] [runs] [warmupRuns]}. {@code -Dbench.<field>=<value>}
 * sets a {@code @Param} field (as {@code -p} does in JMH); {@code -Dcpu=process} measures the CPU time of
 * the whole process instead of the calling thread's (for whole queries, whose work runs on Spark's task
 * threads; it then includes the JIT compiler's and the garbage collector's time).
 */
public final class CpuTimeRunner {
    private CpuTimeRunner() {}

    private static String params(Class<?> type, Object state) throws IllegalAccessException {
        StringBuilder text = new StringBuilder();
        for (java.lang.reflect.Field field : type.getFields()) {
            if (field.isAnnotationPresent(org.openjdk.jmh.annotations.Param.class)) {
                text.append(text.length() == 0 ? "(" : ", ").append(field.getName()).append('=').append(field.get(state));
            }
        }
        return text.length() == 0 ? "" : text.append(')').toString();
    }

    public static void main(String[] args) throws Exception {
        Class<?> type = Class.forName(args[0].contains(".") ? args[0] : "dev.ember.bench.jmh." + args[0]);
        List<String> only = args.length > 1 && !args[1].equals("all") ? Arrays.asList(args[1].split(",")) : null;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 7;
        int warmups = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        Object state = type.getConstructor().newInstance();
        for (java.lang.reflect.Field field : type.getFields()) {
            String value = System.getProperty("bench." + field.getName());
            if (value != null) {
                Class<?> fieldType = field.getType();
                field.set(state, fieldType == int.class ? Integer.valueOf(value)
                        : fieldType == boolean.class ? Boolean.valueOf(value) : value);
            }
        }
        boolean wholeProcess = "process".equals(System.getProperty("cpu"));
        com.sun.management.OperatingSystemMXBean system =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        type.getMethod("setUp").invoke(state);
        Blackhole blackhole = new Blackhole(
                "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<Method> methods = new ArrayList<>();
        for (Method method : type.getMethods()) {
            if (method.isAnnotationPresent(Benchmark.class) && (only == null || only.contains(method.getName()))) {
                methods.add(method);
            }
        }
        methods.sort((a, b) -> a.getName().compareTo(b.getName()));
        try {
            for (Method method : methods) {
                OperationsPerInvocation operations = method.getAnnotation(OperationsPerInvocation.class);
                long rows = operations == null ? 1 : operations.value();
                for (int i = 0; i < warmups; i++) {
                    method.invoke(state, blackhole);
                }
                double[] rates = new double[runs];
                for (int i = 0; i < runs; i++) {
                    long start = wholeProcess ? system.getProcessCpuTime() : threads.getCurrentThreadCpuTime();
                    method.invoke(state, blackhole);
                    long end = wholeProcess ? system.getProcessCpuTime() : threads.getCurrentThreadCpuTime();
                    rates[i] = rows * 1e9 / (end - start);
                }
                Arrays.sort(rates);
                if (rows == 1) {
                    // one operation per call (a whole query): CPU seconds per operation reads better
                    System.out.printf(Locale.ROOT, "%-40s %10.3f cpu-s/op  (min %.3f, max %.3f, %d runs)%n",
                            type.getSimpleName() + "." + method.getName() + params(type, state), 1 / rates[runs / 2],
                            1 / rates[runs - 1], 1 / rates[0], runs);
                } else {
                    System.out.printf(Locale.ROOT, "%-40s %14.0f rows/cpu-s  (min %.0f, max %.0f, %d runs)%n",
                            type.getSimpleName() + "." + method.getName(), rates[runs / 2], rates[0],
                            rates[runs - 1], runs);
                }
            }
        } finally {
            type.getMethod("tearDown").invoke(state);
        }
    }
}
