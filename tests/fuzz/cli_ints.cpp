// libFuzzer target: aelab-cli's option parsing (core/cli/commands.hpp Args) and its integer and
// integer-list readers, get_int / get_ints. The input is split at NUL bytes into arguments; it
// is also given whole as the value of one option. A number that is accepted must fit in an int.
#include <climits>

#include "commands.hpp"
#include "fuzz_util.hpp"

namespace {

template <class F>
void attempt_cli(F&& f) {
    try {
        f();
    } catch (const aelab::Error&) {
    } catch (const aelab::cli::UsageError&) {
    }
}

void check(long v) {
    if (v < INT_MIN || v > INT_MAX) fuzz::finding("an integer outside int's range was accepted");
}

void read_all(const aelab::cli::Args& a) {
    for (const char* key : {"x", "k", "stride", "steps"}) {
        attempt_cli([&] { check(a.get_int(key, 0)); });
        for (std::size_t axes : {1, 2, 3})
            attempt_cli([&] {
                const std::vector<long> v = a.get_ints(key, axes, 7);
                if (v.size() != axes) fuzz::finding("get_ints returned the wrong number of values");
                for (long x : v) check(x);
            });
    }
    attempt_cli([&] { a.check_all_used("fuzz"); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 4096) return 0;
    const std::string all = fuzz::text(data, size);
    std::vector<std::string> args;
    for (std::size_t start = 0; args.size() < 32;) {
        const std::size_t nul = std::min(all.find('\0', start), all.size());
        args.push_back(all.substr(start, nul - start));
        if (nul == all.size()) break;
        start = nul + 1;
    }
    attempt_cli([&] { read_all(aelab::cli::Args(args, 0)); });
    attempt_cli([&] { read_all(aelab::cli::Args({"--x", all, "--k", all}, 0)); });
    return 0;
}
