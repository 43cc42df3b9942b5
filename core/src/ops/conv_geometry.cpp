// Convolution geometry: validation, output sizes, and the polyphase planes that turn every
// convolution into a GEMM over contiguous rows (split into planes, and its adjoint, merge).
// Legend: see conv_geometry.hpp (image / grid sides, axes (D, H, W)).
#include "conv_geometry.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "aelab/conv.hpp"
#include "aelab/error.hpp"
#include "aelab/limits.hpp"

namespace aelab {

// In 64 bits: with int arguments nothing here can overflow (each term is under 2^63).
std::int64_t conv_output_size(int in, int kernel, int stride, int padding, int dilation) {
    const std::int64_t span = std::int64_t(in) + 2 * std::int64_t(padding) -
                              std::int64_t(dilation) * (std::int64_t(kernel) - 1) - 1;
    // Floor division, as torch does; a negative span means not even one window fits.
    return span < 0 || stride < 1 ? 0 : span / stride + 1;
}

std::int64_t conv_transpose_output_size(int in, int kernel, int stride, int padding,
                                        int output_padding, int dilation) {
    return (std::int64_t(in) - 1) * stride - 2 * std::int64_t(padding) +
           std::int64_t(dilation) * (std::int64_t(kernel) - 1) + output_padding + 1;
}

namespace {

template <class I>
std::string tuple_str(const I* v, int n) {
    std::string s = "(";
    for (int i = 0; i < n; ++i) s += (i ? ", " : "") + std::to_string(v[i]);
    return s + (n == 1 ? ",)" : ")");
}

void require_at_least(const char* op, const char* what, const int* v, int n, int minimum) {
    for (int i = 0; i < n; ++i)
        if (v[i] < minimum)
            throw Error(std::string(op) + ": " + what + " must be >= " + std::to_string(minimum) +
                        " on every axis, got " + tuple_str(v, n));
}

void require_positive(const char* op, const char* what, int v) {
    if (v < 1)
        throw Error(std::string(op) + ": " + what + " must be >= 1, got " + std::to_string(v));
}

// Shared checks; fills the trailing `dims` axes of g with kernel/stride/padding/dilation.
void fill_common(ConvGeometry& g, const char* op, int dims, int N, int C_in, const int* in,
                 int C_out, const int* kernel, const int* stride, const int* padding,
                 const int* dilation) {
    require_positive(op, "batch size N", N);
    require_positive(op, "input channels", C_in);
    require_positive(op, "output channels", C_out);
    require_at_least(op, "input size", in, dims, 1);
    require_at_least(op, "kernel size", kernel, dims, 1);
    require_at_least(op, "stride", stride, dims, 1);
    require_at_least(op, "padding", padding, dims, 0);
    require_at_least(op, "dilation", dilation, dims, 1);
    check_window(op, "kernel size", kernel, dims);
    check_window(op, "stride", stride, dims);
    check_window(op, "padding", padding, dims);
    check_window(op, "dilation", dilation, dims);
    g.N = N;
    for (int a = 0; a < dims; ++a) {
        const int axis = 3 - dims + a;
        g.kernel[axis] = kernel[a];
        g.stride[axis] = stride[a];
        g.padding[axis] = padding[a];
        g.dilation[axis] = dilation[a];
    }
}

// Output, workspace and work of the op in 64 bits, refused over the limits (limits.hpp)
// before anything is allocated or stored in an int. g has N, channels and the window
// parameters; `out` the output sizes along the `dims` axes. The workspace is the polyphase
// planes every engine may use (phase_planes below: the image split into S_d * S_h * S_w planes,
// each padded by the extreme tap shifts); the indirect engine's padded images are smaller.
void check_sizes(const char* op, int dims, const ConvGeometry& g, const std::int64_t* out,
                 const int* in, bool transposed) {
    std::vector<std::int64_t> output{g.N, transposed ? g.C_img : g.C_grid};
    for (int a = 0; a < dims; ++a) output.push_back(out[a]);
    check_elements(op, "output", output);
    std::int64_t grid = 1, image = 1, taps = 1, phases = 1, plane = 1;
    for (int a = 0; a < dims; ++a) {
        const int axis = 3 - dims + a;
        const std::int64_t S = g.stride[axis], P = g.padding[axis];
        const std::int64_t reach = (std::int64_t(g.kernel[axis]) - 1) * g.dilation[axis];
        const std::int64_t g_a = transposed ? in[a] : out[a];
        const std::int64_t i_a = transposed ? out[a] : in[a];
        // floor((reach - P) / S) - floor(-P / S), as phase_planes computes it
        const auto fdiv = [](std::int64_t x, std::int64_t y) { return x >= 0 ? x / y : -((-x + y - 1) / y); };
        const std::int64_t ext = g_a + fdiv(reach - P, S) - fdiv(-P, S);
        grid = saturating_product({grid, g_a});
        image = saturating_product({image, i_a});
        taps = saturating_product({taps, g.kernel[axis]});
        phases = saturating_product({phases, S});
        plane = saturating_product({plane, ext});
    }
    check_elements(op, "input", saturating_product({g.N, transposed ? g.C_grid : g.C_img,
                                                    transposed ? grid : image}));
    check_elements(op, "workspace (the input split into stride phases)",
                   saturating_product({g.N, g.C_img, phases, plane}));
    check_work(op, saturating_product({g.N, g.C_grid, grid, g.C_img, taps}));
}

}  // namespace

ConvGeometry conv_geometry(const char* op, int dims, int N, int C_in, const int* in, int C_out,
                           const int* kernel, const int* stride, const int* padding,
                           const int* dilation) {
    ConvGeometry g;
    fill_common(g, op, dims, N, C_in, in, C_out, kernel, stride, padding, dilation);
    g.C_img = C_in;
    g.C_grid = C_out;
    std::int64_t out[3] = {1, 1, 1};
    for (int a = 0; a < dims; ++a)
        out[a] = conv_output_size(in[a], kernel[a], stride[a], padding[a], dilation[a]);
    for (int a = 0; a < dims; ++a)
        if (out[a] < 1)
            throw Error(std::string(op) + ": output would be empty: input size " +
                        tuple_str(in, dims) + " with kernel " + tuple_str(kernel, dims) +
                        ", stride " + tuple_str(stride, dims) + ", padding " +
                        tuple_str(padding, dims) + ", dilation " + tuple_str(dilation, dims) +
                        " gives output size " + tuple_str(out, dims));
    check_sizes(op, dims, g, out, in, false);  // before any size is stored in an int
    for (int a = 0; a < dims; ++a) {
        g.image[3 - dims + a] = in[a];
        g.grid[3 - dims + a] = int(out[a]);
    }
    return g;
}

ConvGeometry conv_transpose_geometry(const char* op, int dims, int N, int C_in, const int* in,
                                     int C_out, const int* kernel, const int* stride,
                                     const int* padding, const int* output_padding,
                                     const int* dilation) {
    ConvGeometry g;
    fill_common(g, op, dims, N, C_in, in, C_out, kernel, stride, padding, dilation);
    require_at_least(op, "output_padding", output_padding, dims, 0);
    for (int a = 0; a < dims; ++a)
        if (output_padding[a] >= std::max(stride[a], dilation[a]))
            throw Error(std::string(op) + ": output_padding must be smaller than stride or " +
                        "dilation, got output_padding " + tuple_str(output_padding, dims) +
                        ", stride " + tuple_str(stride, dims) + ", dilation " +
                        tuple_str(dilation, dims));
    g.C_img = C_out;
    g.C_grid = C_in;
    std::int64_t out[3] = {1, 1, 1};
    for (int a = 0; a < dims; ++a)
        out[a] = conv_transpose_output_size(in[a], kernel[a], stride[a], padding[a],
                                            output_padding[a], dilation[a]);
    for (int a = 0; a < dims; ++a)
        if (out[a] < 1)
            throw Error(std::string(op) + ": output would be empty: input size " +
                        tuple_str(in, dims) + " with kernel " + tuple_str(kernel, dims) +
                        ", stride " + tuple_str(stride, dims) + ", padding " +
                        tuple_str(padding, dims) + ", output_padding " +
                        tuple_str(output_padding, dims) + ", dilation " +
                        tuple_str(dilation, dims) + " gives output size " + tuple_str(out, dims));
    check_sizes(op, dims, g, out, in, true);
    for (int a = 0; a < dims; ++a) {
        g.image[3 - dims + a] = int(out[a]);
        g.grid[3 - dims + a] = in[a];
    }
    return g;
}

ConvGeometry make_geometry(const char* op, int N, int C_in, int L, int C_out, int K,
                           const Conv1dParams& p) {
    return conv_geometry(op, 1, N, C_in, &L, C_out, &K, &p.stride, &p.padding, &p.dilation);
}
ConvGeometry make_geometry(const char* op, int N, int C_in, int H, int W, int C_out, int kH, int kW,
                           const Conv2dParams& p) {
    const int size[2] = {H, W}, k[2] = {kH, kW};
    return conv_geometry(op, 2, N, C_in, size, C_out, k, p.stride.data(), p.padding.data(),
                         p.dilation.data());
}
ConvGeometry make_geometry(const char* op, int N, int C_in, int D, int H, int W, int C_out, int kD,
                           int kH, int kW, const Conv3dParams& p) {
    const int size[3] = {D, H, W}, k[3] = {kD, kH, kW};
    return conv_geometry(op, 3, N, C_in, size, C_out, k, p.stride.data(), p.padding.data(),
                         p.dilation.data());
}
ConvGeometry make_geometry(const char* op, int N, int C_in, int L, int C_out, int K,
                           const ConvTranspose1dParams& p) {
    return conv_transpose_geometry(op, 1, N, C_in, &L, C_out, &K, &p.stride, &p.padding,
                                   &p.output_padding, &p.dilation);
}
ConvGeometry make_geometry(const char* op, int N, int C_in, int H, int W, int C_out, int kH, int kW,
                           const ConvTranspose2dParams& p) {
    const int size[2] = {H, W}, k[2] = {kH, kW};
    return conv_transpose_geometry(op, 2, N, C_in, size, C_out, k, p.stride.data(),
                                   p.padding.data(), p.output_padding.data(), p.dilation.data());
}

namespace {

// floor(a / b) and a - b*floor(a / b) for b > 0 (C++ division truncates toward zero).
int floor_div(int a, int b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
int floor_mod(int a, int b) { return a - b * floor_div(a, b); }

// Plane coordinates y in [0, ext) whose image coordinate (y + lo)*S + phase lies in [0, n):
// the half-open range [y_lo, y_hi) (empty when y_lo >= y_hi).
void plane_range(int lo, int S, int phase, int n, int ext, int& y_lo, int& y_hi) {
    // (y + lo)*S + phase >= 0  <=>  y >= ceil(-phase / S) - lo
    y_lo = std::max(0, -floor_div(phase, S) - lo);
    // (y + lo)*S + phase <= n - 1  <=>  y <= floor((n - 1 - phase) / S) - lo
    y_hi = std::min(ext, floor_div(n - 1 - phase, S) - lo + 1);
    y_lo = std::min(y_lo, std::max(y_hi, 0));
}

}  // namespace

PhasePlanes phase_planes(const ConvGeometry& g) {
    PhasePlanes pp;
    pp.phases = g.stride[0] * g.stride[1] * g.stride[2];
    for (int a = 0; a < 3; ++a) {
        // Tap k reads grid coordinate + floor((k*Dl - P) / S) of phase (k*Dl - P) mod S.
        const int first = floor_div(-g.padding[a], g.stride[a]);
        const int last = floor_div((g.kernel[a] - 1) * g.dilation[a] - g.padding[a], g.stride[a]);
        pp.lo[a] = first;
        pp.ext[a] = g.grid[a] + last - first;
    }
    pp.plane = long(pp.ext[0]) * pp.ext[1] * pp.ext[2];
    pp.image_stride = long(g.C_img) * pp.phases * pp.plane;
    pp.positions = ((g.grid[0] - 1) * pp.ext[1] + (g.grid[1] - 1)) * pp.ext[2] + g.grid[2];
    pp.tap_offset.resize(std::size_t(g.col_rows()));
    int row = 0;
    for (int c = 0; c < g.C_img; ++c)
        for (int kd = 0; kd < g.kernel[0]; ++kd)
            for (int kh = 0; kh < g.kernel[1]; ++kh)
                for (int kw = 0; kw < g.kernel[2]; ++kw, ++row) {
                    const int k[3] = {kd, kh, kw};
                    int phase = 0;
                    long shift = 0;
                    for (int a = 0; a < 3; ++a) {
                        const int offset = k[a] * g.dilation[a] - g.padding[a];
                        phase = phase * g.stride[a] + floor_mod(offset, g.stride[a]);
                        shift = shift * pp.ext[a] + (floor_div(offset, g.stride[a]) - pp.lo[a]);
                    }
                    pp.tap_offset[row] = (long(c) * pp.phases + phase) * pp.plane + shift;
                }
    return pp;
}

namespace {

// Walks every row (n, c, phase, y_d, y_h) of the planes with the matching image row, or
// image_row < 0 when that row lies outside the image (all padding). split and merge share it.
template <class Visit>
void for_each_plane_row(const ConvGeometry& g, const PhasePlanes& pp, Visit visit) {
    const int Di = g.image[0], Hi = g.image[1], Wi = g.image[2];
    const int Sd = g.stride[0], Sh = g.stride[1], Sw = g.stride[2];
    for (int n = 0; n < g.N; ++n)
        for (int c = 0; c < g.C_img; ++c)
            for (int pd = 0; pd < Sd; ++pd)
                for (int ph = 0; ph < Sh; ++ph) {
                    // The Sw phases along W of one (pd, ph) are consecutive planes.
                    const long planes = (((long(n) * g.C_img + c) * Sd + pd) * Sh + ph) * Sw *
                                        pp.plane;
                    for (int yd = 0; yd < pp.ext[0]; ++yd) {
                        const int xd = (yd + pp.lo[0]) * Sd + pd;
                        for (int yh = 0; yh < pp.ext[1]; ++yh) {
                            const int xh = (yh + pp.lo[1]) * Sh + ph;
                            const bool inside = xd >= 0 && xd < Di && xh >= 0 && xh < Hi;
                            const long image_row =
                                inside ? (((long(n) * g.C_img + c) * Di + xd) * Hi + xh) * Wi : -1;
                            visit(planes + (long(yd) * pp.ext[1] + yh) * pp.ext[2], image_row);
                        }
                    }
                }
}

}  // namespace

void split_phases(float* planes, const float* image, const ConvGeometry& g, const PhasePlanes& pp) {
    const int Sw = g.stride[2], ew = pp.ext[2], lo_w = pp.lo[2];
    std::vector<int> lo(Sw), hi(Sw);  // per phase along W: plane columns inside the image
    for (int pw = 0; pw < Sw; ++pw) plane_range(lo_w, Sw, pw, g.image[2], ew, lo[pw], hi[pw]);
    for_each_plane_row(g, pp, [&](long plane_row, long image_row) {
        if (image_row < 0) {
            for (int pw = 0; pw < Sw; ++pw)
                std::fill_n(planes + plane_row + pw * pp.plane, ew, 0.0f);
            return;
        }
        const float* src = image + image_row;  // (W,)
        if (Sw == 2) {
            // The stride-2 layers: deinterleave even and odd columns in one pass (the compiler
            // turns it into vector shuffles), padding handled at the two ends.
            float* even = planes + plane_row;
            float* odd = even + pp.plane;
            const int both_lo = std::max(lo[0], lo[1]), both_hi = std::min(hi[0], hi[1]);
            for (int y = 0; y < both_lo; ++y) {
                even[y] = y >= lo[0] && y < hi[0] ? src[(y + lo_w) * 2] : 0.0f;
                odd[y] = y >= lo[1] && y < hi[1] ? src[(y + lo_w) * 2 + 1] : 0.0f;
            }
            const float* pair = src + 2 * lo_w;
            for (int y = both_lo; y < both_hi; ++y) {
                even[y] = pair[2 * y];
                odd[y] = pair[2 * y + 1];
            }
            for (int y = std::max(both_lo, both_hi); y < ew; ++y) {
                even[y] = y >= lo[0] && y < hi[0] ? src[(y + lo_w) * 2] : 0.0f;
                odd[y] = y >= lo[1] && y < hi[1] ? src[(y + lo_w) * 2 + 1] : 0.0f;
            }
            return;
        }
        for (int pw = 0; pw < Sw; ++pw) {
            float* dst = planes + plane_row + pw * pp.plane;  // (ext_w,)
            std::fill(dst, dst + lo[pw], 0.0f);
            for (int y = lo[pw]; y < hi[pw]; ++y) dst[y] = src[(y + lo_w) * Sw + pw];
            std::fill(dst + std::max(lo[pw], hi[pw]), dst + ew, 0.0f);
        }
    });
}

void merge_phases_add(float* image, const float* planes, const ConvGeometry& g,
                      const PhasePlanes& pp) {
    const int Sw = g.stride[2], ew = pp.ext[2];
    std::vector<int> lo(Sw), hi(Sw);  // per phase along W: plane columns inside the image
    for (int pw = 0; pw < Sw; ++pw) plane_range(pp.lo[2], Sw, pw, g.image[2], ew, lo[pw], hi[pw]);
    for_each_plane_row(g, pp, [&](long plane_row, long image_row) {
        if (image_row < 0) return;
        if (Sw == 2) {  // interleave the even and odd planes back in one pass, as in split
            const float* even = planes + plane_row;
            const float* odd = even + pp.plane;
            float* dst = image + image_row;  // (W,): column 2*(y + lo_w) + phase
            const int lo_w = pp.lo[2];
            const int both_lo = std::max(lo[0], lo[1]), both_hi = std::min(hi[0], hi[1]);
            for (int y = both_lo; y < both_hi; ++y) {
                dst[2 * (y + lo_w)] += even[y];
                dst[2 * (y + lo_w) + 1] += odd[y];
            }
            for (int pw = 0; pw < 2; ++pw)  // the ends, where one phase is outside the image
                for (int y = lo[pw]; y < hi[pw]; ++y)
                    if (y < both_lo || y >= both_hi)
                        dst[2 * (y + lo_w) + pw] += planes[plane_row + pw * pp.plane + y];
            return;
        }
        for (int pw = 0; pw < Sw; ++pw) {
            const float* src = planes + plane_row + pw * pp.plane;  // (ext_w,)
            float* dst = image + image_row;                         // (W,)
            for (int y = lo[pw]; y < hi[pw]; ++y) dst[(y + pp.lo[2]) * Sw + pw] += src[y];
        }
    });
}

void pitch_grid(float* pitched, const float* grid, const ConvGeometry& g, const PhasePlanes& pp,
                int row) {
    const int Dg = g.grid[0], Hg = g.grid[1], Wg = g.grid[2];
    const int eh = pp.ext[1], ew = pp.ext[2];
    if (row < pp.positions) row = pp.positions;
    for (long plane = 0; plane < long(g.N) * g.C_grid; ++plane) {
        float* dst = pitched + plane * row;                 // (row,): T positions, then zeros
        const float* src = grid + plane * g.grid_size();  // (Dg, Hg, Wg)
        std::fill(dst, dst + row, 0.0f);
        for (int gd = 0; gd < Dg; ++gd)
            for (int gh = 0; gh < Hg; ++gh)
                std::copy(src + (gd * Hg + gh) * Wg, src + (gd * Hg + gh + 1) * Wg,
                          dst + (gd * eh + gh) * ew);
    }
}

}  // namespace aelab
