#include "url_state.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "platform.hpp"

namespace aelab::kit {

bool UrlState::parse_int(const std::string& text, int lo, int hi, int& out) {
    if (text.empty()) return false;
    char* end = nullptr;
    errno = 0;
    const long long x = std::strtoll(text.c_str(), &end, 10);
    if (*end || errno == ERANGE || x < lo || x > hi) return false;  // a hand-edited link must not break the page
    out = static_cast<int>(x);
    return true;
}

bool UrlState::parse_float(const std::string& text, float lo, float hi, float& out) {
    if (text.empty()) return false;
    char* end = nullptr;
    const float x = std::strtof(text.c_str(), &end);
    if (*end || !(x >= lo && x <= hi)) return false;
    out = x;
    return true;
}

bool UrlState::parse_ints(const std::string& text, int lo, int hi, int* out, std::size_t count) {
    const std::vector<float> v = platform::parse_floats(text, count);
    if (v.empty() && count) return false;
    for (float x : v)
        if (x < lo || x > hi || x != std::round(x)) return false;
    for (std::size_t i = 0; i < count; ++i) out[i] = static_cast<int>(v[i]);
    return true;
}

std::string UrlState::ints_text(const int* values, std::size_t count) {
    std::string s;
    for (std::size_t i = 0; i < count; ++i) s += (i ? "," : "") + std::to_string(values[i]);
    return s;
}

namespace {
std::vector<UrlState::Probe>* g_probe_sink = nullptr;
}  // namespace

void UrlState::record_declared(std::vector<Probe>* sink) { g_probe_sink = sink; }
void UrlState::declare(const char* key, std::vector<std::string> at_edges, std::vector<std::string> past_edges) {
    if (g_probe_sink) g_probe_sink->push_back({key, std::move(at_edges), std::move(past_edges)});
}

UrlState& UrlState::custom(const char* key, std::function<bool(const std::string&)> read,
                           std::function<std::string()> write) {
    keys_.push_back({key, std::move(read), std::move(write)});
    return *this;
}

UrlState& UrlState::add(const char* key, int& field, int lo, int hi) {
    declare(key, {std::to_string(lo), std::to_string(hi)},
            {std::to_string(static_cast<long long>(lo) - 1), std::to_string(static_cast<long long>(hi) + 1)});
    return custom(
        key, [&field, lo, hi](const std::string& t) { return parse_int(t, lo, hi, field); },
        [&field] { return std::to_string(field); });
}

UrlState& UrlState::add(const char* key, bool& field) {
    declare(key, {"0", "1"}, {"-1", "2"});
    return custom(
        key,
        [&field](const std::string& t) {
            int v = 0;
            if (!parse_int(t, 0, 1, v)) return false;
            field = v == 1;
            return true;
        },
        [&field] { return std::string(field ? "1" : "0"); });
}

UrlState& UrlState::add(const char* key, float& field, float lo, float hi) {
    const auto text = [](double v) {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.9g", v);
        return std::string(buf);
    };
    declare(key, {text(lo), text(hi)}, {text(double(lo) - 1e-3 * (double(hi) - lo) - 1e-30), text(double(hi) + 1e-3 * (double(hi) - lo) + 1e-30), "nan", "inf"});
    return custom(
        key, [&field, lo, hi](const std::string& t) { return parse_float(t, lo, hi, field); },
        [&field] {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%g", field);
            return std::string(buf);
        });
}

UrlState& UrlState::add(const char* key, std::vector<float>& field, std::function<std::size_t()> count) {
    return custom(
        key,
        [&field, count](const std::string& t) {
            std::vector<float> v = platform::parse_floats(t, count());
            if (v.empty()) return false;
            field = std::move(v);
            return true;
        },
        [&field] { return platform::floats_text(field); });
}

UrlState& UrlState::add(const char* key, std::vector<float>& field, std::size_t count) {
    return add(key, field, [count] { return count; });
}

UrlState& UrlState::add(const char* key, std::string& field, std::function<bool(const std::string&)> valid) {
    return custom(
        key,
        [&field, valid](const std::string& t) {
            if (valid && !valid(t)) return false;
            field = t;
            return true;
        },
        [&field] { return field; });
}

void UrlState::read() const {
    for (const Key& k : keys_) {
        const std::string text = platform::param(k.name);
        if (!text.empty()) k.read(text);
    }
}

void UrlState::write() const {
    for (const Key& k : keys_) platform::set_param(k.name, k.write());
}

}  // namespace aelab::kit
