package dev.ember.doctor;

import java.util.List;

/**
 * {@code bin/ember doctor}: prints the report of {@link Doctor} and exits 0 when Ember's GPU path is usable
 * on this machine (a device opened, the kernels loaded, every conformance check passed), 1 when it is not,
 * 2 for a bad command line.
 */
public final class DoctorMain {

    private DoctorMain() {}

    public static void main(String[] args) {
        DoctorOptions options;
        try {
            options = DoctorOptions.parse(List.of(args));
        } catch (IllegalArgumentException e) {
            System.err.println("ember doctor: " + e.getMessage());
            System.exit(2);
            return;
        }
        boolean usable = new Doctor(options, System.out).run();
        System.out.flush();
        // Exit explicitly: JCuda and Arrow may leave non-daemon threads behind.
        System.exit(usable ? 0 : 1);
    }
}
