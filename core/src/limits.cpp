#include "aelab/limits.hpp"

#include <cstdio>
#include <limits>

#include "aelab/error.hpp"

namespace aelab {

namespace {

std::int64_t multiply(std::int64_t a, std::int64_t b) {
    constexpr std::int64_t top = std::numeric_limits<std::int64_t>::max();
    if (a <= 0 || b <= 0) return 0;
    return a > top / b ? top : a * b;
}

std::string tuple_text(const std::vector<std::int64_t>& v) {
    std::string s = "(";
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
    return s + (v.size() == 1 ? ",)" : ")");
}

std::string number_text(double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2g", x);
    return buf;
}

}  // namespace

std::int64_t saturating_product(std::initializer_list<std::int64_t> factors) {
    std::int64_t p = 1;
    for (std::int64_t f : factors) p = multiply(p, f);
    return p;
}

std::int64_t saturating_product(const std::vector<std::int64_t>& factors) {
    std::int64_t p = 1;
    for (std::int64_t f : factors) p = multiply(p, f);
    return p;
}

std::string bytes_text(double bytes) {
    const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    int u = 0;
    while (bytes >= 1024 && u < 6) bytes /= 1024, ++u;
    char buf[48];
    if (u == 0 || bytes == double(static_cast<long long>(bytes)))
        std::snprintf(buf, sizeof buf, "%.0f %s", bytes, units[u]);
    else
        std::snprintf(buf, sizeof buf, "%.1f %s", bytes, units[u]);
    return buf;
}

void check_elements(const char* op, const char* what, std::int64_t count) {
    if (count <= kMaxElements) return;
    throw Error(std::string(op) + ": " + what + " would hold " +
                (count == std::numeric_limits<std::int64_t>::max() ? std::string("more than 2^63")
                                                                   : std::to_string(count)) +
                " elements (" + bytes_text(double(count) * 4) + "); the limit is " +
                std::to_string(kMaxElements) + " elements (" + bytes_text(double(kMaxElements) * 4) +
                ")");
}

void check_elements(const char* op, const char* what, const std::vector<std::int64_t>& shape) {
    const std::int64_t count = saturating_product(shape);
    if (count <= kMaxElements) return;
    check_elements(op, (std::string(what) + " " + tuple_text(shape)).c_str(), count);
}

void check_window(const char* op, const char* what, const int* values, int count) {
    for (int i = 0; i < count; ++i)
        if (values[i] > kMaxWindow) {
            std::vector<std::int64_t> v(values, values + count);
            throw Error(std::string(op) + ": " + what + " must be at most " +
                        std::to_string(kMaxWindow) + " on every axis, got " + tuple_text(v));
        }
}

void check_work(const char* op, std::int64_t multiply_adds) {
    if (multiply_adds <= kMaxWork) return;
    throw Error(std::string(op) + ": would take " + number_text(double(multiply_adds)) +
                " multiply-adds; the limit per call is " + number_text(double(kMaxWork)) +
                " (2^34, a few seconds)");
}

}  // namespace aelab
