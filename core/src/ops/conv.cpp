// The convolution ops of conv.hpp. The raw layer makes each op's geometry and hands it to the
// op that picks the engines (conv_engines.hpp, dispatch.cpp). The Tensor layer checks shapes
// with clear messages, then does the same: one template per direction serves all five ops; a
// traits struct per params type says how many spatial axes the op has and how its weight is
// laid out. The scalar twins (*_ref) are in conv_ref.cpp.
#include <string>

#include "aelab/conv.hpp"
#include "conv_engines.hpp"

namespace aelab {

// ---- raw layer: geometry + the ops that pick the engines -------------------------------------

void conv1d_forward(float* out, const float* in, const float* weight, const float* bias, int N,
                    int C_in, int L, int C_out, int K, const Conv1dParams& p) {
    conv_forward(make_geometry("conv1d", N, C_in, L, C_out, K, p), out, in, weight, bias);
}
void conv1d_backward(float* d_in, float* d_weight, float* d_bias, const float* d_out,
                     const float* in, const float* weight, int N, int C_in, int L, int C_out, int K,
                     const Conv1dParams& p) {
    conv_backward(make_geometry("conv1d_backward", N, C_in, L, C_out, K, p), d_in, d_weight, d_bias,
                  d_out, in, weight);
}

void conv2d_forward(float* out, const float* in, const float* weight, const float* bias, int N,
                    int C_in, int H, int W, int C_out, int kH, int kW, const Conv2dParams& p) {
    conv_forward(make_geometry("conv2d", N, C_in, H, W, C_out, kH, kW, p), out, in, weight, bias);
}
void conv2d_backward(float* d_in, float* d_weight, float* d_bias, const float* d_out,
                     const float* in, const float* weight, int N, int C_in, int H, int W, int C_out,
                     int kH, int kW, const Conv2dParams& p) {
    conv_backward(make_geometry("conv2d_backward", N, C_in, H, W, C_out, kH, kW, p), d_in, d_weight,
                  d_bias, d_out, in, weight);
}

void conv3d_forward(float* out, const float* in, const float* weight, const float* bias, int N,
                    int C_in, int D, int H, int W, int C_out, int kD, int kH, int kW,
                    const Conv3dParams& p) {
    conv_forward(make_geometry("conv3d", N, C_in, D, H, W, C_out, kD, kH, kW, p), out, in, weight,
                 bias);
}
void conv3d_backward(float* d_in, float* d_weight, float* d_bias, const float* d_out,
                     const float* in, const float* weight, int N, int C_in, int D, int H, int W,
                     int C_out, int kD, int kH, int kW, const Conv3dParams& p) {
    conv_backward(make_geometry("conv3d_backward", N, C_in, D, H, W, C_out, kD, kH, kW, p), d_in,
                  d_weight, d_bias, d_out, in, weight);
}

void conv_transpose1d_forward(float* out, const float* in, const float* weight, const float* bias,
                              int N, int C_in, int L, int C_out, int K,
                              const ConvTranspose1dParams& p) {
    conv_transpose_forward(make_geometry("conv_transpose1d", N, C_in, L, C_out, K, p), out, in,
                           weight, bias);
}
void conv_transpose1d_backward(float* d_in, float* d_weight, float* d_bias, const float* d_out,
                               const float* in, const float* weight, int N, int C_in, int L,
                               int C_out, int K, const ConvTranspose1dParams& p) {
    conv_transpose_backward(make_geometry("conv_transpose1d_backward", N, C_in, L, C_out, K, p),
                            d_in, d_weight, d_bias, d_out, in, weight);
}

void conv_transpose2d_forward(float* out, const float* in, const float* weight, const float* bias,
                              int N, int C_in, int H, int W, int C_out, int kH, int kW,
                              const ConvTranspose2dParams& p) {
    conv_transpose_forward(make_geometry("conv_transpose2d", N, C_in, H, W, C_out, kH, kW, p), out,
                           in, weight, bias);
}
void conv_transpose2d_backward(float* d_in, float* d_weight, float* d_bias, const float* d_out,
                               const float* in, const float* weight, int N, int C_in, int H, int W,
                               int C_out, int kH, int kW, const ConvTranspose2dParams& p) {
    conv_transpose_backward(
        make_geometry("conv_transpose2d_backward", N, C_in, H, W, C_out, kH, kW, p), d_in, d_weight,
        d_bias, d_out, in, weight);
}

// ---- Tensor layer ------------------------------------------------------------------------

namespace {

template <class P>
struct ConvTraits;
template <>
struct ConvTraits<Conv1dParams> {
    static constexpr int dims = 1;
    static constexpr bool transposed = false;
    static constexpr const char* input_layout = "N, C_in, L";
    static constexpr const char* weight_layout = "C_out, C_in, K";
    static ConvGeometry geometry(const char* op, const Tensor& x, const Tensor& w,
                                 const Conv1dParams& p) {
        return make_geometry(op, dim(x, 0), dim(x, 1), dim(x, 2), dim(w, 0), dim(w, 2), p);
    }
};
template <>
struct ConvTraits<Conv2dParams> {
    static constexpr int dims = 2;
    static constexpr bool transposed = false;
    static constexpr const char* input_layout = "N, C_in, H, W";
    static constexpr const char* weight_layout = "C_out, C_in, kH, kW";
    static ConvGeometry geometry(const char* op, const Tensor& x, const Tensor& w,
                                 const Conv2dParams& p) {
        return make_geometry(op, dim(x, 0), dim(x, 1), dim(x, 2), dim(x, 3), dim(w, 0), dim(w, 2),
                             dim(w, 3), p);
    }
};
template <>
struct ConvTraits<Conv3dParams> {
    static constexpr int dims = 3;
    static constexpr bool transposed = false;
    static constexpr const char* input_layout = "N, C_in, D, H, W";
    static constexpr const char* weight_layout = "C_out, C_in, kD, kH, kW";
    static ConvGeometry geometry(const char* op, const Tensor& x, const Tensor& w,
                                 const Conv3dParams& p) {
        return make_geometry(op, dim(x, 0), dim(x, 1), dim(x, 2), dim(x, 3), dim(x, 4), dim(w, 0),
                             dim(w, 2), dim(w, 3), dim(w, 4), p);
    }
};
template <>
struct ConvTraits<ConvTranspose1dParams> {
    static constexpr int dims = 1;
    static constexpr bool transposed = true;
    static constexpr const char* input_layout = "N, C_in, L";
    static constexpr const char* weight_layout = "C_in, C_out, K";
    static ConvGeometry geometry(const char* op, const Tensor& x, const Tensor& w,
                                 const ConvTranspose1dParams& p) {
        return make_geometry(op, dim(x, 0), dim(x, 1), dim(x, 2), dim(w, 1), dim(w, 2), p);
    }
};
template <>
struct ConvTraits<ConvTranspose2dParams> {
    static constexpr int dims = 2;
    static constexpr bool transposed = true;
    static constexpr const char* input_layout = "N, C_in, H, W";
    static constexpr const char* weight_layout = "C_in, C_out, kH, kW";
    static ConvGeometry geometry(const char* op, const Tensor& x, const Tensor& w,
                                 const ConvTranspose2dParams& p) {
        return make_geometry(op, dim(x, 0), dim(x, 1), dim(x, 2), dim(x, 3), dim(w, 1), dim(w, 2),
                             dim(w, 3), p);
    }
};

template <class P>
ConvGeometry check_conv(const char* op, const Tensor& x, const Tensor& w, const Tensor* bias,
                        const P& p) {
    using T = ConvTraits<P>;
    check_rank(op, "input", x, T::dims + 2, T::input_layout);
    check_rank(op, "weight", w, T::dims + 2, T::weight_layout);
    Shape expected_w(T::dims + 2, 0);  // 0: any size
    expected_w[T::transposed ? 0 : 1] = x.shape()[1];
    check_shape(op, "weight", w, expected_w);
    if (bias) check_shape(op, "bias", *bias, {w.shape()[T::transposed ? 1 : 0]});
    return T::geometry(op, x, w, p);
}

// (N, C_out, out...): the grid side for conv, the image side for transposed conv.
Shape output_shape(const ConvGeometry& g, int dims, bool transposed) {
    Shape s{std::size_t(g.N), std::size_t(transposed ? g.C_img : g.C_grid)};
    for (int a = 3 - dims; a < 3; ++a)
        s.push_back(std::size_t(transposed ? g.image[a] : g.grid[a]));
    return s;
}

template <class P>
Tensor conv_any(const char* op, const Tensor& x, const Tensor& w, const Tensor* bias, const P& p) {
    using T = ConvTraits<P>;
    const ConvGeometry g = check_conv(op, x, w, bias, p);
    Tensor y = zeros(output_shape(g, T::dims, T::transposed));  // (N, C_out, out...)
    const float* b = bias ? bias->data() : nullptr;
    if (T::transposed)
        conv_transpose_forward(g, y.data(), x.data(), w.data(), b);
    else
        conv_forward(g, y.data(), x.data(), w.data(), b);
    return y;
}

template <class P>
void conv_any_backward(const char* op, Tensor* d_x, Tensor* d_w, Tensor* d_bias,
                       const Tensor& d_out, const Tensor& x, const Tensor& w, const P& p) {
    using T = ConvTraits<P>;
    const ConvGeometry g = check_conv(op, x, w, nullptr, p);
    check_shape(op, "d_out", d_out, output_shape(g, T::dims, T::transposed));
    if (d_x) check_shape(op, "d_x", *d_x, Shape(x.shape().begin(), x.shape().end()));
    if (d_w) check_shape(op, "d_w", *d_w, Shape(w.shape().begin(), w.shape().end()));
    if (d_bias) check_shape(op, "d_bias", *d_bias, {w.shape()[T::transposed ? 1 : 0]});
    float* dx = d_x ? d_x->data() : nullptr;
    float* dw = d_w ? d_w->data() : nullptr;
    float* db = d_bias ? d_bias->data() : nullptr;
    if (T::transposed)
        conv_transpose_backward(g, dx, dw, db, d_out.data(), x.data(), w.data());
    else
        conv_backward(g, dx, dw, db, d_out.data(), x.data(), w.data());
}

}  // namespace

Tensor conv1d(const Tensor& x, const Tensor& w, const Tensor* bias, const Conv1dParams& p) {
    return conv_any("conv1d", x, w, bias, p);
}
void conv1d_backward(Tensor* d_x, Tensor* d_w, Tensor* d_bias, const Tensor& d_out, const Tensor& x,
                     const Tensor& w, const Conv1dParams& p) {
    conv_any_backward("conv1d_backward", d_x, d_w, d_bias, d_out, x, w, p);
}
Tensor conv2d(const Tensor& x, const Tensor& w, const Tensor* bias, const Conv2dParams& p) {
    return conv_any("conv2d", x, w, bias, p);
}
void conv2d_backward(Tensor* d_x, Tensor* d_w, Tensor* d_bias, const Tensor& d_out, const Tensor& x,
                     const Tensor& w, const Conv2dParams& p) {
    conv_any_backward("conv2d_backward", d_x, d_w, d_bias, d_out, x, w, p);
}
Tensor conv3d(const Tensor& x, const Tensor& w, const Tensor* bias, const Conv3dParams& p) {
    return conv_any("conv3d", x, w, bias, p);
}
void conv3d_backward(Tensor* d_x, Tensor* d_w, Tensor* d_bias, const Tensor& d_out, const Tensor& x,
                     const Tensor& w, const Conv3dParams& p) {
    conv_any_backward("conv3d_backward", d_x, d_w, d_bias, d_out, x, w, p);
}
Tensor conv_transpose1d(const Tensor& x, const Tensor& w, const Tensor* bias,
                        const ConvTranspose1dParams& p) {
    return conv_any("conv_transpose1d", x, w, bias, p);
}
void conv_transpose1d_backward(Tensor* d_x, Tensor* d_w, Tensor* d_bias, const Tensor& d_out,
                               const Tensor& x, const Tensor& w, const ConvTranspose1dParams& p) {
    conv_any_backward("conv_transpose1d_backward", d_x, d_w, d_bias, d_out, x, w, p);
}
Tensor conv_transpose2d(const Tensor& x, const Tensor& w, const Tensor* bias,
                        const ConvTranspose2dParams& p) {
    return conv_any("conv_transpose2d", x, w, bias, p);
}
void conv_transpose2d_backward(Tensor* d_x, Tensor* d_w, Tensor* d_bias, const Tensor& d_out,
                               const Tensor& x, const Tensor& w, const ConvTranspose2dParams& p) {
    conv_any_backward("conv_transpose2d_backward", d_x, d_w, d_bias, d_out, x, w, p);
}

}  // namespace aelab
