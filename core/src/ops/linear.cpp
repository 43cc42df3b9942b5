// Fully connected layer on GEMM, and its scalar twin.
// Legend: N batch, I in_features, O out_features.
#include <algorithm>
#include <string>

#include "aelab/gemm.hpp"
#include "aelab/limits.hpp"
#include "aelab/linear.hpp"

namespace aelab {
namespace {

void check_sizes(const char* op, int N, int in_features, int out_features) {
    if (N < 1 || in_features < 1 || out_features < 1)
        throw Error(std::string(op) + ": N, in_features and out_features must be >= 1, got (" +
                    std::to_string(N) + ", " + std::to_string(in_features) + ", " +
                    std::to_string(out_features) + ")");
    check_elements(op, "input", std::int64_t(N) * in_features);
    check_elements(op, "output", std::int64_t(N) * out_features);
    check_elements(op, "weight", std::int64_t(out_features) * in_features);
    check_work(op, saturating_product({N, in_features, out_features}));
}

}  // namespace

void linear_forward(float* out, const float* in, const float* weight, const float* bias, int N,
                    int in_features, int out_features) {
    check_sizes("linear", N, in_features, out_features);
    if (bias)
        for (int n = 0; n < N; ++n)
            std::copy(bias, bias + out_features, out + std::size_t(n) * out_features);
    // out (N, O) (+)= in (N, I) W^T (I, O)
    gemm(false, true, N, out_features, in_features, in, in_features, weight, in_features, out,
         out_features, bias != nullptr);
}

void linear_backward(float* d_in, float* d_weight, float* d_bias, const float* d_out,
                     const float* in, const float* weight, int N, int in_features,
                     int out_features) {
    check_sizes("linear_backward", N, in_features, out_features);
    // d_in (N, I) += d_out (N, O) W (O, I)
    if (d_in)
        gemm(false, false, N, in_features, out_features, d_out, out_features, weight, in_features,
             d_in, in_features, true);
    // d_weight (O, I) += d_out^T (O, N) in (N, I)
    if (d_weight)
        gemm(true, false, out_features, in_features, N, d_out, out_features, in, in_features,
             d_weight, in_features, true);
    if (d_bias)
        for (int n = 0; n < N; ++n)
            for (int o = 0; o < out_features; ++o)
                d_bias[o] += d_out[std::size_t(n) * out_features + o];
}

void linear_forward_ref(float* out, const float* in, const float* weight, const float* bias, int N,
                        int in_features, int out_features) {
    check_sizes("linear_ref", N, in_features, out_features);
    for (int n = 0; n < N; ++n)
        for (int o = 0; o < out_features; ++o) {
            float sum = bias ? bias[o] : 0.0f;
            for (int i = 0; i < in_features; ++i)
                sum +=
                    in[std::size_t(n) * in_features + i] * weight[std::size_t(o) * in_features + i];
            out[std::size_t(n) * out_features + o] = sum;
        }
}

void linear_backward_ref(float* d_in, float* d_weight, float* d_bias, const float* d_out,
                         const float* in, const float* weight, int N, int in_features,
                         int out_features) {
    check_sizes("linear_backward_ref", N, in_features, out_features);
    for (int n = 0; n < N; ++n)
        for (int o = 0; o < out_features; ++o) {
            const float g = d_out[std::size_t(n) * out_features + o];
            if (d_bias) d_bias[o] += g;
            for (int i = 0; i < in_features; ++i) {
                if (d_in)
                    d_in[std::size_t(n) * in_features + i] +=
                        g * weight[std::size_t(o) * in_features + i];
                if (d_weight)
                    d_weight[std::size_t(o) * in_features + i] +=
                        g * in[std::size_t(n) * in_features + i];
            }
        }
}

namespace {

void check_linear(const char* op, const Tensor& x, const Tensor& w) {
    check_rank(op, "input", x, 2, "N, in_features");
    check_rank(op, "weight", w, 2, "out_features, in_features");
    check_shape(op, "weight", w, {0, x.shape()[1]});
}

}  // namespace

Tensor linear(const Tensor& x, const Tensor& w, const Tensor* bias) {
    check_linear("linear", x, w);
    if (bias) check_shape("linear", "bias", *bias, {w.shape()[0]});
    check_sizes("linear", dim(x, 0), dim(x, 1), dim(w, 0));  // before allocating y
    Tensor y = zeros({x.shape()[0], w.shape()[0]});  // (N, O)
    linear_forward(y.data(), x.data(), w.data(), bias ? bias->data() : nullptr, int(x.shape()[0]),
                   int(x.shape()[1]), int(w.shape()[0]));
    return y;
}

void linear_backward(Tensor* d_x, Tensor* d_w, Tensor* d_bias, const Tensor& d_out, const Tensor& x,
                     const Tensor& w) {
    const char* op = "linear_backward";
    check_linear(op, x, w);
    check_shape(op, "d_out", d_out, {x.shape()[0], w.shape()[0]});
    if (d_x) check_shape(op, "d_x", *d_x, {x.shape()[0], x.shape()[1]});
    if (d_w) check_shape(op, "d_w", *d_w, {w.shape()[0], w.shape()[1]});
    if (d_bias) check_shape(op, "d_bias", *d_bias, {w.shape()[0]});
    linear_backward(d_x ? d_x->data() : nullptr, d_w ? d_w->data() : nullptr,
                    d_bias ? d_bias->data() : nullptr, d_out.data(), x.data(), w.data(),
                    int(x.shape()[0]), int(x.shape()[1]), int(w.shape()[0]));
}

}  // namespace aelab
