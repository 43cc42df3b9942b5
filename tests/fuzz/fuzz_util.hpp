// Shared by the libFuzzer targets (tests/fuzz, run by tools/fuzz.sh): what a target may do with
// an input and what counts as a finding. A parser may reject input only with aelab::Error (the
// CLI: with cli::UsageError too); every other exception escapes LLVMFuzzerTestOneInput and
// libFuzzer reports it, as it reports sanitizer errors, timeouts and memory over -rss_limit_mb.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "aelab/error.hpp"

namespace fuzz {

// Runs f; an aelab::Error is the expected way to refuse input and is ignored. Returns whether f
// completed.
template <class F>
bool attempt(F&& f) {
    try {
        f();
        return true;
    } catch (const aelab::Error&) {
        return false;
    }
}

// A broken invariant (not a crash of the code under test, but a wrong answer): a finding.
[[noreturn]] inline void finding(const std::string& what) {
    std::fprintf(stderr, "fuzz finding: %s\n", what.c_str());
    std::abort();
}

inline std::string text(const std::uint8_t* data, std::size_t size) {
    return std::string(reinterpret_cast<const char*>(data), size);
}

}  // namespace fuzz
