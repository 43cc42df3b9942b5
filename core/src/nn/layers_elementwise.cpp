// Element-wise activation layers over activation.hpp's raw ops, and the reshaping layers
// Flatten / Unflatten (pure copies: the data is already contiguous row-major).
#include <cstdio>
#include <string>

#include "aelab/activation.hpp"
#include "aelab/layers.hpp"
#include "aelab/limits.hpp"

namespace aelab {
namespace {

std::size_t product(const Shape& s, std::size_t from) {
    std::size_t n = 1;
    for (std::size_t i = from; i < s.size(); ++i) n *= s[i];
    return n;
}

}  // namespace

// Each activation: y = f(x) with x cached; backward adds d_out * f'(x) into a zero d_x.
Tensor ElementwiseLayer::forward(const Tensor& x) {
    Tensor y = uninitialized(begin_forward(x));
    apply(y.data(), x.data(), x.size());
    return y;
}
Tensor ElementwiseLayer::backward(const Tensor& d_out) {
    Tensor d_x = begin_backward(d_out);
    apply_backward(d_x.data(), d_out.data(), input_.data(), input_.size());
    return d_x;
}

void ReLU::apply(float* y, const float* x, std::size_t n) const { relu_forward(y, x, n); }
void ReLU::apply_backward(float* d_x, const float* d_out, const float* x, std::size_t n) const {
    relu_backward(d_x, d_out, x, n);
}
void LeakyReLU::apply(float* y, const float* x, std::size_t n) const {
    leaky_relu_forward(y, x, n, slope_);
}
void LeakyReLU::apply_backward(float* d_x, const float* d_out, const float* x,
                               std::size_t n) const {
    leaky_relu_backward(d_x, d_out, x, n, slope_);
}
void Sigmoid::apply(float* y, const float* x, std::size_t n) const { sigmoid_forward(y, x, n); }
void Sigmoid::apply_backward(float* d_x, const float* d_out, const float* x,
                             std::size_t n) const {
    sigmoid_backward(d_x, d_out, x, n);
}
void Tanh::apply(float* y, const float* x, std::size_t n) const { tanh_forward(y, x, n); }
void Tanh::apply_backward(float* d_x, const float* d_out, const float* x, std::size_t n) const {
    tanh_backward(d_x, d_out, x, n);
}
void Softplus::apply(float* y, const float* x, std::size_t n) const { softplus_forward(y, x, n); }
void Softplus::apply_backward(float* d_x, const float* d_out, const float* x,
                              std::size_t n) const {
    softplus_backward(d_x, d_out, x, n);
}

std::string LeakyReLU::repr() const {
    char buf[48];
    std::snprintf(buf, sizeof buf, "LeakyReLU(negative_slope=%g)", double(slope_));
    return buf;
}

LayerConfig LeakyReLU::config() const { return LayerConfig("LeakyReLU").set("negative_slope", slope_); }

// ---- Flatten / Unflatten -------------------------------------------------------------------

Shape Flatten::output_shape(const Shape& in) const {
    if (in.size() < 2) fail("input must have shape (N, ...) with at least 2 dimensions, got " + shape_str(in));
    return {in[0], product(in, 1)};
}

Tensor Flatten::forward(const Tensor& x) {
    Tensor y = x;  // (N, C*H*W...)
    y.reshape(begin_forward(x));
    return y;
}

Tensor Flatten::backward(const Tensor& d_out) {
    check_backward(d_out);
    Tensor d_x = d_out;  // the input's shape
    d_x.reshape(shape_of(input_));
    return d_x;
}

Unflatten::Unflatten(Shape sample_shape) : sample_shape_(std::move(sample_shape)) {
    const std::int64_t n = shape_elements(sample_shape_);
    if (sample_shape_.empty() || n == 0)
        throw Error("Unflatten: sample shape must be non-empty with sizes >= 1, got " +
                    shape_str(sample_shape_));
    check_elements("Unflatten", ("sample shape " + shape_str(sample_shape_)).c_str(), n);
}

std::string Unflatten::repr() const { return "Unflatten(dim=1, unflattened_size=" + shape_str(sample_shape_) + ")"; }

LayerConfig Unflatten::config() const {
    std::vector<int> dims(sample_shape_.begin(), sample_shape_.end());
    return LayerConfig("Unflatten").set("sample_shape", dims);
}

Shape Unflatten::output_shape(const Shape& in) const {
    const std::size_t n = product(sample_shape_, 0);
    if (in.size() != 2 || in[1] != n)
        fail("input must have shape (N, " + std::to_string(n) + "), got " + shape_str(in));
    Shape out{in[0]};
    out.insert(out.end(), sample_shape_.begin(), sample_shape_.end());
    return out;
}

Tensor Unflatten::forward(const Tensor& x) {
    Tensor y = x;  // (N, sample_shape...)
    y.reshape(begin_forward(x));
    return y;
}

Tensor Unflatten::backward(const Tensor& d_out) {
    check_backward(d_out);
    Tensor d_x = d_out;  // (N, prod(sample_shape))
    d_x.reshape(shape_of(input_));
    return d_x;
}

}  // namespace aelab
