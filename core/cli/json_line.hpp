// The one-line JSON results of the CLI's --json flag, built with nlohmann-json (Debian's
// nlohmann-json3-dev) so every line is valid JSON: strings are escaped fully (control
// characters, invalid UTF-8 replaced), and a NaN or infinity, which JSON cannot represent,
// becomes null. Objects are ordered_json so keys keep the order they are set in, and
// json_line() prints them with ", " and ": " separators as the hand-written lines did.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

namespace aelab::cli {

using Json = nlohmann::ordered_json;

// v rounded to `count` digits after the point (what "%.*f" showed); NaN/inf -> null.
inline Json json_decimals(double v, int count) {
    if (!std::isfinite(v)) return nullptr;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", count, v);
    return std::strtod(buf, nullptr);
}

// v with 6 significant digits (what "%g" and ostream << showed), an integer when it is one
// (so 0 prints as 0, not 0.0); NaN/inf -> null.
inline Json json_g(double v) {
    if (!std::isfinite(v)) return nullptr;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    const double r = std::strtod(buf, nullptr);
    if (r == std::floor(r) && std::fabs(r) < 1e15) return static_cast<std::int64_t>(r);
    return r;
}

// j on one line with ", " and ": " between items (nlohmann's dump() has no spaces).
inline std::string json_line(const Json& j) {
    const auto scalar = [](const Json& s) {
        return s.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    };
    if (j.is_object()) {
        std::string out = "{";
        bool first = true;
        for (auto it = j.begin(); it != j.end(); ++it) {
            out += (first ? "" : ", ") + scalar(Json(it.key())) + ": " + json_line(it.value());
            first = false;
        }
        return out + "}";
    }
    if (j.is_array()) {
        std::string out = "[";
        for (std::size_t i = 0; i < j.size(); ++i) out += (i ? ", " : "") + json_line(j[i]);
        return out + "]";
    }
    return scalar(j);
}

}  // namespace aelab::cli
