// aelab core: convolution and transposed convolution, with torch.nn.functional semantics.
//
// Legend: N batch, C_in / C_out channels, L / D / H / W spatial sizes of the input,
//   L_out / D_out / H_out / W_out of the output, K / kD / kH / kW kernel, S stride, P padding,
//   Dl dilation, OP output padding. Layout is channels-first (NCHW), row-major.
//   conv weight            (C_out, C_in, k...)   (no groups)
//   transposed-conv weight (C_in, C_out, k...)
//   conv:       out = floor((in + 2P - Dl*(K-1) - 1) / S) + 1
//   transposed: out = (in - 1)*S - 2P + Dl*(K-1) + OP + 1   (OP < S or OP < Dl)
// "Convolution" is cross-correlation, as in every deep-learning library.
//
// Two layers:
//  - raw buffers with explicit sizes (llm.c style): <op>_forward / <op>_backward, and the
//    scalar twins <op>_forward_ref / <op>_backward_ref that specify them. Backward ADDS into
//    d_in, d_weight, d_bias; any of them may be nullptr to skip it.
//  - Tensors: <op>(x, w, bias, params) returns the output; <op>_backward(d_x, d_w, d_bias,
//    d_out, x, w, params) adds into the given gradient tensors (which must already have the
//    shapes of x, w, bias; any may be nullptr).
//    Both validate shapes and parameters and throw aelab::Error naming the op.
// The fast path is GEMM: indirect GEMM (one pointer per output position) or im2col fused into a
// packed GEMM for conv, the adjoint (GEMM + col2im) for transposed conv, an NT GEMM for the
// weight gradients; core/src/kernels/dispatch.cpp picks the engine per op and channel count.
#pragma once
#include <array>
#include <cstdint>

#include "aelab/tensor.hpp"

namespace aelab {

struct Conv1dParams {
    int stride = 1, padding = 0, dilation = 1;
};
struct Conv2dParams {  // per axis (H, W)
    std::array<int, 2> stride{1, 1}, padding{0, 0}, dilation{1, 1};
};
struct Conv3dParams {  // per axis (D, H, W)
    std::array<int, 3> stride{1, 1, 1}, padding{0, 0, 0}, dilation{1, 1, 1};
};
struct ConvTranspose1dParams {
    int stride = 1, padding = 0, output_padding = 0, dilation = 1;
};
struct ConvTranspose2dParams {  // per axis (H, W)
    std::array<int, 2> stride{1, 1}, padding{0, 0}, output_padding{0, 0}, dilation{1, 1};
};

// Output sizes as torch computes them, in 64 bits (any int arguments; may be <= 0 for
// impossible settings, or over the limits of limits.hpp: the ops throw then).
std::int64_t conv_output_size(int in, int kernel, int stride, int padding, int dilation);
std::int64_t conv_transpose_output_size(int in, int kernel, int stride, int padding,
                                        int output_padding, int dilation);

// ---- raw layer -----------------------------------------------------------------------------
// conv1d: out (N, C_out, L_out), in (N, C_in, L), weight (C_out, C_in, K), bias (C_out) or null
void conv1d_forward(float* out, const float* in, const float* weight, const float* bias, int N,
                    int C_in, int L, int C_out, int K, const Conv1dParams& p);
void conv1d_backward(float* d_in, float* d_weight, float* d_bias, const float* d_out,
                     const float* in, const float* weight, int N, int C_in, int L, int C_out, int K,
                     const Conv1dParams& p);
void conv1d_forward_ref(float* out, const float* in, const float* weight, const float* bias, int N,
                        int C_in, int L, int C_out, int K, const Conv1dParams& p);
void conv1d_backward_ref(float* d_in, float* d_weight, float* d_bias, const float* d_out,
                         const float* in, const float* weight, int N, int C_in, int L, int C_out,
                         int K, const Conv1dParams& p);

// conv2d: out (N, C_out, H_out, W_out), in (N, C_in, H, W), weight (C_out, C_in, kH, kW)
void conv2d_forward(float* out, const float* in, const float* weight, const float* bias, int N,
                    int C_in, int H, int W, int C_out, int kH, int kW, const Conv2dParams& p);
void conv2d_backward(float* d_in, float* d_weight, float* d_bias, const float* d_out,
                     const float* in, const float* weight, int N, int C_in, int H, int W, int C_out,
                     int kH, int kW, const Conv2dParams& p);
void conv2d_forward_ref(float* out, const float* in, const float* weight, const float* bias, int N,
                        int C_in, int H, int W, int C_out, int kH, int kW, const Conv2dParams& p);
void conv2d_backward_ref(float* d_in, float* d_weight, float* d_bias, const float* d_out,
                         const float* in, const float* weight, int N, int C_in, int H, int W,
                         int C_out, int kH, int kW, const Conv2dParams& p);

// conv3d: out (N, C_out, D_out, H_out, W_out), in (N, C_in, D, H, W),
// weight (C_out, C_in, kD, kH, kW)
void conv3d_forward(float* out, const float* in, const float* weight, const float* bias, int N,
                    int C_in, int D, int H, int W, int C_out, int kD, int kH, int kW,
                    const Conv3dParams& p);
void conv3d_backward(float* d_in, float* d_weight, float* d_bias, const float* d_out,
                     const float* in, const float* weight, int N, int C_in, int D, int H, int W,
                     int C_out, int kD, int kH, int kW, const Conv3dParams& p);
void conv3d_forward_ref(float* out, const float* in, const float* weight, const float* bias, int N,
                        int C_in, int D, int H, int W, int C_out, int kD, int kH, int kW,
                        const Conv3dParams& p);
void conv3d_backward_ref(float* d_in, float* d_weight, float* d_bias, const float* d_out,
                         const float* in, const float* weight, int N, int C_in, int D, int H, int W,
                         int C_out, int kD, int kH, int kW, const Conv3dParams& p);

// conv_transpose1d: out (N, C_out, L_out), in (N, C_in, L), weight (C_in, C_out, K)
void conv_transpose1d_forward(float* out, const float* in, const float* weight, const float* bias,
                              int N, int C_in, int L, int C_out, int K,
                              const ConvTranspose1dParams& p);
void conv_transpose1d_backward(float* d_in, float* d_weight, float* d_bias, const float* d_out,
                               const float* in, const float* weight, int N, int C_in, int L,
                               int C_out, int K, const ConvTranspose1dParams& p);
void conv_transpose1d_forward_ref(float* out, const float* in, const float* weight,
                                  const float* bias, int N, int C_in, int L, int C_out, int K,
                                  const ConvTranspose1dParams& p);
void conv_transpose1d_backward_ref(float* d_in, float* d_weight, float* d_bias, const float* d_out,
                                   const float* in, const float* weight, int N, int C_in, int L,
                                   int C_out, int K, const ConvTranspose1dParams& p);

// conv_transpose2d: out (N, C_out, H_out, W_out), in (N, C_in, H, W), weight (C_in, C_out, kH, kW)
void conv_transpose2d_forward(float* out, const float* in, const float* weight, const float* bias,
                              int N, int C_in, int H, int W, int C_out, int kH, int kW,
                              const ConvTranspose2dParams& p);
void conv_transpose2d_backward(float* d_in, float* d_weight, float* d_bias, const float* d_out,
                               const float* in, const float* weight, int N, int C_in, int H, int W,
                               int C_out, int kH, int kW, const ConvTranspose2dParams& p);
void conv_transpose2d_forward_ref(float* out, const float* in, const float* weight,
                                  const float* bias, int N, int C_in, int H, int W, int C_out,
                                  int kH, int kW, const ConvTranspose2dParams& p);
void conv_transpose2d_backward_ref(float* d_in, float* d_weight, float* d_bias, const float* d_out,
                                   const float* in, const float* weight, int N, int C_in, int H,
                                   int W, int C_out, int kH, int kW,
                                   const ConvTranspose2dParams& p);

// ---- Tensor layer --------------------------------------------------------------------------
// x (N, C_in, L), w (C_out, C_in, K), bias (C_out) or nullptr -> (N, C_out, L_out)
Tensor conv1d(const Tensor& x, const Tensor& w, const Tensor* bias, const Conv1dParams& p = {});
void conv1d_backward(Tensor* d_x, Tensor* d_w, Tensor* d_bias, const Tensor& d_out, const Tensor& x,
                     const Tensor& w, const Conv1dParams& p = {});
// x (N, C_in, H, W), w (C_out, C_in, kH, kW) -> (N, C_out, H_out, W_out)
Tensor conv2d(const Tensor& x, const Tensor& w, const Tensor* bias, const Conv2dParams& p = {});
void conv2d_backward(Tensor* d_x, Tensor* d_w, Tensor* d_bias, const Tensor& d_out, const Tensor& x,
                     const Tensor& w, const Conv2dParams& p = {});
// x (N, C_in, D, H, W), w (C_out, C_in, kD, kH, kW) -> (N, C_out, D_out, H_out, W_out)
Tensor conv3d(const Tensor& x, const Tensor& w, const Tensor* bias, const Conv3dParams& p = {});
void conv3d_backward(Tensor* d_x, Tensor* d_w, Tensor* d_bias, const Tensor& d_out, const Tensor& x,
                     const Tensor& w, const Conv3dParams& p = {});
// x (N, C_in, L), w (C_in, C_out, K) -> (N, C_out, L_out)
Tensor conv_transpose1d(const Tensor& x, const Tensor& w, const Tensor* bias,
                        const ConvTranspose1dParams& p = {});
void conv_transpose1d_backward(Tensor* d_x, Tensor* d_w, Tensor* d_bias, const Tensor& d_out,
                               const Tensor& x, const Tensor& w,
                               const ConvTranspose1dParams& p = {});
// x (N, C_in, H, W), w (C_in, C_out, kH, kW) -> (N, C_out, H_out, W_out)
Tensor conv_transpose2d(const Tensor& x, const Tensor& w, const Tensor* bias,
                        const ConvTranspose2dParams& p = {});
void conv_transpose2d_backward(Tensor* d_x, Tensor* d_w, Tensor* d_bias, const Tensor& d_out,
                               const Tensor& x, const Tensor& w,
                               const ConvTranspose2dParams& p = {});

}  // namespace aelab
