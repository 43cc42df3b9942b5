// Convolution on GEMM: conv = im2col + GEMM, transposed conv = its adjoint (GEMM + col2im).
// Backward passes are GEMMs too: conv's dX is col2im of W^T dY, its dW is dY col^T.
//
// Legend (conv_geometry.hpp): per image n,
//   K = C_img * kD * kH * kW  rows of col;   P = D_grid * H_grid * W_grid  grid positions
//   weight (C_grid, K);  image side (C_img, image...);  grid side (C_grid, P)
#include <algorithm>
#include <vector>

#include "aelab/conv.hpp"
#include "aelab/gemm.hpp"
#include "conv_geometry.hpp"

namespace aelab {
namespace {

// One col buffer per thread, reused: (K, P) floats.
float* col_scratch(const ConvGeometry& g) {
    thread_local std::vector<float> col;
    col.resize(std::size_t(g.col_rows()) * g.grid_size());
    return col.data();
}

void add_bias_sums(float* d_bias, const float* d_grid, int C, int P) {
    for (int c = 0; c < C; ++c) {
        float sum = 0.0f;
        for (int p = 0; p < P; ++p) sum += d_grid[std::size_t(c) * P + p];
        d_bias[c] += sum;
    }
}

}  // namespace

void conv_forward_gemm(const ConvGeometry& g, float* out, const float* in, const float* weight,
                       const float* bias) {
    const int K = g.col_rows(), P = g.grid_size();
    float* col = col_scratch(g);  // (K, P)
    for (int n = 0; n < g.N; ++n) {
        const float* x = in + std::size_t(n) * g.C_img * g.image_size();  // (C_in, image...)
        float* y = out + std::size_t(n) * g.C_grid * P;                   // (C_out, P)
        if (bias)
            for (int c = 0; c < g.C_grid; ++c)
                std::fill(y + std::size_t(c) * P, y + std::size_t(c + 1) * P, bias[c]);
        im2col(col, x, g);
        gemm(false, false, g.C_grid, P, K, weight, K, col, P, y, P, bias != nullptr);
    }
}

void conv_backward_gemm(const ConvGeometry& g, float* d_in, float* d_weight, float* d_bias,
                        const float* d_out, const float* in, const float* weight) {
    const int K = g.col_rows(), P = g.grid_size();
    float* col = col_scratch(g);  // (K, P): im2col(x) for dW, then dcol for dX
    for (int n = 0; n < g.N; ++n) {
        const float* x = in + std::size_t(n) * g.C_img * g.image_size();  // (C_in, image...)
        const float* dy = d_out + std::size_t(n) * g.C_grid * P;          // (C_out, P)
        if (d_bias) add_bias_sums(d_bias, dy, g.C_grid, P);
        if (d_weight) {
            im2col(col, x, g);
            // dW (C_out, K) += dY (C_out, P) col^T (P, K)
            gemm(false, true, g.C_grid, K, P, dy, P, col, P, d_weight, K, true);
        }
        if (d_in) {
            // dcol (K, P) = W^T (K, C_out) dY (C_out, P), folded back onto the input
            gemm(true, false, K, P, g.C_grid, weight, K, dy, P, col, P, false);
            col2im_add(d_in + std::size_t(n) * g.C_img * g.image_size(), col, g);
        }
    }
}

void conv_transpose_forward_gemm(const ConvGeometry& g, float* out, const float* in,
                                 const float* weight, const float* bias) {
    const int K = g.col_rows(), P = g.grid_size(), I = g.image_size();
    float* col = col_scratch(g);  // (K, P)
    for (int n = 0; n < g.N; ++n) {
        const float* x = in + std::size_t(n) * g.C_grid * P;  // (C_in, P)
        float* y = out + std::size_t(n) * g.C_img * I;        // (C_out, image...)
        for (int c = 0; c < g.C_img; ++c)
            std::fill(y + std::size_t(c) * I, y + std::size_t(c + 1) * I, bias ? bias[c] : 0.0f);
        // col (K, P) = W^T (K, C_in) x (C_in, P): each input value weights a copy of the
        // filter; col2im sums the copies where they overlap.
        gemm(true, false, K, P, g.C_grid, weight, K, x, P, col, P, false);
        col2im_add(y, col, g);
    }
}

void conv_transpose_backward_gemm(const ConvGeometry& g, float* d_in, float* d_weight,
                                  float* d_bias, const float* d_out, const float* in,
                                  const float* weight) {
    const int K = g.col_rows(), P = g.grid_size(), I = g.image_size();
    float* col = col_scratch(g);  // (K, P) = im2col(dY)
    for (int n = 0; n < g.N; ++n) {
        const float* x = in + std::size_t(n) * g.C_grid * P;     // (C_in, P)
        const float* dy = d_out + std::size_t(n) * g.C_img * I;  // (C_out, image...)
        if (d_bias) add_bias_sums(d_bias, dy, g.C_img, I);
        if (!d_in && !d_weight) continue;
        im2col(col, dy, g);
        // dX (C_in, P) += W (C_in, K) col (K, P)
        if (d_in)
            gemm(false, false, g.C_grid, P, K, weight, K, col, P,
                 d_in + std::size_t(n) * g.C_grid * P, P, true);
        // dW (C_in, K) += x (C_in, P) col^T (P, K)
        if (d_weight) gemm(false, true, g.C_grid, K, P, x, P, col, P, d_weight, K, true);
    }
}

// ---- raw layer: geometry + engine ----------------------------------------------------------

void conv1d_forward(float* out, const float* in, const float* weight, const float* bias, int N,
                    int C_in, int L, int C_out, int K, const Conv1dParams& p) {
    conv_forward_gemm(make_geometry("conv1d", N, C_in, L, C_out, K, p), out, in, weight, bias);
}
void conv1d_backward(float* d_in, float* d_weight, float* d_bias, const float* d_out,
                     const float* in, const float* weight, int N, int C_in, int L, int C_out, int K,
                     const Conv1dParams& p) {
    conv_backward_gemm(make_geometry("conv1d_backward", N, C_in, L, C_out, K, p), d_in, d_weight,
                       d_bias, d_out, in, weight);
}

void conv2d_forward(float* out, const float* in, const float* weight, const float* bias, int N,
                    int C_in, int H, int W, int C_out, int kH, int kW, const Conv2dParams& p) {
    conv_forward_gemm(make_geometry("conv2d", N, C_in, H, W, C_out, kH, kW, p), out, in, weight,
                      bias);
}
void conv2d_backward(float* d_in, float* d_weight, float* d_bias, const float* d_out,
                     const float* in, const float* weight, int N, int C_in, int H, int W, int C_out,
                     int kH, int kW, const Conv2dParams& p) {
    conv_backward_gemm(make_geometry("conv2d_backward", N, C_in, H, W, C_out, kH, kW, p), d_in,
                       d_weight, d_bias, d_out, in, weight);
}

void conv3d_forward(float* out, const float* in, const float* weight, const float* bias, int N,
                    int C_in, int D, int H, int W, int C_out, int kD, int kH, int kW,
                    const Conv3dParams& p) {
    conv_forward_gemm(make_geometry("conv3d", N, C_in, D, H, W, C_out, kD, kH, kW, p), out, in,
                      weight, bias);
}
void conv3d_backward(float* d_in, float* d_weight, float* d_bias, const float* d_out,
                     const float* in, const float* weight, int N, int C_in, int D, int H, int W,
                     int C_out, int kD, int kH, int kW, const Conv3dParams& p) {
    conv_backward_gemm(make_geometry("conv3d_backward", N, C_in, D, H, W, C_out, kD, kH, kW, p),
                       d_in, d_weight, d_bias, d_out, in, weight);
}

void conv_transpose1d_forward(float* out, const float* in, const float* weight, const float* bias,
                              int N, int C_in, int L, int C_out, int K,
                              const ConvTranspose1dParams& p) {
    conv_transpose_forward_gemm(make_geometry("conv_transpose1d", N, C_in, L, C_out, K, p), out, in,
                                weight, bias);
}
void conv_transpose1d_backward(float* d_in, float* d_weight, float* d_bias, const float* d_out,
                               const float* in, const float* weight, int N, int C_in, int L,
                               int C_out, int K, const ConvTranspose1dParams& p) {
    conv_transpose_backward_gemm(
        make_geometry("conv_transpose1d_backward", N, C_in, L, C_out, K, p), d_in, d_weight, d_bias,
        d_out, in, weight);
}

void conv_transpose2d_forward(float* out, const float* in, const float* weight, const float* bias,
                              int N, int C_in, int H, int W, int C_out, int kH, int kW,
                              const ConvTranspose2dParams& p) {
    conv_transpose_forward_gemm(make_geometry("conv_transpose2d", N, C_in, H, W, C_out, kH, kW, p),
                                out, in, weight, bias);
}
void conv_transpose2d_backward(float* d_in, float* d_weight, float* d_bias, const float* d_out,
                               const float* in, const float* weight, int N, int C_in, int H, int W,
                               int C_out, int kH, int kW, const ConvTranspose2dParams& p) {
    conv_transpose_backward_gemm(
        make_geometry("conv_transpose2d_backward", N, C_in, H, W, C_out, kH, kW, p), d_in, d_weight,
        d_bias, d_out, in, weight);
}

}  // namespace aelab
