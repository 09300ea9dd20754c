#include "ptx_module.h"

#include <cctype>
#include <cstdlib>

namespace ember_emulator {

namespace {

bool is_name_character(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' || c == '.';
}

std::string strip_comments(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); i++) {
        if (text[i] == '/' && i + 1 < text.size() && text[i + 1] == '/') {
            while (i < text.size() && text[i] != '\n') {
                i++;
            }
            out.push_back('\n');
        } else if (text[i] == '/' && i + 1 < text.size() && text[i + 1] == '*') {
            const std::size_t end = text.find("*/", i + 2);
            i = end == std::string::npos ? text.size() : end + 1;
            out.push_back(' ');
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

// The size of one ".param ..." declaration: ".param .u64 name", ".param .align 8 .b8 name[16]".
bool parameter_size(const std::string& declaration, std::size_t& size) {
    std::size_t element = 0;
    static const char* const kTypes[][2] = {
            {".u8", "1"}, {".s8", "1"}, {".b8", "1"}, {".u16", "2"}, {".s16", "2"}, {".b16", "2"},
            {".f16", "2"}, {".u32", "4"}, {".s32", "4"}, {".b32", "4"}, {".f32", "4"}, {".u64", "8"},
            {".s64", "8"}, {".b64", "8"}, {".f64", "8"}};
    for (const auto& type : kTypes) {
        const std::string token = std::string(type[0]) + " ";
        if (declaration.find(token) != std::string::npos) {
            element = static_cast<std::size_t>(std::atoi(type[1]));
            break;
        }
    }
    if (element == 0) {
        return false;
    }
    const std::size_t bracket = declaration.find('[');
    if (bracket == std::string::npos) {
        size = element;
        return true;
    }
    const long count = std::atol(declaration.c_str() + bracket + 1);
    if (count <= 0) {
        return false;
    }
    size = element * static_cast<std::size_t>(count);
    return true;
}

bool has_synchronization(const std::string& body) {
    static const char* const kMarkers[] = {"bar.", "barrier.", "shfl.", "vote.", "bar.warp.sync"};
    for (const char* marker : kMarkers) {
        std::size_t position = body.find(marker);
        while (position != std::string::npos) {
            if (position == 0 || !is_name_character(body[position - 1])) {
                return true;
            }
            position = body.find(marker, position + 1);
        }
    }
    return false;
}

}  // namespace

bool parse_ptx(const std::string& raw_text, std::vector<PtxEntry>& entries, std::string& error) {
    const std::string text = strip_comments(raw_text);
    if (text.find(".version") == std::string::npos) {
        error = "not PTX text (no .version directive); the emulator loads PTX only, not cubin or fatbin";
        return false;
    }
    // A kernel that calls a .func with barriers must run as fibers too: remember whether any
    // non-entry function synchronizes.
    bool functions_synchronize = false;
    std::vector<std::pair<PtxEntry, bool>> found;
    std::size_t position = 0;
    while ((position = text.find(".entry", position)) != std::string::npos) {
        std::size_t cursor = position + 6;
        if (cursor >= text.size() || !std::isspace(static_cast<unsigned char>(text[cursor]))) {
            position = cursor;
            continue;
        }
        while (cursor < text.size() && std::isspace(static_cast<unsigned char>(text[cursor]))) {
            cursor++;
        }
        const std::size_t name_start = cursor;
        while (cursor < text.size() && is_name_character(text[cursor])) {
            cursor++;
        }
        PtxEntry entry;
        entry.name = text.substr(name_start, cursor - name_start);
        entry.synchronizes = false;
        const std::size_t open = text.find_first_not_of(" \t\r\n", cursor);
        if (open != std::string::npos && text[open] == '(') {
            const std::size_t close = text.find(')', open);
            if (close == std::string::npos) {
                error = "unterminated parameter list of .entry " + entry.name;
                return false;
            }
            const std::string list = text.substr(open + 1, close - open - 1);
            std::size_t start = 0;
            while (start < list.size()) {
                std::size_t comma = list.find(',', start);
                if (comma == std::string::npos) {
                    comma = list.size();
                }
                const std::string declaration = list.substr(start, comma - start) + " ";
                if (declaration.find(".param") != std::string::npos) {
                    std::size_t size = 0;
                    if (!parameter_size(declaration, size)) {
                        error = "cannot read parameter '" + declaration + "' of .entry " + entry.name;
                        return false;
                    }
                    entry.parameter_sizes.push_back(size);
                }
                start = comma + 1;
            }
            cursor = close + 1;
        }
        const std::size_t body_open = text.find('{', cursor);
        if (body_open == std::string::npos) {
            error = "no body for .entry " + entry.name;
            return false;
        }
        int depth = 0;
        std::size_t body_close = body_open;
        for (; body_close < text.size(); body_close++) {
            if (text[body_close] == '{') {
                depth++;
            } else if (text[body_close] == '}' && --depth == 0) {
                break;
            }
        }
        if (depth != 0) {
            error = "unbalanced braces in .entry " + entry.name;
            return false;
        }
        const std::string body = text.substr(body_open, body_close - body_open + 1);
        entry.synchronizes = has_synchronization(body);
        const bool calls = body.find("call") != std::string::npos;
        found.emplace_back(entry, calls);
        position = body_close;
    }
    std::size_t function = 0;
    while ((function = text.find(".func", function)) != std::string::npos) {
        const std::size_t body_open = text.find('{', function);
        const std::size_t next_entry = text.find(".entry", function);
        if (body_open == std::string::npos || (next_entry != std::string::npos && next_entry < body_open)) {
            function += 5;
            continue;
        }
        int depth = 0;
        std::size_t body_close = body_open;
        for (; body_close < text.size(); body_close++) {
            if (text[body_close] == '{') {
                depth++;
            } else if (text[body_close] == '}' && --depth == 0) {
                break;
            }
        }
        if (has_synchronization(text.substr(body_open, body_close - body_open))) {
            functions_synchronize = true;
        }
        function = body_close;
    }
    for (auto& [entry, calls] : found) {
        entry.synchronizes = entry.synchronizes || (calls && functions_synchronize);
        entries.push_back(entry);
    }
    return true;
}

}  // namespace ember_emulator
