// MaxPool2d, MaxUnpool2d and UpsampleNearest2d layers over pool.hpp. The unpool layer reads
// the switches (max indices) of its paired pool, the way an encoder's pooling tells the
// decoder where each maximum came from; the upsampling layer needs no partner.
// Legend: N batch, C channels, H/W input size, H_out/W_out output size, s_h/s_w scale factors.
#include <climits>
#include <cstdio>
#include <string>

#include "aelab/layers.hpp"
#include "aelab/limits.hpp"

namespace aelab {
namespace {

std::string pair_str(const std::array<int, 2>& v) {
    return "(" + std::to_string(v[0]) + ", " + std::to_string(v[1]) + ")";
}
std::vector<int> vec(const std::array<int, 2>& v) { return {v[0], v[1]}; }

}  // namespace

// ---- MaxPool2d -----------------------------------------------------------------------------

MaxPool2d::MaxPool2d(const MaxPool2dParams& p) : p_(p) {
    for (int a = 0; a < 2; ++a)
        if (p_.kernel[a] < 1 || p_.stride[a] < 1 || p_.padding[a] < 0 || p_.dilation[a] < 1)
            throw Error("MaxPool2d: kernel, stride and dilation must be >= 1 and padding >= 0, got " +
                        repr());
    check_window("MaxPool2d", "kernel size", p_.kernel.data(), 2);
    check_window("MaxPool2d", "stride", p_.stride.data(), 2);
    check_window("MaxPool2d", "padding", p_.padding.data(), 2);
    check_window("MaxPool2d", "dilation", p_.dilation.data(), 2);
}

MaxPool2d::MaxPool2d(int kernel, int stride)
    : MaxPool2d(MaxPool2dParams{{kernel, kernel}, {stride, stride}, {0, 0}, {1, 1}}) {}

std::string MaxPool2d::repr() const {
    std::string s = "MaxPool2d(kernel_size=" + pair_str(p_.kernel) + ", stride=" + pair_str(p_.stride);
    if (p_.padding != std::array<int, 2>{0, 0}) s += ", padding=" + pair_str(p_.padding);
    if (p_.dilation != std::array<int, 2>{1, 1}) s += ", dilation=" + pair_str(p_.dilation);
    return s + ")";
}

LayerConfig MaxPool2d::config() const {
    LayerConfig c("MaxPool2d");
    c.set("kernel_size", vec(p_.kernel)).set("stride", vec(p_.stride));
    return c.set("padding", vec(p_.padding)).set("dilation", vec(p_.dilation));
}

Shape MaxPool2d::output_shape(const Shape& in) const {
    if (in.size() != 4) fail("input must have shape (N, C, H, W), got " + shape_str(in));
    std::int64_t hw[2];
    for (int a = 0; a < 2; ++a)  // torch's max_pool2d size is the conv formula (floor mode)
        hw[a] = conv_output_size(int(in[2 + std::size_t(a)]), p_.kernel[a], p_.stride[a],
                                 p_.padding[a], p_.dilation[a]);
    if (hw[0] < 1 || hw[1] < 1)
        fail("input " + shape_str(in) + " is smaller than the pooling window: output would be " +
             std::to_string(hw[0]) + "x" + std::to_string(hw[1]));
    return {in[0], in[1], std::size_t(hw[0]), std::size_t(hw[1])};
}

Tensor MaxPool2d::forward(const Tensor& x) {
    begin_forward(x);
    MaxPool2dResult r = max_pool2d(x, p_);  // out, indices (N, C, H_out, W_out)
    indices_ = std::move(r.indices);
    return std::move(r.out);
}

Tensor MaxPool2d::backward(const Tensor& d_out) {
    Tensor d_x = begin_backward(d_out);  // (N, C, H, W)
    max_pool2d_backward(d_x, d_out, indices_);
    return d_x;
}

// ---- MaxUnpool2d ---------------------------------------------------------------------------

MaxUnpool2d::MaxUnpool2d(const MaxPool2d& pool, std::size_t pool_index,
                         std::array<int, 2> output_size)
    : pool_(pool), pool_index_(pool_index), output_size_(output_size) {}

std::string MaxUnpool2d::repr() const {
    std::string s = "MaxUnpool2d(kernel_size=" + pair_str(pool_.params().kernel) +
                    ", stride=" + pair_str(pool_.params().stride);
    if (pool_.params().padding != std::array<int, 2>{0, 0})
        s += ", padding=" + pair_str(pool_.params().padding);
    if (output_size_ != std::array<int, 2>{0, 0}) s += ", output_size=" + pair_str(output_size_);
    return s + ", indices=layer " + std::to_string(pool_index_) + ")";
}

LayerConfig MaxUnpool2d::config() const {
    return LayerConfig("MaxUnpool2d").set("pool", int(pool_index_)).set("output_size", vec(output_size_));
}

Shape MaxUnpool2d::output_shape(const Shape& in) const {
    if (in.size() != 4) fail("input must have shape (N, C, H, W), got " + shape_str(in));
    const MaxPool2dParams& p = pool_.params();
    int hw[2];
    for (int a = 0; a < 2; ++a) {
        hw[a] = output_size_[a] > 0 ? output_size_[a]
                                    : (int(in[2 + std::size_t(a)]) - 1) * p.stride[a] -
                                          2 * p.padding[a] + p.kernel[a];
        if (hw[a] < 1) fail("output for input " + shape_str(in) + " would be empty");
    }
    return {in[0], in[1], std::size_t(hw[0]), std::size_t(hw[1])};
}

Tensor MaxUnpool2d::forward(const Tensor& x) {
    const Shape out = begin_forward(x);
    const Shape in(x.shape().begin(), x.shape().end());
    const bool pool_ran = pool_.indices().dimension() == 4;  // a default xarray is 0-D
    if (!pool_ran || shape_of(pool_.indices()) != in)
        fail("input must have the shape of the paired pool's last output (layer " +
             std::to_string(pool_index_) + ", " + pool_.repr() + ": " +
             (!pool_ran ? std::string("not run yet") : shape_str(pool_.indices().shape())) +
             "), got " + shape_str(in));
    indices_ = pool_.indices();
    const MaxPool2dParams& pp = pool_.params();
    MaxUnpool2dParams p{pp.kernel, pp.stride, pp.padding, {int(out[2]), int(out[3])}};
    return max_unpool2d(x, indices_, p);
}

Tensor MaxUnpool2d::backward(const Tensor& d_out) {
    Tensor d_x = begin_backward(d_out);  // (N, C, H, W)
    max_unpool2d_backward(d_x, d_out, indices_);
    return d_x;
}

// ---- UpsampleNearest2d ---------------------------------------------------------------------

UpsampleNearest2d::UpsampleNearest2d(std::array<int, 2> scale) : scale_(scale) {
    if (scale_[0] < 1 || scale_[1] < 1)
        throw Error("UpsampleNearest2d: scale factors must be >= 1, got " + pair_str(scale_));
    check_window("UpsampleNearest2d", "scale factor", scale_.data(), 2);
}

std::string UpsampleNearest2d::repr() const {
    // torch prints the factors as floats: "2.0", or "(2.0, 3.0)" when they differ.
    char buf[96];
    if (scale_[0] == scale_[1])
        std::snprintf(buf, sizeof buf, "Upsample(scale_factor=%d.0, mode=nearest)", scale_[0]);
    else
        std::snprintf(buf, sizeof buf, "Upsample(scale_factor=(%d.0, %d.0), mode=nearest)",
                      scale_[0], scale_[1]);
    return buf;
}

LayerConfig UpsampleNearest2d::config() const {
    return LayerConfig("UpsampleNearest2d").set("scale_factor", vec(scale_));
}

Shape UpsampleNearest2d::output_shape(const Shape& in) const {
    if (in.size() != 4) fail("input must have shape (N, C, H, W), got " + shape_str(in));
    Shape out = in;
    for (std::size_t a = 0; a < 2; ++a) {
        if (in[2 + a] == 0) fail("input must have no empty axis, got " + shape_str(in));
        out[2 + a] = in[2 + a] * std::size_t(scale_[a]);
        if (out[2 + a] > std::size_t(INT_MAX))
            fail("input " + shape_str(in) + " would give an output of more than 2^31 rows or columns");
    }
    return out;
}

Tensor UpsampleNearest2d::forward(const Tensor& x) {
    begin_forward(x);
    return upsample_nearest2d(x, scale_[0], scale_[1]);  // (N, C, H*s_h, W*s_w)
}

Tensor UpsampleNearest2d::backward(const Tensor& d_out) {
    Tensor d_x = begin_backward(d_out);  // (N, C, H, W)
    upsample_nearest2d_backward(d_x, d_out, scale_[0], scale_[1]);
    return d_x;
}

}  // namespace aelab
