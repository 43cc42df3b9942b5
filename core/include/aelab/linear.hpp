// aelab core: the fully connected layer, as torch.nn.functional.linear: y = x W^T + b.
// Legend: N batch, I in_features, O out_features; weight (O, I) like torch, bias (O).
// Raw layer with its scalar twin (*_ref); backward ADDS into d_in, d_weight, d_bias (each may
// be nullptr). Tensor layer validates shapes and throws aelab::Error naming the op.
#pragma once
#include "aelab/tensor.hpp"

namespace aelab {

// out (N, O), in (N, I), weight (O, I), bias (O) or nullptr
void linear_forward(float* out, const float* in, const float* weight, const float* bias, int N,
                    int in_features, int out_features);
void linear_backward(float* d_in, float* d_weight, float* d_bias, const float* d_out,
                     const float* in, const float* weight, int N, int in_features,
                     int out_features);
void linear_forward_ref(float* out, const float* in, const float* weight, const float* bias, int N,
                        int in_features, int out_features);
void linear_backward_ref(float* d_in, float* d_weight, float* d_bias, const float* d_out,
                         const float* in, const float* weight, int N, int in_features,
                         int out_features);

// x (N, I), w (O, I), bias (O) or nullptr -> (N, O)
Tensor linear(const Tensor& x, const Tensor& w, const Tensor* bias);
void linear_backward(Tensor* d_x, Tensor* d_w, Tensor* d_bias, const Tensor& d_out, const Tensor& x,
                     const Tensor& w);

}  // namespace aelab
