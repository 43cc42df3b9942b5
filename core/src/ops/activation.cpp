// Element-wise activations and their derivatives (see activation.hpp).
#include "aelab/activation.hpp"

#include <cmath>
#include <string>

namespace aelab {
namespace {

// 1 / (1 + e^-x) without overflow: e^-|x| never exceeds 1.
float stable_sigmoid(float x) {
    if (x >= 0.0f) return 1.0f / (1.0f + std::exp(-x));
    const float e = std::exp(x);
    return e / (1.0f + e);
}

constexpr float kSoftplusThreshold = 20.0f;  // torch's default: above it softplus(x) == x in float

}  // namespace

void relu_forward(float* out, const float* in, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out[i] = in[i] > 0.0f ? in[i] : 0.0f;
}
// The backward loops load d_out[i] unconditionally: with the load inside the select, clang
// does not vectorize them (seen in the wasm build).
void relu_backward(float* d_in, const float* d_out, const float* in, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        const float g = d_out[i];
        d_in[i] += in[i] > 0.0f ? g : 0.0f;
    }
}

void leaky_relu_forward(float* out, const float* in, std::size_t n, float slope) {
    for (std::size_t i = 0; i < n; ++i) out[i] = in[i] > 0.0f ? in[i] : slope * in[i];
}
void leaky_relu_backward(float* d_in, const float* d_out, const float* in, std::size_t n,
                         float slope) {
    for (std::size_t i = 0; i < n; ++i) {
        const float g = d_out[i];
        d_in[i] += in[i] > 0.0f ? g : slope * g;
    }
}

void sigmoid_forward(float* out, const float* in, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out[i] = stable_sigmoid(in[i]);
}
void sigmoid_backward(float* d_in, const float* d_out, const float* in, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        const float s = stable_sigmoid(in[i]);
        d_in[i] += d_out[i] * s * (1.0f - s);
    }
}

void tanh_forward(float* out, const float* in, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out[i] = std::tanh(in[i]);
}
void tanh_backward(float* d_in, const float* d_out, const float* in, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        const float t = std::tanh(in[i]);
        d_in[i] += d_out[i] * (1.0f - t * t);
    }
}

void softplus_forward(float* out, const float* in, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        out[i] = in[i] > kSoftplusThreshold ? in[i] : std::log1p(std::exp(in[i]));
}
void softplus_backward(float* d_in, const float* d_out, const float* in, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        d_in[i] += in[i] > kSoftplusThreshold ? d_out[i] : d_out[i] * stable_sigmoid(in[i]);
}

// ---- Tensor layer --------------------------------------------------------------------------
namespace {

void check_backward(const char* op, const Tensor& d_out, const Tensor& x, const Tensor& d_x) {
    check_shape(op, "d_out", d_out, shape_of(x));
    check_shape(op, "d_x", d_x, shape_of(x));
}

template <class Forward>
Tensor apply(const Tensor& x, Forward forward) {
    Tensor y = zeros(shape_of(x));
    forward(y.data(), x.data(), x.size());
    return y;
}

}  // namespace

Tensor relu(const Tensor& x) { return apply(x, relu_forward); }
void relu_backward(Tensor& d_x, const Tensor& d_out, const Tensor& x) {
    check_backward("relu_backward", d_out, x, d_x);
    relu_backward(d_x.data(), d_out.data(), x.data(), x.size());
}

Tensor leaky_relu(const Tensor& x, float slope) {
    return apply(x, [slope](float* o, const float* i, std::size_t n) {
        leaky_relu_forward(o, i, n, slope);
    });
}
void leaky_relu_backward(Tensor& d_x, const Tensor& d_out, const Tensor& x, float slope) {
    check_backward("leaky_relu_backward", d_out, x, d_x);
    leaky_relu_backward(d_x.data(), d_out.data(), x.data(), x.size(), slope);
}

Tensor sigmoid(const Tensor& x) { return apply(x, sigmoid_forward); }
void sigmoid_backward(Tensor& d_x, const Tensor& d_out, const Tensor& x) {
    check_backward("sigmoid_backward", d_out, x, d_x);
    sigmoid_backward(d_x.data(), d_out.data(), x.data(), x.size());
}

Tensor tanh(const Tensor& x) { return apply(x, tanh_forward); }
void tanh_backward(Tensor& d_x, const Tensor& d_out, const Tensor& x) {
    check_backward("tanh_backward", d_out, x, d_x);
    tanh_backward(d_x.data(), d_out.data(), x.data(), x.size());
}

Tensor softplus(const Tensor& x) { return apply(x, softplus_forward); }
void softplus_backward(Tensor& d_x, const Tensor& d_out, const Tensor& x) {
    check_backward("softplus_backward", d_out, x, d_x);
    softplus_backward(d_x.data(), d_out.data(), x.data(), x.size());
}

}  // namespace aelab
