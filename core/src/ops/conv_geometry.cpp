// Convolution geometry: validation, output sizes, im2col and its adjoint col2im.
// Legend: see conv_geometry.hpp (image / grid sides, axes (D, H, W)).
#include "conv_geometry.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "aelab/conv.hpp"
#include "aelab/error.hpp"

namespace aelab {

int conv_output_size(int in, int kernel, int stride, int padding, int dilation) {
    const int span = in + 2 * padding - dilation * (kernel - 1) - 1;
    // Floor division, as torch does; a negative span means not even one window fits.
    return span < 0 ? 0 : span / stride + 1;
}

int conv_transpose_output_size(int in, int kernel, int stride, int padding, int output_padding,
                               int dilation) {
    return (in - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1;
}

namespace {

std::string tuple_str(const int* v, int n) {
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
    g.N = N;
    for (int a = 0; a < dims; ++a) {
        const int axis = 3 - dims + a;
        g.kernel[axis] = kernel[a];
        g.stride[axis] = stride[a];
        g.padding[axis] = padding[a];
        g.dilation[axis] = dilation[a];
    }
}

}  // namespace

ConvGeometry conv_geometry(const char* op, int dims, int N, int C_in, const int* in, int C_out,
                           const int* kernel, const int* stride, const int* padding,
                           const int* dilation) {
    ConvGeometry g;
    fill_common(g, op, dims, N, C_in, in, C_out, kernel, stride, padding, dilation);
    g.C_img = C_in;
    g.C_grid = C_out;
    int out[3];
    for (int a = 0; a < dims; ++a) {
        out[a] = conv_output_size(in[a], kernel[a], stride[a], padding[a], dilation[a]);
        g.image[3 - dims + a] = in[a];
        g.grid[3 - dims + a] = out[a];
    }
    for (int a = 0; a < dims; ++a)
        if (out[a] < 1)
            throw Error(std::string(op) + ": output would be empty: input size " +
                        tuple_str(in, dims) + " with kernel " + tuple_str(kernel, dims) +
                        ", stride " + tuple_str(stride, dims) + ", padding " +
                        tuple_str(padding, dims) + ", dilation " + tuple_str(dilation, dims) +
                        " gives output size " + tuple_str(out, dims));
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
    int out[3];
    for (int a = 0; a < dims; ++a) {
        out[a] = conv_transpose_output_size(in[a], kernel[a], stride[a], padding[a],
                                            output_padding[a], dilation[a]);
        g.image[3 - dims + a] = out[a];
        g.grid[3 - dims + a] = in[a];
    }
    for (int a = 0; a < dims; ++a)
        if (out[a] < 1)
            throw Error(std::string(op) + ": output would be empty: input size " +
                        tuple_str(in, dims) + " with kernel " + tuple_str(kernel, dims) +
                        ", stride " + tuple_str(stride, dims) + ", padding " +
                        tuple_str(padding, dims) + ", output_padding " +
                        tuple_str(output_padding, dims) + ", dilation " +
                        tuple_str(dilation, dims) + " gives output size " + tuple_str(out, dims));
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

// Grid positions g in [0, n_grid) whose image coordinate g*stride + offset lies in
// [0, n_image): the half-open range [lo, hi) (empty when lo >= hi).
void valid_range(int offset, int stride, int n_image, int n_grid, int& lo, int& hi) {
    lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
    const int last = n_image - 1 - offset;  // g*stride <= last
    hi = last < 0 ? 0 : std::min(n_grid, last / stride + 1);
    lo = std::min(lo, hi);
}

// Walks every (row of col, grid row (gd, gh)) pair and hands `visit` the start of the image
// row, the offset of kw along it and the valid range of gw, so im2col and col2im share one
// traversal and cannot disagree.
template <class Visit>
void for_each_col_row(const ConvGeometry& g, Visit visit) {
    const int Dg = g.grid[0], Hg = g.grid[1], Wg = g.grid[2];
    const int Di = g.image[0], Hi = g.image[1], Wi = g.image[2];
    int row = 0;
    for (int c = 0; c < g.C_img; ++c)
        for (int kd = 0; kd < g.kernel[0]; ++kd)
            for (int kh = 0; kh < g.kernel[1]; ++kh)
                for (int kw = 0; kw < g.kernel[2]; ++kw, ++row) {
                    const int off_d = kd * g.dilation[0] - g.padding[0];
                    const int off_h = kh * g.dilation[1] - g.padding[1];
                    const int off_w = kw * g.dilation[2] - g.padding[2];
                    int w_lo, w_hi;
                    valid_range(off_w, g.stride[2], Wi, Wg, w_lo, w_hi);
                    for (int gd = 0; gd < Dg; ++gd) {
                        const int id = gd * g.stride[0] + off_d;
                        for (int gh = 0; gh < Hg; ++gh) {
                            const int ih = gh * g.stride[1] + off_h;
                            const int col_offset = (row * Dg + gd) * Hg * Wg + gh * Wg;
                            const bool inside = id >= 0 && id < Di && ih >= 0 && ih < Hi;
                            // image[c, id, ih, :] when inside; a row outside is all zeros
                            const long image_row =
                                inside ? ((long(c) * Di + id) * Hi + ih) * Wi : 0;
                            visit(col_offset, image_row, off_w, inside ? w_lo : 0,
                                  inside ? w_hi : 0, Wg, g.stride[2]);
                        }
                    }
                }
}

}  // namespace

void im2col(float* col, const float* image, const ConvGeometry& g) {
    for_each_col_row(g,
                     [&](int col_offset, long image_row, int off, int lo, int hi, int Wg, int s) {
                         float* dst = col + col_offset;
                         const float* src = image + image_row;
                         for (int w = 0; w < lo; ++w) dst[w] = 0.0f;
                         if (s == 1) {
                             if (hi > lo)
                                 std::memcpy(dst + lo, src + lo + off, sizeof(float) * (hi - lo));
                         } else {
                             for (int w = lo; w < hi; ++w) dst[w] = src[w * s + off];
                         }
                         for (int w = std::max(lo, hi); w < Wg; ++w) dst[w] = 0.0f;
                     });
}

void col2im_add(float* image, const float* col, const ConvGeometry& g) {
    for_each_col_row(g, [&](int col_offset, long image_row, int off, int lo, int hi, int, int s) {
        const float* src = col + col_offset;
        float* dst = image + image_row;
        for (int w = lo; w < hi; ++w) dst[w * s + off] += src[w];
    });
}

}  // namespace aelab
