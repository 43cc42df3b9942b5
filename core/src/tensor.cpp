#include "aelab/tensor.hpp"

#include <algorithm>
#include <cstdint>
#include <sstream>

#include "aelab/limits.hpp"

namespace aelab {

std::string shape_str(const Shape& shape) {
    std::ostringstream s;
    s << '(';
    for (std::size_t i = 0; i < shape.size(); ++i) s << (i ? ", " : "") << shape[i];
    if (shape.size() == 1) s << ',';
    s << ')';
    return s.str();
}

std::int64_t shape_elements(const Shape& shape) {
    std::vector<std::int64_t> dims;  // a size over INT64_MAX counts as INT64_MAX
    for (std::size_t d : shape) dims.push_back(std::int64_t(std::min<std::uint64_t>(d, std::uint64_t(INT64_MAX))));
    return saturating_product(dims);
}

void check_tensor_size(const Shape& shape) {
    const std::int64_t n = shape_elements(shape);
    if (n > kMaxElements) check_elements("tensor", ("of shape " + shape_str(shape)).c_str(), n);
}

Tensor from_values(const Shape& shape, const std::vector<float>& values) {
    Tensor t = zeros(shape);
    if (t.size() != values.size())
        throw Error("from_values: shape " + shape_str(shape) + " holds " + std::to_string(t.size()) +
                    " values, got " + std::to_string(values.size()));
    std::copy(values.begin(), values.end(), t.begin());
    return t;
}

Tensor from_values(const Shape& shape, std::initializer_list<float> values) {
    return from_values(shape, std::vector<float>(values));
}

void check_shape(const char* op, const char* what, const Tensor& t, const Shape& expected) {
    bool ok = t.dimension() == expected.size();
    for (std::size_t i = 0; ok && i < expected.size(); ++i)
        ok = expected[i] == 0 || expected[i] == t.shape()[i];
    if (ok) return;
    std::string exp = "(";
    for (std::size_t i = 0; i < expected.size(); ++i)
        exp += (i ? ", " : "") + (expected[i] ? std::to_string(expected[i]) : std::string("*"));
    exp += expected.size() == 1 ? ",)" : ")";
    throw Error(std::string(op) + ": " + what + " must have shape " + exp + ", got " +
                shape_str(t.shape()));
}

void check_rank(const char* op, const char* what, const Tensor& t, std::size_t rank,
                const char* layout) {
    if (t.dimension() == rank) return;
    throw Error(std::string(op) + ": " + what + " must have " + std::to_string(rank) +
                " dimensions (" + layout + "), got shape " + shape_str(t.shape()));
}

}  // namespace aelab
