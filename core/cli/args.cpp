// aelab-cli's options (commands.hpp Args): "--key value" pairs, integers and integer lists read
// with their ranges checked, and options nobody read reported. Its own file so that the
// libFuzzer target for it (tests/fuzz/cli_ints.cpp) compiles it alone, not the whole CLI.
#include <cerrno>
#include <cstdlib>
#include <limits>

#include "commands.hpp"

namespace aelab::cli {

Args::Args(const std::vector<std::string>& args, std::size_t first) {
    for (std::size_t i = first; i < args.size(); ++i) {
        std::string a = args[i];
        if (a == "-k") a = "--k";
        if (a.rfind("--", 0) != 0) throw UsageError("unexpected argument '" + printable(a) + "'");
        std::string key = a.substr(2);
        if (key == "json" || key == "help") {
            values_[key] = "1";
            continue;
        }
        if (i + 1 >= args.size()) throw UsageError("option " + printable(a) + " needs a value");
        values_[key] = args[++i];
    }
}

bool Args::has(const std::string& key) const {
    if (!values_.count(key)) return false;
    used_.insert(key);  // asking about an option is reading it
    return true;
}

std::string Args::get(const std::string& key) const {
    auto it = values_.find(key);
    if (it == values_.end()) throw UsageError("missing --" + key);
    used_.insert(key);
    return it->second;
}

std::string Args::get(const std::string& key, const std::string& fallback) const {
    return has(key) ? get(key) : fallback;
}

namespace {

// One whole number of option --key ("item", from the text "whole" the user gave): digits with
// an optional sign (strtol's syntax) and a value that fits in an int. long is 32 bits in wasm
// and 64 natively, so the int range also makes both builds accept the same numbers.
long int_value(const std::string& key, const std::string& item, const std::string& whole, bool list) {
    char* end = nullptr;
    errno = 0;
    const long x = std::strtol(item.c_str(), &end, 10);
    if (item.empty() || *end)
        throw UsageError("--" + key + (list ? " expects integers" : " expects an integer") + ", got '" +
                         printable(whole) + "'");
    if (errno == ERANGE || x < long(std::numeric_limits<int>::min()) || x > long(std::numeric_limits<int>::max()))
        throw UsageError("--" + key + ": " + printable(item) + " is out of range (integers from " +
                         std::to_string(std::numeric_limits<int>::min()) + " to " +
                         std::to_string(std::numeric_limits<int>::max()) + ")");
    return x;
}

}  // namespace

long Args::get_int(const std::string& key, long fallback) const {
    if (!has(key)) return fallback;
    const std::string v = get(key);
    return int_value(key, v, v, false);
}

std::vector<long> Args::get_ints(const std::string& key, std::size_t axes, long fallback) const {
    if (!has(key)) return std::vector<long>(axes, fallback);
    const std::string v = get(key);
    std::vector<long> out;
    for (std::size_t start = 0;;) {  // every comma separates two numbers: "2,", ",2" and "" are errors
        const std::size_t comma = std::min(v.find(',', start), v.size());
        if (out.size() == axes)  // more numbers than axes: stop before reading them all
            throw UsageError("--" + key + " expects 1 or " + std::to_string(axes) + " integers, got '" +
                             printable(v) + "'");
        out.push_back(int_value(key, v.substr(start, comma - start), v, true));
        if (comma == v.size()) break;
        start = comma + 1;
    }
    if (out.size() == 1) out = std::vector<long>(axes, out[0]);  // not assign(n, out[0]): that aliases
    if (out.size() != axes)
        throw UsageError("--" + key + " expects 1 or " + std::to_string(axes) + " integers, got '" + printable(v) + "'");
    return out;
}

void Args::check_all_used(const std::string& command) const {
    for (const auto& kv : values_)
        if (!used_.count(kv.first) && kv.first != "help")
            throw UsageError(command + ": unknown or unused option --" + printable(kv.first));
}

}  // namespace aelab::cli
