// Shared pieces of aelab-cli's commands (private to core/cli).
#pragma once
#include <map>
#include <ostream>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace aelab::cli {

// A mistake in how the program was called (exit code 2, usage printed).
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// "--key value" options (and the flags --json, --help); -k is --k.
class Args {
public:
    Args(const std::vector<std::string>& args, std::size_t first);
    bool has(const std::string& key) const;
    std::string get(const std::string& key) const;
    std::string get(const std::string& key, const std::string& fallback) const;
    long get_int(const std::string& key, long fallback) const;
    // One integer for every axis, or one per axis ("2" or "2,1").
    std::vector<long> get_ints(const std::string& key, std::size_t axes, long fallback) const;
    // Rejects options the command did not read (a typo must not be silently ignored).
    void check_all_used(const std::string& command) const;

private:
    std::map<std::string, std::string> values_;
    mutable std::set<std::string> used_;
};

// The Fashion-MNIST file a training command reads: data_option (its --data, "" if none), else
// $AELAB_DATA_DIR/, else data/ beside the executable (natively), else data/ in the current
// directory (where the wasm build run by node looks). Throws naming `command` and every place
// tried when none is readable.
std::string find_dataset(const std::string& data_option, const std::string& command);

int run_bench(const Args& args, std::ostream& out);

}  // namespace aelab::cli
