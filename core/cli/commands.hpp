// Shared pieces of aelab-cli's commands (private to core/cli).
#pragma once
#include <cstdint>
#include <map>
#include <ostream>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "aelab/error.hpp"  // printable(): arguments quoted in messages

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

// v with `count` digits after the point ("%.*f"), for progress and JSON lines.
std::string decimals(double v, int count);

// The options every `train` command reads, checked: --steps in [1, max_steps], --seed >= 0,
// the --json flag and --data. `command` ("train stacked-ae") prefixes the messages.
struct TrainArgs {
    int steps = 0;
    std::uint64_t seed = 0;
    bool json = false;
    std::string data_option;
};
TrainArgs read_train_args(const Args& a, const std::string& command, int default_steps, std::uint64_t default_seed,
                          int max_steps = 1000000);

int run_bench(const Args& args, std::ostream& out);
// aelab-cli bench-train [--job SPEC] [--seconds S] [--eval-every N] [--data FILE] [--json]
int bench_train(const Args& args, std::ostream& out);

}  // namespace aelab::cli
