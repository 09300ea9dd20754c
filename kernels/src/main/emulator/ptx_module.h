// Reads what the emulator needs from PTX text: each .entry's name, the byte size of each of its
// .param declarations, and whether its body has barriers or warp operations (which decides
// between running the block's threads one after another or as fibers).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace ember_emulator {

struct PtxEntry {
    std::string name;
    std::vector<std::size_t> parameter_sizes;
    bool synchronizes;
};

/**
 * Parses the entries of a PTX module. Returns false and sets error when the text is not PTX the
 * emulator understands (no .version directive, an unbalanced body, an unreadable .param).
 */
bool parse_ptx(const std::string& text, std::vector<PtxEntry>& entries, std::string& error);

}  // namespace ember_emulator
