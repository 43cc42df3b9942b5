// BatchNorm2d and Dropout, the CNN lecture's training tricks, over norm.hpp's raw ops. Both
// behave differently in training and evaluation mode (Layer::set_training).
// Legend: N batch, C channels (num_features), H/W spatial.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "aelab/layers.hpp"
#include "aelab/limits.hpp"
#include "aelab/norm.hpp"

namespace aelab {

// ---- BatchNorm2d ---------------------------------------------------------------------------

BatchNorm2d::BatchNorm2d(int num_features, float eps, float momentum, bool affine)
    : features_(num_features), eps_(eps), momentum_(momentum), affine_(affine) {
    if (features_ < 1 || !(eps_ > 0.0f) || !(momentum_ >= 0.0f && momentum_ <= 1.0f))
        throw Error("BatchNorm2d: num_features must be >= 1, eps > 0 and momentum in [0, 1], got " +
                    repr());
    check_elements("BatchNorm2d", "num_features", features_);
    mean_.resize(std::size_t(features_));
    invstd_.resize(std::size_t(features_));
}

std::string BatchNorm2d::repr() const {
    char buf[160];
    std::snprintf(buf, sizeof buf,
                  "BatchNorm2d(%d, eps=%g, momentum=%g, affine=%s, track_running_stats=True)",
                  features_, double(eps_), double(momentum_), affine_ ? "True" : "False");
    return buf;
}

LayerConfig BatchNorm2d::config() const {
    return LayerConfig("BatchNorm2d")
        .set("num_features", features_)
        .set("eps", eps_)
        .set("momentum", momentum_)
        .set("affine", affine_);
}

std::vector<ParamSpec> BatchNorm2d::param_specs() const {
    if (!affine_) return {};
    const std::size_t C = std::size_t(features_);
    return {{"weight", {C}}, {"bias", {C}}};
}

// torch: gamma = 1, beta = 0 (no random draw, so the Rng stream of later layers is untouched).
void BatchNorm2d::reset_parameters(Rng&) {
    if (!affine_) return;
    std::fill(params_, params_ + features_, 1.0f);
    std::fill(params_ + features_, params_ + 2 * features_, 0.0f);
}

std::vector<ParamSpec> BatchNorm2d::buffer_specs() const {
    const std::size_t C = std::size_t(features_);
    return {{"running_mean", {C}}, {"running_var", {C}}};
}

void BatchNorm2d::reset_buffers() {
    std::fill(buffers_, buffers_ + features_, 0.0f);
    std::fill(buffers_ + features_, buffers_ + 2 * features_, 1.0f);
}

Shape BatchNorm2d::output_shape(const Shape& in) const {
    if (in.size() != 4 || in[1] != std::size_t(features_))
        fail("input must have shape (N, " + std::to_string(features_) + ", H, W), got " +
             shape_str(in));
    return in;
}

Tensor BatchNorm2d::forward(const Tensor& x) {
    const Shape shape = shape_of(x);
    const std::size_t per_channel = output_shape(shape)[0] * shape[2] * shape[3];
    if (training() && per_channel < 2)  // the batch variance of one value is 0: nothing to learn
        fail("training needs more than one value per channel, got input " + shape_str(shape) +
             " (use a larger batch, or evaluation mode)");
    Tensor y = uninitialized(begin_forward(x));  // (N, C, H, W)
    const int N = dim(x, 0), C = features_, H = dim(x, 2), W = dim(x, 3);
    const float* gamma = affine_ ? params_ : nullptr;       // (C)
    const float* beta = affine_ ? params_ + C : nullptr;    // (C)
    float* running_mean = buffers_;                         // (C)
    float* running_var = buffers_ + C;                      // (C)
    batch_stats_ = training();
    if (batch_stats_) {
        batchnorm2d_forward_train(y.data(), mean_.data(), invstd_.data(), running_mean, running_var,
                                  x.data(), gamma, beta, N, C, H, W, eps_, momentum_);
    } else {
        for (int c = 0; c < C; ++c) {  // kept for backward (a gradient taken in evaluation mode)
            mean_[std::size_t(c)] = running_mean[c];
            invstd_[std::size_t(c)] = float(1.0 / std::sqrt(double(running_var[c]) + double(eps_)));
        }
        batchnorm2d_forward_eval(y.data(), x.data(), running_mean, running_var, gamma, beta, N, C,
                                 H, W, eps_);
    }
    return y;
}

Tensor BatchNorm2d::backward(const Tensor& d_out) {
    Tensor d_x = begin_backward(d_out);  // (N, C, H, W)
    const int C = features_;
    batchnorm2d_backward(d_x.data(), affine_ ? grads_ : nullptr, affine_ ? grads_ + C : nullptr,
                         d_out.data(), input_.data(), affine_ ? params_ : nullptr, mean_.data(),
                         invstd_.data(), dim(input_, 0), C, dim(input_, 2), dim(input_, 3),
                         batch_stats_);
    return d_x;
}

// ---- Dropout -------------------------------------------------------------------------------

Dropout::Dropout(float p) : p_(p) {
    if (!(p_ >= 0.0f && p_ <= 1.0f))
        throw Error("Dropout: p must be in [0, 1], got " + std::to_string(p_));
}

std::string Dropout::repr() const {
    char buf[64];
    std::snprintf(buf, sizeof buf, "Dropout(p=%g, inplace=False)", double(p_));
    return buf;
}

LayerConfig Dropout::config() const { return LayerConfig("Dropout").set("p", p_); }

Tensor Dropout::forward(const Tensor& x) {
    Tensor y = uninitialized(begin_forward(x));  // x's shape
    if (!training()) {
        mask_.clear();
        std::copy(x.begin(), x.end(), y.begin());
        return y;
    }
    mask_.resize(x.size());
    dropout_mask(mask_.data(), mask_.size(), p_, rng_);
    dropout_forward(y.data(), x.data(), mask_.data(), mask_.size());
    return y;
}

Tensor Dropout::backward(const Tensor& d_out) {
    Tensor d_x = begin_backward(d_out);
    if (mask_.empty())
        std::copy(d_out.begin(), d_out.end(), d_x.begin());
    else
        dropout_backward(d_x.data(), d_out.data(), mask_.data(), mask_.size());
    return d_x;
}

}  // namespace aelab
