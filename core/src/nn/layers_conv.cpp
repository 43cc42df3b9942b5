// Conv2d and ConvTranspose2d layers over the raw conv ops of conv.hpp (im2col/col2im + GEMM).
// Legend: N batch, C_in / C_out channels, H/W input size, kH/kW kernel.
#include <string>

#include "aelab/init.hpp"
#include "aelab/layers.hpp"
#include "aelab/limits.hpp"

namespace aelab {
namespace {

std::string pair_str(const std::array<int, 2>& v) {
    return "(" + std::to_string(v[0]) + ", " + std::to_string(v[1]) + ")";
}

std::vector<int> vec(const std::array<int, 2>& v) { return {v[0], v[1]}; }

void check_sizes(const std::string& name, int in, int out, std::array<int, 2> kernel) {
    if (in < 1 || out < 1 || kernel[0] < 1 || kernel[1] < 1)
        throw Error(name + ": channels and kernel size must be >= 1, got in_channels " +
                    std::to_string(in) + ", out_channels " + std::to_string(out) +
                    ", kernel_size " + pair_str(kernel));
    check_window(name.c_str(), "kernel size", kernel.data(), 2);
    check_elements(name.c_str(), "weight", {in, out, kernel[0], kernel[1]});
}

// Upper bounds of the window parameters (the ops check the lower ones when they run).
template <class P>
void check_windows(const std::string& name, const P& p) {
    check_window(name.c_str(), "stride", p.stride.data(), 2);
    check_window(name.c_str(), "padding", p.padding.data(), 2);
    check_window(name.c_str(), "dilation", p.dilation.data(), 2);
}

// "(N, C, H, W)" check shared by both layers; returns the spatial output or fails.
std::string expected_nchw(int channels) { return "(N, " + std::to_string(channels) + ", H, W)"; }

}  // namespace

// ---- Conv2d --------------------------------------------------------------------------------

Conv2d::Conv2d(int in_channels, int out_channels, std::array<int, 2> kernel, const Conv2dParams& p,
               bool bias)
    : in_(in_channels), out_(out_channels), kernel_(kernel), p_(p), bias_(bias) {
    check_sizes("Conv2d", in_, out_, kernel_);
    check_windows("Conv2d", p_);
}

Conv2d::Conv2d(int in_channels, int out_channels, int kernel, int stride, int padding, bool bias)
    : Conv2d(in_channels, out_channels, {kernel, kernel},
             Conv2dParams{{stride, stride}, {padding, padding}, {1, 1}}, bias) {}

std::string Conv2d::repr() const {
    std::string s = "Conv2d(" + std::to_string(in_) + ", " + std::to_string(out_) +
                    ", kernel_size=" + pair_str(kernel_) + ", stride=" + pair_str(p_.stride);
    if (p_.padding != std::array<int, 2>{0, 0}) s += ", padding=" + pair_str(p_.padding);
    if (p_.dilation != std::array<int, 2>{1, 1}) s += ", dilation=" + pair_str(p_.dilation);
    if (!bias_) s += ", bias=False";
    return s + ")";
}

LayerConfig Conv2d::config() const {
    LayerConfig c("Conv2d");
    c.set("in_channels", in_).set("out_channels", out_).set("kernel_size", vec(kernel_));
    c.set("stride", vec(p_.stride)).set("padding", vec(p_.padding)).set("dilation", vec(p_.dilation));
    return c.set("bias", bias_);
}

std::vector<ParamSpec> Conv2d::param_specs() const {
    std::vector<ParamSpec> s{{"weight", {std::size_t(out_), std::size_t(in_), std::size_t(kernel_[0]),
                                         std::size_t(kernel_[1])}}};
    if (bias_) s.push_back({"bias", {std::size_t(out_)}});
    return s;
}

void Conv2d::reset_parameters(Rng& rng) {
    const auto s = param_specs();
    default_init(params_, s[0].shape, bias_ ? params_ + s[0].size() : nullptr, std::size_t(out_), rng);
}

Shape Conv2d::output_shape(const Shape& in) const {
    if (in.size() != 4 || in[1] != std::size_t(in_))
        fail("input must have shape " + expected_nchw(in_) + ", got " + shape_str(in));
    const std::int64_t ho = conv_output_size(int(in[2]), kernel_[0], p_.stride[0], p_.padding[0], p_.dilation[0]);
    const std::int64_t wo = conv_output_size(int(in[3]), kernel_[1], p_.stride[1], p_.padding[1], p_.dilation[1]);
    if (ho < 1 || wo < 1)
        fail("input " + shape_str(in) + " is smaller than the (dilated) kernel: output would be " +
             std::to_string(ho) + "x" + std::to_string(wo));
    return {in[0], std::size_t(out_), std::size_t(ho), std::size_t(wo)};
}

Tensor Conv2d::forward(const Tensor& x) {
    Tensor y = uninitialized(begin_forward(x));  // (N, C_out, H_out, W_out)
    const float* w = params_;            // (C_out, C_in, kH, kW)
    const float* b = bias_ ? params_ + param_specs()[0].size() : nullptr;  // (C_out)
    conv2d_forward(y.data(), x.data(), w, b, dim(x, 0), in_, dim(x, 2), dim(x, 3), out_, kernel_[0],
                   kernel_[1], p_);
    return y;
}

Tensor Conv2d::backward(const Tensor& d_out) {
    Tensor d_x = begin_backward(d_out);  // (N, C_in, H, W)
    backward_into(d_x.data(), d_out);
    return d_x;
}
void Conv2d::backward_params(const Tensor& d_out) {
    check_backward(d_out);
    backward_into(nullptr, d_out);
}
void Conv2d::backward_into(float* d_x, const Tensor& d_out) {
    const std::size_t w_size = param_specs()[0].size();
    conv2d_backward(d_x, grads_, bias_ ? grads_ + w_size : nullptr, d_out.data(), input_.data(),
                    params_, dim(input_, 0), in_, dim(input_, 2), dim(input_, 3), out_,
                    kernel_[0], kernel_[1], p_);
}

// ---- ConvTranspose2d -----------------------------------------------------------------------

ConvTranspose2d::ConvTranspose2d(int in_channels, int out_channels, std::array<int, 2> kernel,
                                 const ConvTranspose2dParams& p, bool bias)
    : in_(in_channels), out_(out_channels), kernel_(kernel), p_(p), bias_(bias) {
    check_sizes("ConvTranspose2d", in_, out_, kernel_);
    check_windows("ConvTranspose2d", p_);
    check_window("ConvTranspose2d", "output padding", p_.output_padding.data(), 2);
}

ConvTranspose2d::ConvTranspose2d(int in_channels, int out_channels, int kernel, int stride,
                                 int padding, int output_padding, bool bias)
    : ConvTranspose2d(in_channels, out_channels, {kernel, kernel},
                      ConvTranspose2dParams{{stride, stride},
                                            {padding, padding},
                                            {output_padding, output_padding},
                                            {1, 1}},
                      bias) {}

std::string ConvTranspose2d::repr() const {
    std::string s = "ConvTranspose2d(" + std::to_string(in_) + ", " + std::to_string(out_) +
                    ", kernel_size=" + pair_str(kernel_) + ", stride=" + pair_str(p_.stride);
    if (p_.padding != std::array<int, 2>{0, 0}) s += ", padding=" + pair_str(p_.padding);
    if (p_.output_padding != std::array<int, 2>{0, 0})
        s += ", output_padding=" + pair_str(p_.output_padding);
    if (p_.dilation != std::array<int, 2>{1, 1}) s += ", dilation=" + pair_str(p_.dilation);
    if (!bias_) s += ", bias=False";
    return s + ")";
}

LayerConfig ConvTranspose2d::config() const {
    LayerConfig c("ConvTranspose2d");
    c.set("in_channels", in_).set("out_channels", out_).set("kernel_size", vec(kernel_));
    c.set("stride", vec(p_.stride)).set("padding", vec(p_.padding));
    c.set("output_padding", vec(p_.output_padding)).set("dilation", vec(p_.dilation));
    return c.set("bias", bias_);
}

std::vector<ParamSpec> ConvTranspose2d::param_specs() const {
    std::vector<ParamSpec> s{{"weight", {std::size_t(in_), std::size_t(out_), std::size_t(kernel_[0]),
                                         std::size_t(kernel_[1])}}};
    if (bias_) s.push_back({"bias", {std::size_t(out_)}});
    return s;
}

void ConvTranspose2d::reset_parameters(Rng& rng) {
    // compute_fans reads axis 1 (C_out) as fan_in here, exactly as torch does for this layer.
    const auto s = param_specs();
    default_init(params_, s[0].shape, bias_ ? params_ + s[0].size() : nullptr, std::size_t(out_), rng);
}

Shape ConvTranspose2d::output_shape(const Shape& in) const {
    if (in.size() != 4 || in[1] != std::size_t(in_))
        fail("input must have shape " + expected_nchw(in_) + ", got " + shape_str(in));
    std::int64_t hw[2];
    for (int a = 0; a < 2; ++a)
        hw[a] = conv_transpose_output_size(int(in[2 + std::size_t(a)]), kernel_[a], p_.stride[a],
                                           p_.padding[a], p_.output_padding[a], p_.dilation[a]);
    if (hw[0] < 1 || hw[1] < 1)
        fail("output for input " + shape_str(in) + " would be empty (" + std::to_string(hw[0]) +
             "x" + std::to_string(hw[1]) + "): padding too large");
    return {in[0], std::size_t(out_), std::size_t(hw[0]), std::size_t(hw[1])};
}

Tensor ConvTranspose2d::forward(const Tensor& x) {
    Tensor y = uninitialized(begin_forward(x));  // (N, C_out, H_out, W_out)
    const float* w = params_;            // (C_in, C_out, kH, kW)
    const float* b = bias_ ? params_ + param_specs()[0].size() : nullptr;  // (C_out)
    conv_transpose2d_forward(y.data(), x.data(), w, b, dim(x, 0), in_, dim(x, 2), dim(x, 3), out_,
                             kernel_[0], kernel_[1], p_);
    return y;
}

Tensor ConvTranspose2d::backward(const Tensor& d_out) {
    Tensor d_x = begin_backward(d_out);  // (N, C_in, H, W)
    backward_into(d_x.data(), d_out);
    return d_x;
}
void ConvTranspose2d::backward_params(const Tensor& d_out) {
    check_backward(d_out);
    backward_into(nullptr, d_out);
}
void ConvTranspose2d::backward_into(float* d_x, const Tensor& d_out) {
    const std::size_t w_size = param_specs()[0].size();
    conv_transpose2d_backward(d_x, grads_, bias_ ? grads_ + w_size : nullptr, d_out.data(),
                              input_.data(), params_, dim(input_, 0), in_, dim(input_, 2),
                              dim(input_, 3), out_, kernel_[0], kernel_[1], p_);
}

}  // namespace aelab
