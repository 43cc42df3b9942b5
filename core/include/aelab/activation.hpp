// aelab core: element-wise activations, as torch.nn.functional.
//   relu(x) = max(x, 0)                 (gradient 0 at x = 0, as torch)
//   leaky_relu(x) = x > 0 ? x : slope*x (torch's default slope 0.01; gradient slope at 0)
//   sigmoid(x) = 1 / (1 + e^-x)         (evaluated without overflow for large |x|)
//   tanh(x)
//   softplus(x) = log(1 + e^x)          (torch's beta = 1; returns x when x > 20, as torch)
// Raw layer over n contiguous floats; out may alias in. Backward ADDS d_out * f'(in) into
// d_in, computed from the forward's input. These loops are the definition itself: there is no
// separate fast variant, hence no *_ref twin.
#pragma once
#include <cstddef>

#include "aelab/tensor.hpp"

namespace aelab {

void relu_forward(float* out, const float* in, std::size_t n);
void relu_backward(float* d_in, const float* d_out, const float* in, std::size_t n);
void leaky_relu_forward(float* out, const float* in, std::size_t n, float slope);
void leaky_relu_backward(float* d_in, const float* d_out, const float* in, std::size_t n,
                         float slope);
void sigmoid_forward(float* out, const float* in, std::size_t n);
void sigmoid_backward(float* d_in, const float* d_out, const float* in, std::size_t n);
void tanh_forward(float* out, const float* in, std::size_t n);
void tanh_backward(float* d_in, const float* d_out, const float* in, std::size_t n);
void softplus_forward(float* out, const float* in, std::size_t n);
void softplus_backward(float* d_in, const float* d_out, const float* in, std::size_t n);

// Any shape; the result has the shape of x. Backward: d_out and d_x must have x's shape.
Tensor relu(const Tensor& x);
void relu_backward(Tensor& d_x, const Tensor& d_out, const Tensor& x);
Tensor leaky_relu(const Tensor& x, float slope = 0.01f);
void leaky_relu_backward(Tensor& d_x, const Tensor& d_out, const Tensor& x, float slope = 0.01f);
Tensor sigmoid(const Tensor& x);
void sigmoid_backward(Tensor& d_x, const Tensor& d_out, const Tensor& x);
Tensor tanh(const Tensor& x);
void tanh_backward(Tensor& d_x, const Tensor& d_out, const Tensor& x);
Tensor softplus(const Tensor& x);
void softplus_backward(Tensor& d_x, const Tensor& d_out, const Tensor& x);

}  // namespace aelab
