// Linear (over linear.hpp's raw op) and TiedLinear (the transposed use of a Linear's weight,
// written with gemm() since it is linear's own GEMMs with the roles of I and O swapped).
// Legend: N batch, I in_features, O out_features (of the Linear).
#include <algorithm>
#include <cmath>
#include <string>

#include "aelab/gemm.hpp"
#include "aelab/init.hpp"
#include "aelab/layers.hpp"
#include "aelab/limits.hpp"
#include "aelab/linear.hpp"

namespace aelab {

// ---- Linear --------------------------------------------------------------------------------

Linear::Linear(int in_features, int out_features, bool bias)
    : in_(in_features), out_(out_features), bias_(bias) {
    if (in_ < 1 || out_ < 1)
        throw Error("Linear: in_features and out_features must be >= 1, got " + std::to_string(in_) +
                    " and " + std::to_string(out_));
}

std::string Linear::repr() const {
    return "Linear(" + std::to_string(in_) + ", " + std::to_string(out_) +
           (bias_ ? ")" : ", bias=False)");
}

LayerConfig Linear::config() const {
    return LayerConfig("Linear").set("in_features", in_).set("out_features", out_).set("bias", bias_);
}

std::vector<ParamSpec> Linear::param_specs() const {
    std::vector<ParamSpec> s{{"weight", {std::size_t(out_), std::size_t(in_)}}};
    if (bias_) s.push_back({"bias", {std::size_t(out_)}});
    return s;
}

void Linear::reset_parameters(Rng& rng) {
    default_init(params_, {std::size_t(out_), std::size_t(in_)},
                 bias_ ? params_ + std::size_t(out_) * in_ : nullptr, std::size_t(out_), rng);
}

Shape Linear::output_shape(const Shape& in) const {
    if (in.size() != 2 || in[1] != std::size_t(in_))
        fail("input must have shape (N, " + std::to_string(in_) + "), got " + shape_str(in) +
             (in.size() > 2 ? " (add a Flatten before it)" : ""));
    return {in[0], std::size_t(out_)};
}

Tensor Linear::forward(const Tensor& x) {
    Tensor y = uninitialized(begin_forward(x));  // (N, O)
    const float* b = bias_ ? params_ + std::size_t(out_) * in_ : nullptr;  // (O)
    linear_forward(y.data(), x.data(), params_, b, int(x.shape()[0]), in_, out_);
    return y;
}

Tensor Linear::backward(const Tensor& d_out) {
    Tensor d_x = begin_backward(d_out);  // (N, I)
    backward_into(d_x.data(), d_out);
    return d_x;
}
void Linear::backward_params(const Tensor& d_out) {
    check_backward(d_out);
    backward_into(nullptr, d_out);
}
void Linear::backward_into(float* d_x, const Tensor& d_out) {
    linear_backward(d_x, grads_, bias_ ? grads_ + std::size_t(out_) * in_ : nullptr, d_out.data(),
                    input_.data(), params_, int(input_.shape()[0]), in_, out_);
}

// ---- TiedLinear ----------------------------------------------------------------------------

TiedLinear::TiedLinear(Linear& tied_to, std::size_t tied_index, bool bias)
    : tied_(tied_to), tied_index_(tied_index), bias_(bias) {}

std::string TiedLinear::repr() const {
    return "TiedLinear(" + std::to_string(tied_.out_features()) + ", " +
           std::to_string(tied_.in_features()) + ", weight=layer " + std::to_string(tied_index_) +
           ".weight^T" + (bias_ ? ")" : ", bias=False)");
}

LayerConfig TiedLinear::config() const {
    return LayerConfig("TiedLinear").set("tied_to", int(tied_index_)).set("bias", bias_);
}

std::vector<ParamSpec> TiedLinear::param_specs() const {
    if (!bias_) return {};
    return {{"bias", {std::size_t(tied_.in_features())}}};
}

void TiedLinear::reset_parameters(Rng& rng) {
    // As a Linear(O, I) would: bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = O.
    if (!bias_) return;
    const float bound = 1.0f / std::sqrt(float(tied_.out_features()));
    uniform_init(params_, std::size_t(tied_.in_features()), -bound, bound, rng);
}

Shape TiedLinear::output_shape(const Shape& in) const {
    if (in.size() != 2 || in[1] != std::size_t(tied_.out_features()))
        fail("input must have shape (N, " + std::to_string(tied_.out_features()) + "), got " +
             shape_str(in));
    return {in[0], std::size_t(tied_.in_features())};
}

Tensor TiedLinear::forward(const Tensor& x) {
    const Shape shape = begin_forward(x);
    if (!tied_.weight()) fail("the tied Linear has no parameter buffer bound");
    const int N = int(x.shape()[0]), O = tied_.out_features(), I = tied_.in_features();
    Tensor y = zeros(shape);  // (N, I)
    if (bias_)
        for (int n = 0; n < N; ++n) std::copy(params_, params_ + I, y.data() + std::size_t(n) * I);
    // y (N, I) (+)= x (N, O) W (O, I)
    gemm(false, false, N, I, O, x.data(), O, tied_.weight(), I, y.data(), I, bias_);
    return y;
}

Tensor TiedLinear::backward(const Tensor& d_out) {
    Tensor d_x = begin_backward(d_out);  // (N, O)
    const int N = int(input_.shape()[0]), O = tied_.out_features(), I = tied_.in_features();
    // d_x (N, O) = d_out (N, I) W^T (I, O)
    gemm(false, true, N, O, I, d_out.data(), I, tied_.weight(), I, d_x.data(), O, false);
    // the shared dW (O, I) += x^T (O, N) d_out (N, I): the decoder's share of W's gradient
    gemm(true, false, O, I, N, input_.data(), O, d_out.data(), I, tied_.weight_grad(), I, true);
    if (bias_)
        for (int n = 0; n < N; ++n)
            for (int i = 0; i < I; ++i) grads_[i] += d_out.data()[std::size_t(n) * I + i];
    return d_x;
}

}  // namespace aelab
