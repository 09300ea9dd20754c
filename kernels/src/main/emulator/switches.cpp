#include "switches.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace ember_emulator {

namespace {

const char* value_of(const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr && *value != '\0' ? value : nullptr;
}

bool flag(const char* name) {
    const char* value = value_of(name);
    return value != nullptr && std::strcmp(value, "0") != 0 && std::strcmp(value, "false") != 0;
}

}  // namespace

Switches read_switches() {
    Switches switches;
    switches.reverse_threads = flag("EMBER_EMULATOR_REVERSE_THREADS");
    switches.poison = flag("EMBER_EMULATOR_POISON");
    switches.force_fibers = flag("EMBER_EMULATOR_FORCE_FIBERS");
    switches.coherent_unified = flag("EMBER_EMULATOR_COHERENT_UNIFIED");
    if (const char* value = value_of("EMBER_EMULATOR_DEVICE_COUNT")) {
        switches.device_count = std::atoi(value);
    }
    if (const char* value = value_of("EMBER_EMULATOR_INIT_ERROR")) {
        switches.init_error = std::atoi(value);
    }
    if (const char* value = value_of("EMBER_EMULATOR_COMPUTE_CAPABILITY")) {
        int major = 0;
        int minor = 0;
        if (std::sscanf(value, "%d.%d", &major, &minor) >= 1 && major > 0) {
            switches.compute_major = major;
            switches.compute_minor = minor;
        }
    }
    if (const char* value = value_of("EMBER_EMULATOR_DRIVER_VERSION")) {
        switches.driver_version = std::atoi(value);
    }
    if (const char* value = value_of("EMBER_EMULATOR_MEMORY_BYTES")) {
        switches.memory_bytes = static_cast<std::size_t>(std::strtoull(value, nullptr, 10));
    }
    return switches;
}

}  // namespace ember_emulator
