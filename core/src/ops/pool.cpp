// Pooling, unpooling and upsampling (see pool.hpp for the semantics).
//
// Legend: N batch, C channels, (H, W) input plane, (Ho, Wo) output plane, k kernel, s stride,
//   p padding, d dilation; tap kh of output row oh reads input row oh*s - p + kh*d.
// The fast pools precompute, per output row and column, the taps that fall inside the input
// (valid_taps) so the inner loops have no bounds checks; the *_ref twins test every tap. The
// 2x2 stride-2 unpadded case (nearly every CNN's pool) goes to the row kernels of
// core/src/kernels/pool_2x2s2.* (SIMD where the build has it), chosen in dispatch.cpp.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "../kernels/pool_2x2s2.hpp"
#include "aelab/conv.hpp"
#include "aelab/limits.hpp"
#include "aelab/pool.hpp"

namespace aelab {
namespace {

struct PoolGeometry {
    int N, C, H, W, Ho, Wo;
    int k[2], s[2], p[2], d[2];
};

std::string pair_str(const int* v) {
    return "(" + std::to_string(v[0]) + ", " + std::to_string(v[1]) + ")";
}

// Taps [lo, hi) of a window starting at `start` with dilation d whose positions lie in [0, n).
void valid_taps(int start, int d, int k, int n, int& lo, int& hi) {
    if (start >= 0 && start + (k - 1) * d < n) {  // interior window: no division on the hot path
        lo = 0;
        hi = k;
        return;
    }
    lo = start >= 0 ? 0 : (-start + d - 1) / d;
    hi = start > n - 1 ? 0 : std::min(k, (n - 1 - start) / d + 1);
    if (hi < lo) hi = lo;
}

PoolGeometry pool_geometry(const char* op, int N, int C, int H, int W, const int* k, const int* s,
                           const int* p, const int* d) {
    const std::string o(op);
    if (N < 1 || C < 1 || H < 1 || W < 1)
        throw Error(o + ": input sizes (N, C, H, W) must be >= 1, got (" + std::to_string(N) +
                    ", " + std::to_string(C) + ", " + std::to_string(H) + ", " + std::to_string(W) +
                    ")");
    for (int a = 0; a < 2; ++a) {
        if (k[a] < 1) throw Error(o + ": kernel size must be >= 1, got " + pair_str(k));
        if (s[a] < 1) throw Error(o + ": stride must be >= 1, got " + pair_str(s));
        if (d[a] < 1) throw Error(o + ": dilation must be >= 1, got " + pair_str(d));
        if (p[a] < 0 || p[a] > k[a] / 2)
            throw Error(o + ": padding must be between 0 and half the kernel size " + pair_str(k) +
                        ", got " + pair_str(p));
    }
    check_window(op, "kernel size", k, 2);
    check_window(op, "stride", s, 2);
    check_window(op, "dilation", d, 2);
    PoolGeometry g{N, C, H, W, 0, 0, {k[0], k[1]}, {s[0], s[1]}, {p[0], p[1]}, {d[0], d[1]}};
    const std::int64_t Ho = conv_output_size(H, k[0], s[0], p[0], d[0]);  // 64-bit
    const std::int64_t Wo = conv_output_size(W, k[1], s[1], p[1], d[1]);
    check_elements(op, "output", {N, C, Ho, Wo});
    check_work(op, saturating_product({N, C, Ho, Wo, k[0], k[1]}));
    g.Ho = int(Ho);
    g.Wo = int(Wo);
    if (g.Ho < 1 || g.Wo < 1)
        throw Error(o + ": output would be empty: input size (" + std::to_string(H) + ", " +
                    std::to_string(W) + ") with kernel " + pair_str(k) + ", stride " + pair_str(s) +
                    ", padding " + pair_str(p) + ", dilation " + pair_str(d) +
                    " gives output size (" + std::to_string(g.Ho) + ", " + std::to_string(g.Wo) +
                    ")");
    // With dilation, a window can fall entirely on padding; torch then returns -inf and an
    // index outside the plane. Reject such settings instead.
    const int sizes[2] = {H, W}, outs[2] = {g.Ho, g.Wo};
    for (int a = 0; a < 2; ++a)
        for (int out = 0; out < outs[a]; ++out) {
            int lo, hi;
            valid_taps(out * s[a] - p[a], d[a], k[a], sizes[a], lo, hi);
            if (lo == hi)
                throw Error(o + ": a window lies entirely in the padding: input size (" +
                            std::to_string(H) + ", " + std::to_string(W) + ") with kernel " +
                            pair_str(k) + ", stride " + pair_str(s) + ", padding " +
                            pair_str(p) + ", dilation " + pair_str(d));
        }
    return g;
}

bool is_2x2_stride2(const PoolGeometry& g) {
    return g.k[0] == 2 && g.k[1] == 2 && g.s[0] == 2 && g.s[1] == 2 && g.p[0] == 0 &&
           g.p[1] == 0 && g.d[0] == 1 && g.d[1] == 1;
}

PoolGeometry max_geometry(const char* op, int N, int C, int H, int W, const MaxPool2dParams& p) {
    return pool_geometry(op, N, C, H, W, p.kernel.data(), p.stride.data(), p.padding.data(),
                         p.dilation.data());
}
PoolGeometry avg_geometry(const char* op, int N, int C, int H, int W, const AvgPool2dParams& p) {
    const int one[2] = {1, 1};
    return pool_geometry(op, N, C, H, W, p.kernel.data(), p.stride.data(), p.padding.data(), one);
}

}  // namespace

void max_pool2d_forward(float* out, std::int64_t* indices, const float* in, int N, int C, int H,
                        int W, const MaxPool2dParams& p) {
    max_pool2d_forward_with_kernel(pool_2x2s2_kernel_best_index(), out, indices, in, N, C, H, W, p);
}

void max_pool2d_forward_with_kernel(int kernel, float* out, std::int64_t* indices, const float* in,
                                    int N, int C, int H, int W, const MaxPool2dParams& p) {
    const PoolGeometry g = max_geometry("max_pool2d", N, C, H, W, p);
    const MaxPoolRow row = pool_2x2s2_kernel(kernel).max_row;
    if (is_2x2_stride2(g)) {
        for (long plane = 0; plane < long(N) * C; ++plane)
            for (int oh = 0; oh < g.Ho; ++oh) {
                const float* top = in + (plane * H + 2 * oh) * W;  // rows 2*oh, 2*oh + 1
                const long o = (plane * g.Ho + oh) * g.Wo;
                row(top, top + W, g.Wo, W, std::int64_t(2 * oh) * W, out + o, indices + o);
            }
        return;
    }
    for (long plane = 0; plane < long(N) * C; ++plane) {
        const float* x = in + plane * H * W;  // (H, W)
        for (int oh = 0; oh < g.Ho; ++oh) {
            const int h0 = oh * g.s[0] - g.p[0];
            int kh_lo, kh_hi;
            valid_taps(h0, g.d[0], g.k[0], H, kh_lo, kh_hi);
            for (int ow = 0; ow < g.Wo; ++ow) {
                const int w0 = ow * g.s[1] - g.p[1];
                int kw_lo, kw_hi;
                valid_taps(w0, g.d[1], g.k[1], W, kw_lo, kw_hi);
                float best = -std::numeric_limits<float>::infinity();
                std::int64_t best_index =
                    std::int64_t(h0 + kh_lo * g.d[0]) * W + w0 + kw_lo * g.d[1];
                for (int kh = kh_lo; kh < kh_hi; ++kh) {
                    const int h = h0 + kh * g.d[0];
                    for (int kw = kw_lo; kw < kw_hi; ++kw) {
                        const int w = w0 + kw * g.d[1];
                        const float v = x[h * W + w];
                        // NaN propagates, as in torch.
                        const bool take = v > best || v != v;
                        best_index = take ? std::int64_t(h) * W + w : best_index;
                        best = take ? v : best;
                    }
                }
                const long o = (plane * g.Ho + oh) * g.Wo + ow;
                out[o] = best;
                indices[o] = best_index;
            }
        }
    }
}

void max_pool2d_forward_ref(float* out, std::int64_t* indices, const float* in, int N, int C, int H,
                            int W, const MaxPool2dParams& p) {
    const PoolGeometry g = max_geometry("max_pool2d_ref", N, C, H, W, p);
    for (int n = 0; n < N; ++n)
        for (int c = 0; c < C; ++c)
            for (int oh = 0; oh < g.Ho; ++oh)
                for (int ow = 0; ow < g.Wo; ++ow) {
                    float best = -std::numeric_limits<float>::infinity();
                    std::int64_t best_index = -1;
                    for (int kh = 0; kh < g.k[0]; ++kh)
                        for (int kw = 0; kw < g.k[1]; ++kw) {
                            const int h = oh * g.s[0] - g.p[0] + kh * g.d[0];
                            const int w = ow * g.s[1] - g.p[1] + kw * g.d[1];
                            if (h < 0 || h >= H || w < 0 || w >= W) continue;
                            const float v = in[((long(n) * C + c) * H + h) * W + w];
                            if (best_index < 0 || v > best || std::isnan(v)) {
                                best = v;
                                best_index = std::int64_t(h) * W + w;
                            }
                        }
                    const long o = ((long(n) * C + c) * g.Ho + oh) * g.Wo + ow;
                    out[o] = best;
                    indices[o] = best_index;
                }
}

void max_pool2d_backward(float* d_in, const float* d_out, const std::int64_t* indices, int N, int C,
                         int H, int W, int H_out, int W_out) {
    for (long plane = 0; plane < long(N) * C; ++plane)
        for (long i = 0; i < long(H_out) * W_out; ++i) {
            const long o = plane * H_out * W_out + i;
            d_in[plane * H * W + indices[o]] += d_out[o];
        }
}

void avg_pool2d_forward(float* out, const float* in, int N, int C, int H, int W,
                        const AvgPool2dParams& p) {
    avg_pool2d_forward_with_kernel(pool_2x2s2_kernel_best_index(), out, in, N, C, H, W, p);
}

void avg_pool2d_forward_with_kernel(int kernel, float* out, const float* in, int N, int C, int H,
                                    int W, const AvgPool2dParams& p) {
    const PoolGeometry g = avg_geometry("avg_pool2d", N, C, H, W, p);
    const AvgPoolRow row = pool_2x2s2_kernel(kernel).avg_row;
    if (is_2x2_stride2(g)) {
        for (long plane = 0; plane < long(N) * C; ++plane)
            for (int oh = 0; oh < g.Ho; ++oh) {
                const float* top = in + (plane * H + 2 * oh) * W;  // rows 2*oh, 2*oh + 1
                row(top, top + W, g.Wo, out + (plane * g.Ho + oh) * g.Wo);
            }
        return;
    }
    const float scale = 1.0f / (float(g.k[0]) * float(g.k[1]));  // count_include_pad (no int overflow at 65536^2)
    for (long plane = 0; plane < long(N) * C; ++plane) {
        const float* x = in + plane * H * W;  // (H, W)
        for (int oh = 0; oh < g.Ho; ++oh) {
            const int h0 = oh * g.s[0] - g.p[0];
            int kh_lo, kh_hi;
            valid_taps(h0, 1, g.k[0], H, kh_lo, kh_hi);
            for (int ow = 0; ow < g.Wo; ++ow) {
                const int w0 = ow * g.s[1] - g.p[1];
                int kw_lo, kw_hi;
                valid_taps(w0, 1, g.k[1], W, kw_lo, kw_hi);
                float sum = 0.0f;
                for (int h = h0 + kh_lo; h < h0 + kh_hi; ++h)
                    for (int w = w0 + kw_lo; w < w0 + kw_hi; ++w) sum += x[h * W + w];
                out[(plane * g.Ho + oh) * g.Wo + ow] = sum * scale;
            }
        }
    }
}

void avg_pool2d_forward_ref(float* out, const float* in, int N, int C, int H, int W,
                            const AvgPool2dParams& p) {
    const PoolGeometry g = avg_geometry("avg_pool2d_ref", N, C, H, W, p);
    for (int n = 0; n < N; ++n)
        for (int c = 0; c < C; ++c)
            for (int oh = 0; oh < g.Ho; ++oh)
                for (int ow = 0; ow < g.Wo; ++ow) {
                    float sum = 0.0f;
                    for (int kh = 0; kh < g.k[0]; ++kh)
                        for (int kw = 0; kw < g.k[1]; ++kw) {
                            const int h = oh * g.s[0] - g.p[0] + kh;
                            const int w = ow * g.s[1] - g.p[1] + kw;
                            if (h >= 0 && h < H && w >= 0 && w < W)
                                sum += in[((long(n) * C + c) * H + h) * W + w];
                        }
                    out[((long(n) * C + c) * g.Ho + oh) * g.Wo + ow] = sum / (float(g.k[0]) * float(g.k[1]));
                }
}

void avg_pool2d_backward(float* d_in, const float* d_out, int N, int C, int H, int W,
                         const AvgPool2dParams& p) {
    const PoolGeometry g = avg_geometry("avg_pool2d_backward", N, C, H, W, p);
    const float scale = 1.0f / (float(g.k[0]) * float(g.k[1]));
    if (is_2x2_stride2(g)) {
        // Each output's share goes to its 2x2 block: no bounds, no overlap (the compiler
        // vectorises the paired stores).
        for (long plane = 0; plane < long(N) * C; ++plane)
            for (int oh = 0; oh < g.Ho; ++oh) {
                float* top = d_in + (plane * H + 2 * oh) * W;  // rows 2*oh, 2*oh + 1
                float* bottom = top + W;
                const float* dy = d_out + (plane * g.Ho + oh) * g.Wo;
                for (int ow = 0; ow < g.Wo; ++ow) {
                    const float share = dy[ow] * scale;
                    top[2 * ow] += share;
                    top[2 * ow + 1] += share;
                    bottom[2 * ow] += share;
                    bottom[2 * ow + 1] += share;
                }
            }
        return;
    }
    for (long plane = 0; plane < long(N) * C; ++plane) {
        float* dx = d_in + plane * H * W;  // (H, W)
        for (int oh = 0; oh < g.Ho; ++oh) {
            const int h0 = oh * g.s[0] - g.p[0];
            int kh_lo, kh_hi;
            valid_taps(h0, 1, g.k[0], H, kh_lo, kh_hi);
            for (int ow = 0; ow < g.Wo; ++ow) {
                const int w0 = ow * g.s[1] - g.p[1];
                int kw_lo, kw_hi;
                valid_taps(w0, 1, g.k[1], W, kw_lo, kw_hi);
                const float share = d_out[(plane * g.Ho + oh) * g.Wo + ow] * scale;
                for (int h = h0 + kh_lo; h < h0 + kh_hi; ++h)
                    for (int w = w0 + kw_lo; w < w0 + kw_hi; ++w) dx[h * W + w] += share;
            }
        }
    }
}

void avg_pool2d_backward_ref(float* d_in, const float* d_out, int N, int C, int H, int W,
                             const AvgPool2dParams& p) {
    const PoolGeometry g = avg_geometry("avg_pool2d_backward_ref", N, C, H, W, p);
    for (int n = 0; n < N; ++n)
        for (int c = 0; c < C; ++c)
            for (int oh = 0; oh < g.Ho; ++oh)
                for (int ow = 0; ow < g.Wo; ++ow)
                    for (int kh = 0; kh < g.k[0]; ++kh)
                        for (int kw = 0; kw < g.k[1]; ++kw) {
                            const int h = oh * g.s[0] - g.p[0] + kh;
                            const int w = ow * g.s[1] - g.p[1] + kw;
                            if (h >= 0 && h < H && w >= 0 && w < W)
                                d_in[((long(n) * C + c) * H + h) * W + w] +=
                                    d_out[((long(n) * C + c) * g.Ho + oh) * g.Wo + ow] /
                                    (float(g.k[0]) * float(g.k[1]));
                        }
}

namespace {

// Throws when an unpooling index does not fall inside the (H_out, W_out) output plane.
void check_unpool_indices(const char* op, const std::int64_t* indices, int N, int C, int H, int W,
                          int H_out, int W_out) {
    const std::int64_t plane = std::int64_t(H_out) * W_out;
    for (long i = 0; i < long(N) * C * H * W; ++i)
        if (indices[i] < 0 || indices[i] >= plane) {
            const long w = i % W, h = i / W % H, c = i / (long(W) * H) % C,
                       n = i / (long(W) * H * C);
            throw Error(std::string(op) + ": index " + std::to_string(indices[i]) +
                        " at (n=" + std::to_string(n) + ", c=" + std::to_string(c) +
                        ", h=" + std::to_string(h) + ", w=" + std::to_string(w) +
                        ") is outside the output plane of size (" + std::to_string(H_out) + ", " +
                        std::to_string(W_out) + ")");
        }
}

}  // namespace

void max_unpool2d_forward(float* out, const float* in, const std::int64_t* indices, int N, int C,
                          int H, int W, int H_out, int W_out) {
    check_unpool_indices("max_unpool2d", indices, N, C, H, W, H_out, W_out);
    const long plane_out = long(H_out) * W_out, plane_in = long(H) * W;
    std::fill(out, out + long(N) * C * plane_out, 0.0f);
    for (long plane = 0; plane < long(N) * C; ++plane)
        for (long i = 0; i < plane_in; ++i)
            out[plane * plane_out + indices[plane * plane_in + i]] = in[plane * plane_in + i];
}

void max_unpool2d_backward(float* d_in, const float* d_out, const std::int64_t* indices, int N,
                           int C, int H, int W, int H_out, int W_out) {
    check_unpool_indices("max_unpool2d_backward", indices, N, C, H, W, H_out, W_out);
    const long plane_out = long(H_out) * W_out, plane_in = long(H) * W;
    for (long plane = 0; plane < long(N) * C; ++plane)
        for (long i = 0; i < plane_in; ++i)
            d_in[plane * plane_in + i] += d_out[plane * plane_out + indices[plane * plane_in + i]];
}

void upsample_nearest2d_forward(float* out, const float* in, int N, int C, int H, int W, int s_h,
                                int s_w) {
    const int Ho = H * s_h, Wo = W * s_w;
    for (long plane = 0; plane < long(N) * C; ++plane)
        for (int oh = 0; oh < Ho; ++oh)
            for (int ow = 0; ow < Wo; ++ow)
                out[(plane * Ho + oh) * Wo + ow] = in[(plane * H + oh / s_h) * W + ow / s_w];
}

void upsample_nearest2d_backward(float* d_in, const float* d_out, int N, int C, int H, int W,
                                 int s_h, int s_w) {
    const int Ho = H * s_h, Wo = W * s_w;
    for (long plane = 0; plane < long(N) * C; ++plane)
        for (int oh = 0; oh < Ho; ++oh)
            for (int ow = 0; ow < Wo; ++ow)
                d_in[(plane * H + oh / s_h) * W + ow / s_w] += d_out[(plane * Ho + oh) * Wo + ow];
}

void upsample_bed_of_nails2d_forward(float* out, const float* in, int N, int C, int H, int W,
                                     int s_h, int s_w) {
    const int Ho = H * s_h, Wo = W * s_w;
    std::fill(out, out + long(N) * C * Ho * Wo, 0.0f);
    for (long plane = 0; plane < long(N) * C; ++plane)
        for (int h = 0; h < H; ++h)
            for (int w = 0; w < W; ++w)
                out[(plane * Ho + h * s_h) * Wo + w * s_w] = in[(plane * H + h) * W + w];
}

void upsample_bed_of_nails2d_backward(float* d_in, const float* d_out, int N, int C, int H, int W,
                                      int s_h, int s_w) {
    const int Ho = H * s_h, Wo = W * s_w;
    for (long plane = 0; plane < long(N) * C; ++plane)
        for (int h = 0; h < H; ++h)
            for (int w = 0; w < W; ++w)
                d_in[(plane * H + h) * W + w] += d_out[(plane * Ho + h * s_h) * Wo + w * s_w];
}

// ---- Tensor layer --------------------------------------------------------------------------

namespace {

void check_nchw(const char* op, const char* what, const Tensor& x) {
    check_rank(op, what, x, 4, "N, C, H, W");
    for (std::size_t a = 0; a < 4; ++a)
        if (x.shape()[a] == 0)
            throw Error(std::string(op) + ": " + what + " must have no empty axis, got shape " +
                        shape_str(x.shape()));
}

void check_indices(const char* op, const IndexTensor& indices, const Shape& expected) {
    if (Shape(indices.shape().begin(), indices.shape().end()) != expected)
        throw Error(std::string(op) + ": indices must have shape " + shape_str(expected) +
                    ", got " + shape_str(indices.shape()));
}

// d_x and d_out (N, C, *, *): the two sides of an op that routes values through indices.
void check_planes(const char* op, const Tensor& d_x, const Tensor& d_out) {
    check_nchw(op, "d_x", d_x);
    check_nchw(op, "d_out", d_out);
    check_shape(op, "d_out", d_out, {d_x.shape()[0], d_x.shape()[1], 0, 0});
}

// Scale factors in [1, kMaxWindow] and the output (N, C, H*s_h, W*s_w) within the limits.
void check_scale(const char* op, const Tensor& x, int s_h, int s_w) {
    if (s_h < 1 || s_w < 1)
        throw Error(std::string(op) + ": scale factors must be >= 1, got (" + std::to_string(s_h) +
                    ", " + std::to_string(s_w) + ")");
    const int scale[2] = {s_h, s_w};
    check_window(op, "scale factor", scale, 2);
    check_elements(op, "output", {std::int64_t(x.shape()[0]), std::int64_t(x.shape()[1]),
                                  std::int64_t(x.shape()[2]) * s_h, std::int64_t(x.shape()[3]) * s_w});
}

}  // namespace

MaxPool2dResult max_pool2d(const Tensor& x, const MaxPool2dParams& p) {
    check_nchw("max_pool2d", "input", x);
    const PoolGeometry g =
        max_geometry("max_pool2d", dim(x, 0), dim(x, 1), dim(x, 2), dim(x, 3), p);
    const Shape out_shape{x.shape()[0], x.shape()[1], std::size_t(g.Ho), std::size_t(g.Wo)};
    MaxPool2dResult r{zeros(out_shape), IndexTensor(out_shape)};
    max_pool2d_forward(r.out.data(), r.indices.data(), x.data(), g.N, g.C, g.H, g.W, p);
    return r;
}

void max_pool2d_backward(Tensor& d_x, const Tensor& d_out, const IndexTensor& indices) {
    const char* op = "max_pool2d_backward";
    check_planes(op, d_x, d_out);
    check_indices(op, indices, shape_of(d_out));
    // Indices come from max_pool2d on an input of d_x's shape: each must lie in its plane.
    check_unpool_indices(op, indices.data(), dim(d_out, 0), dim(d_out, 1), dim(d_out, 2),
                         dim(d_out, 3), dim(d_x, 2), dim(d_x, 3));
    max_pool2d_backward(d_x.data(), d_out.data(), indices.data(), dim(d_x, 0), dim(d_x, 1),
                        dim(d_x, 2), dim(d_x, 3), dim(d_out, 2), dim(d_out, 3));
}

Tensor avg_pool2d(const Tensor& x, const AvgPool2dParams& p) {
    check_nchw("avg_pool2d", "input", x);
    const PoolGeometry g =
        avg_geometry("avg_pool2d", dim(x, 0), dim(x, 1), dim(x, 2), dim(x, 3), p);
    Tensor y = zeros({x.shape()[0], x.shape()[1], std::size_t(g.Ho), std::size_t(g.Wo)});
    avg_pool2d_forward(y.data(), x.data(), g.N, g.C, g.H, g.W, p);
    return y;
}

void avg_pool2d_backward(Tensor& d_x, const Tensor& d_out, const AvgPool2dParams& p) {
    const char* op = "avg_pool2d_backward";
    check_nchw(op, "d_x", d_x);
    const PoolGeometry g = avg_geometry(op, dim(d_x, 0), dim(d_x, 1), dim(d_x, 2), dim(d_x, 3), p);
    check_shape(op, "d_out", d_out,
                {d_x.shape()[0], d_x.shape()[1], std::size_t(g.Ho), std::size_t(g.Wo)});
    avg_pool2d_backward(d_x.data(), d_out.data(), g.N, g.C, g.H, g.W, p);
}

Tensor max_unpool2d(const Tensor& x, const IndexTensor& indices, const MaxUnpool2dParams& p) {
    const char* op = "max_unpool2d";
    check_nchw(op, "input", x);
    check_indices(op, indices, shape_of(x));
    std::int64_t out64[2];
    for (int a = 0; a < 2; ++a) {
        if (p.kernel[a] < 1 || p.stride[a] < 1 || p.padding[a] < 0)
            throw Error(std::string(op) +
                        ": kernel and stride must be >= 1 and padding >= 0, got kernel " +
                        pair_str(p.kernel.data()) + ", stride " + pair_str(p.stride.data()) +
                        ", padding " + pair_str(p.padding.data()));
        out64[a] = p.output_size[a] > 0 ? p.output_size[a]
                                        : conv_transpose_output_size(dim(x, 2 + a), p.kernel[a],
                                                                     p.stride[a], p.padding[a], 0, 1);
    }
    if (out64[0] < 1 || out64[1] < 1)
        throw Error(std::string(op) + ": output would be empty: output size (" +
                    std::to_string(out64[0]) + ", " + std::to_string(out64[1]) + ")");
    check_elements(op, "output", {std::int64_t(x.shape()[0]), std::int64_t(x.shape()[1]), out64[0], out64[1]});
    const int out[2] = {int(out64[0]), int(out64[1])};
    Tensor y = zeros({x.shape()[0], x.shape()[1], std::size_t(out[0]), std::size_t(out[1])});
    max_unpool2d_forward(y.data(), x.data(), indices.data(), dim(x, 0), dim(x, 1), dim(x, 2),
                         dim(x, 3), out[0], out[1]);
    return y;
}

void max_unpool2d_backward(Tensor& d_x, const Tensor& d_out, const IndexTensor& indices) {
    const char* op = "max_unpool2d_backward";
    check_planes(op, d_x, d_out);
    check_indices(op, indices, shape_of(d_x));
    max_unpool2d_backward(d_x.data(), d_out.data(), indices.data(), dim(d_x, 0), dim(d_x, 1),
                          dim(d_x, 2), dim(d_x, 3), dim(d_out, 2), dim(d_out, 3));
}

namespace {

// The upsampling ops' raw layer: (out or d_in, in or d_out, N, C, H, W, s_h, s_w).
using UpsampleLoop = void (*)(float*, const float*, int, int, int, int, int, int);

Tensor upsample(const char* op, UpsampleLoop forward, const Tensor& x, int scale_h, int scale_w) {
    check_nchw(op, "input", x);
    check_scale(op, x, scale_h, scale_w);
    Tensor y = zeros({x.shape()[0], x.shape()[1], x.shape()[2] * scale_h, x.shape()[3] * scale_w});
    forward(y.data(), x.data(), dim(x, 0), dim(x, 1), dim(x, 2), dim(x, 3), scale_h, scale_w);
    return y;
}

void upsample_backward(const char* op, UpsampleLoop backward, Tensor& d_x, const Tensor& d_out,
                       int scale_h, int scale_w) {
    check_nchw(op, "d_x", d_x);
    check_scale(op, d_x, scale_h, scale_w);
    check_shape(
        op, "d_out", d_out,
        {d_x.shape()[0], d_x.shape()[1], d_x.shape()[2] * scale_h, d_x.shape()[3] * scale_w});
    backward(d_x.data(), d_out.data(), dim(d_x, 0), dim(d_x, 1), dim(d_x, 2), dim(d_x, 3), scale_h,
             scale_w);
}

}  // namespace

Tensor upsample_nearest2d(const Tensor& x, int scale_h, int scale_w) {
    return upsample("upsample_nearest2d", upsample_nearest2d_forward, x, scale_h, scale_w);
}
void upsample_nearest2d_backward(Tensor& d_x, const Tensor& d_out, int scale_h, int scale_w) {
    upsample_backward("upsample_nearest2d_backward", upsample_nearest2d_backward, d_x, d_out,
                      scale_h, scale_w);
}
Tensor upsample_bed_of_nails2d(const Tensor& x, int scale_h, int scale_w) {
    return upsample("upsample_bed_of_nails2d", upsample_bed_of_nails2d_forward, x, scale_h,
                    scale_w);
}
void upsample_bed_of_nails2d_backward(Tensor& d_x, const Tensor& d_out, int scale_h, int scale_w) {
    upsample_backward("upsample_bed_of_nails2d_backward", upsample_bed_of_nails2d_backward, d_x,
                      d_out, scale_h, scale_w);
}

}  // namespace aelab
