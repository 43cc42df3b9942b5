// The scalar twins of the convolution ops, the direct engine (conv_engines.hpp): loops over the
// definition, no im2col, no GEMM. They are the specification the fast engines are tested
// against; keep them obvious rather than fast. The transposed conv here is the textbook
// scatter: every input value adds a weighted copy of the filter into the output.
//
// Legend (conv_geometry.hpp): image side (N, C_img, Di, Hi, Wi), grid side (N, C_grid, Dg, Hg,
// Wg), weight (C_grid, C_img, kD, kH, kW); image coordinate of grid position g and tap k along
// an axis: g*S - P + k*Dl.
#include <cstddef>

#include "aelab/conv.hpp"
#include "conv_engines.hpp"

namespace aelab {
namespace {

// Calls f(grid_index, image_index, weight_index) for every (n, c_grid, grid position, c_img,
// tap) whose image coordinate is inside the image: the one loop nest all four ops share.
template <class F>
void for_each_tap(const ConvGeometry& g, F f) {
    const auto& I = g.image;
    const auto& G = g.grid;
    const auto& k = g.kernel;
    for (int n = 0; n < g.N; ++n)
        for (int cg = 0; cg < g.C_grid; ++cg)
            for (int gd = 0; gd < G[0]; ++gd)
                for (int gh = 0; gh < G[1]; ++gh)
                    for (int gw = 0; gw < G[2]; ++gw) {
                        const std::size_t grid_index =
                            (((std::size_t(n) * g.C_grid + cg) * G[0] + gd) * G[1] + gh) * G[2] +
                            gw;
                        for (int ci = 0; ci < g.C_img; ++ci)
                            for (int kd = 0; kd < k[0]; ++kd)
                                for (int kh = 0; kh < k[1]; ++kh)
                                    for (int kw = 0; kw < k[2]; ++kw) {
                                        const int id =
                                            gd * g.stride[0] - g.padding[0] + kd * g.dilation[0];
                                        const int ih =
                                            gh * g.stride[1] - g.padding[1] + kh * g.dilation[1];
                                        const int iw =
                                            gw * g.stride[2] - g.padding[2] + kw * g.dilation[2];
                                        if (id < 0 || id >= I[0] || ih < 0 || ih >= I[1] ||
                                            iw < 0 || iw >= I[2])
                                            continue;
                                        const std::size_t image_index =
                                            (((std::size_t(n) * g.C_img + ci) * I[0] + id) * I[1] +
                                             ih) *
                                                I[2] +
                                            iw;
                                        const std::size_t weight_index =
                                            (((std::size_t(cg) * g.C_img + ci) * k[0] + kd) * k[1] +
                                             kh) *
                                                k[2] +
                                            kw;
                                        f(grid_index, image_index, weight_index);
                                    }
                    }
}

void add_bias_grad(float* d_bias, const float* d_side, int N, int C, int size) {
    for (int n = 0; n < N; ++n)
        for (int c = 0; c < C; ++c)
            for (int i = 0; i < size; ++i) d_bias[c] += d_side[(std::size_t(n) * C + c) * size + i];
}

void fill_bias(float* side, const float* bias, int N, int C, int size) {
    for (int n = 0; n < N; ++n)
        for (int c = 0; c < C; ++c)
            for (int i = 0; i < size; ++i)
                side[(std::size_t(n) * C + c) * size + i] = bias ? bias[c] : 0.0f;
}

}  // namespace

void conv_forward_direct(const ConvGeometry& g, float* out, const float* in, const float* weight,
                         const float* bias) {
    fill_bias(out, bias, g.N, g.C_grid, g.grid_size());
    for_each_tap(g,
                 [&](std::size_t o, std::size_t i, std::size_t w) { out[o] += in[i] * weight[w]; });
}

void conv_backward_direct(const ConvGeometry& g, float* d_in, float* d_weight, float* d_bias,
                          const float* d_out, const float* in, const float* weight) {
    if (d_bias) add_bias_grad(d_bias, d_out, g.N, g.C_grid, g.grid_size());
    for_each_tap(g, [&](std::size_t o, std::size_t i, std::size_t w) {
        if (d_in) d_in[i] += d_out[o] * weight[w];
        if (d_weight) d_weight[w] += d_out[o] * in[i];
    });
}

void conv_transpose_forward_direct(const ConvGeometry& g, float* out, const float* in,
                                   const float* weight, const float* bias) {
    fill_bias(out, bias, g.N, g.C_img, g.image_size());
    for_each_tap(g,
                 [&](std::size_t x, std::size_t o, std::size_t w) { out[o] += in[x] * weight[w]; });
}

void conv_transpose_backward_direct(const ConvGeometry& g, float* d_in, float* d_weight,
                                    float* d_bias, const float* d_out, const float* in,
                                    const float* weight) {
    if (d_bias) add_bias_grad(d_bias, d_out, g.N, g.C_img, g.image_size());
    for_each_tap(g, [&](std::size_t x, std::size_t o, std::size_t w) {
        if (d_in) d_in[x] += d_out[o] * weight[w];
        if (d_weight) d_weight[w] += in[x] * d_out[o];
    });
}

// ---- raw layer: geometry + direct loops
// ----------------------------------------------------------

void conv1d_forward_ref(float* out, const float* in, const float* weight, const float* bias, int N,
                        int C_in, int L, int C_out, int K, const Conv1dParams& p) {
    conv_forward_direct(make_geometry("conv1d_ref", N, C_in, L, C_out, K, p), out, in, weight,
                        bias);
}
void conv1d_backward_ref(float* d_in, float* d_weight, float* d_bias, const float* d_out,
                         const float* in, const float* weight, int N, int C_in, int L, int C_out,
                         int K, const Conv1dParams& p) {
    conv_backward_direct(make_geometry("conv1d_backward_ref", N, C_in, L, C_out, K, p), d_in,
                         d_weight, d_bias, d_out, in, weight);
}

void conv2d_forward_ref(float* out, const float* in, const float* weight, const float* bias, int N,
                        int C_in, int H, int W, int C_out, int kH, int kW, const Conv2dParams& p) {
    conv_forward_direct(make_geometry("conv2d_ref", N, C_in, H, W, C_out, kH, kW, p), out, in,
                        weight, bias);
}
void conv2d_backward_ref(float* d_in, float* d_weight, float* d_bias, const float* d_out,
                         const float* in, const float* weight, int N, int C_in, int H, int W,
                         int C_out, int kH, int kW, const Conv2dParams& p) {
    conv_backward_direct(make_geometry("conv2d_backward_ref", N, C_in, H, W, C_out, kH, kW, p),
                         d_in, d_weight, d_bias, d_out, in, weight);
}

void conv3d_forward_ref(float* out, const float* in, const float* weight, const float* bias, int N,
                        int C_in, int D, int H, int W, int C_out, int kD, int kH, int kW,
                        const Conv3dParams& p) {
    conv_forward_direct(make_geometry("conv3d_ref", N, C_in, D, H, W, C_out, kD, kH, kW, p), out,
                        in, weight, bias);
}
void conv3d_backward_ref(float* d_in, float* d_weight, float* d_bias, const float* d_out,
                         const float* in, const float* weight, int N, int C_in, int D, int H, int W,
                         int C_out, int kD, int kH, int kW, const Conv3dParams& p) {
    conv_backward_direct(
        make_geometry("conv3d_backward_ref", N, C_in, D, H, W, C_out, kD, kH, kW, p), d_in,
        d_weight, d_bias, d_out, in, weight);
}

void conv_transpose1d_forward_ref(float* out, const float* in, const float* weight,
                                  const float* bias, int N, int C_in, int L, int C_out, int K,
                                  const ConvTranspose1dParams& p) {
    conv_transpose_forward_direct(make_geometry("conv_transpose1d_ref", N, C_in, L, C_out, K, p),
                                  out, in, weight, bias);
}
void conv_transpose1d_backward_ref(float* d_in, float* d_weight, float* d_bias, const float* d_out,
                                   const float* in, const float* weight, int N, int C_in, int L,
                                   int C_out, int K, const ConvTranspose1dParams& p) {
    conv_transpose_backward_direct(
        make_geometry("conv_transpose1d_backward_ref", N, C_in, L, C_out, K, p), d_in, d_weight,
        d_bias, d_out, in, weight);
}

void conv_transpose2d_forward_ref(float* out, const float* in, const float* weight,
                                  const float* bias, int N, int C_in, int H, int W, int C_out,
                                  int kH, int kW, const ConvTranspose2dParams& p) {
    conv_transpose_forward_direct(
        make_geometry("conv_transpose2d_ref", N, C_in, H, W, C_out, kH, kW, p), out, in, weight,
        bias);
}
void conv_transpose2d_backward_ref(float* d_in, float* d_weight, float* d_bias, const float* d_out,
                                   const float* in, const float* weight, int N, int C_in, int H,
                                   int W, int C_out, int kH, int kW,
                                   const ConvTranspose2dParams& p) {
    conv_transpose_backward_direct(
        make_geometry("conv_transpose2d_backward_ref", N, C_in, H, W, C_out, kH, kW, p), d_in,
        d_weight, d_bias, d_out, in, weight);
}

}  // namespace aelab
