#include "pytorch.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace aelab::kit {

std::string py_float(float v) {
    if (std::isnan(v)) return "float('nan')";
    if (std::isinf(v)) return v > 0 ? "float('inf')" : "-float('inf')";
    char buf[40];
    if (v == std::floor(v) && std::fabs(v) < 1e15f) {
        std::snprintf(buf, sizeof buf, "%.0f.", double(v));
        return buf;
    }
    for (int precision = 1; precision <= 9; ++precision) {  // the shortest text that round-trips
        std::snprintf(buf, sizeof buf, "%.*g", precision, double(v));
        if (std::strtof(buf, nullptr) == v) break;
    }
    return buf;
}

namespace {
// The sub-tensor at axis `axis` whose flat index of the leading axes is `prefix`.
void append_list(std::string& out, const Tensor& t, std::size_t axis, std::size_t prefix, const std::string& newline) {
    out += "[";
    const std::size_t n = t.shape()[axis];
    for (std::size_t i = 0; i < n; ++i) {
        if (axis + 1 == t.dimension()) {
            if (i) out += ", ";
            out += py_float(t.data()[prefix * n + i]);
        } else {
            if (i) out += newline.empty() || axis + 2 != t.dimension() ? ", " : "," + newline + std::string(axis + 1, ' ');
            append_list(out, t, axis + 1, prefix * n + i, newline);
        }
    }
    out += "]";
}
}  // namespace

std::string py_list(const Tensor& t, bool row_per_line, std::size_t column) {
    if (t.dimension() == 0) return py_float(t());
    std::string s;
    append_list(s, t, 0, 0, row_per_line ? "\n" + std::string(column, ' ') : "");
    return s;
}

std::string torch_tensor(const Tensor& t, bool row_per_line, std::size_t column) {
    return "torch.tensor(" + py_list(t, row_per_line, column + 13) + ")";
}

}  // namespace aelab::kit
