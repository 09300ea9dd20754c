package dev.ember.doctor;

import dev.ember.config.EmberConf;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The command line of {@code ember doctor}.
 *
 * @param emulator check Ember's CUDA driver emulator instead of the NVIDIA driver ({@code --device emulator})
 * @param ordinal the CUDA device the conformance suite runs on ({@code --ordinal}, default 0)
 * @param seed the seed of the suite's random inputs ({@code --seed}, default: the clock)
 * @param settings {@code spark.ember.*} settings ({@code --conf key=value}), as an executor would read them
 * @param verbose print the driver's and JCuda's messages whole ({@code --verbose})
 */
record DoctorOptions(boolean emulator, int ordinal, long seed, Map<String, String> settings, boolean verbose) {

    static final String USAGE = "usage: ember doctor [--device cuda|emulator] [--ordinal N] [--seed S]"
            + " [--conf spark.ember.key=value]... [--verbose]";

    DoctorOptions {
        settings = Map.copyOf(settings);
    }

    /** The settings as Ember reads them; undeclared keys are ignored as Spark ignores them. */
    EmberConf conf() {
        return EmberConf.of(key -> Optional.ofNullable(settings.get(key)));
    }

    /**
     * Parses the arguments.
     *
     * @throws IllegalArgumentException for an unknown or malformed argument, with the usage
     */
    static DoctorOptions parse(List<String> arguments) {
        boolean emulator = false;
        int ordinal = 0;
        long seed = System.nanoTime();
        Map<String, String> settings = new HashMap<>();
        boolean verbose = false;
        for (int i = 0; i < arguments.size(); i++) {
            String argument = arguments.get(i);
            switch (argument) {
                case "--device" -> {
                    String device = value(arguments, ++i, argument);
                    if (!device.equals("cuda") && !device.equals("emulator")) {
                        throw new IllegalArgumentException("--device must be cuda or emulator, not " + device + "\n"
                                + USAGE);
                    }
                    emulator = device.equals("emulator");
                }
                case "--ordinal" -> ordinal = Integer.parseInt(value(arguments, ++i, argument));
                case "--verbose" -> verbose = true;
                case "--seed" -> seed = Long.parseLong(value(arguments, ++i, argument));
                case "--conf" -> {
                    String setting = value(arguments, ++i, argument);
                    int equals = setting.indexOf('=');
                    if (equals <= 0) {
                        throw new IllegalArgumentException("--conf takes key=value, not " + setting + "\n" + USAGE);
                    }
                    settings.put(setting.substring(0, equals), setting.substring(equals + 1));
                }
                default -> throw new IllegalArgumentException("unknown argument " + argument + "\n" + USAGE);
            }
        }
        if (ordinal < 0) {
            throw new IllegalArgumentException("--ordinal must not be negative: " + ordinal);
        }
        return new DoctorOptions(emulator, ordinal, seed, settings, verbose);
    }

    private static String value(List<String> arguments, int index, String option) {
        if (index >= arguments.size()) {
            throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
        }
        return arguments.get(index);
    }
}
