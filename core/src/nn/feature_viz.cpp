// Gradient ascent on the input (see feature_viz.hpp).
#include "aelab/feature_viz.hpp"

#include <cmath>
#include <string>

namespace aelab {

ChannelObjective channel_objective(Sequential& model, std::size_t layer, int channel, float l2,
                                   const Tensor& x) {
    if (layer >= model.size())
        throw Error("channel_objective: layer " + std::to_string(layer) + " out of range (" +
                    std::to_string(model.size()) + " layers)");
    if (!std::isfinite(l2) || l2 < 0)
        throw Error("channel_objective: l2 must be a finite number >= 0, got " + std::to_string(l2));
    const Tensor out = model.forward(x, 0, layer + 1);  // (N, C, ...)
    const Shape shape = shape_of(out);
    if (shape.size() < 2 || channel < 0 || std::size_t(channel) >= shape[1])
        throw Error("channel_objective: channel " + std::to_string(channel) + " is not a channel of layer " +
                    std::to_string(layer) + " (" + model.layer(layer).repr() + "), whose output is " +
                    shape_str(shape));
    // Channel c's entries: N blocks of `inner` values, one block every C * inner.
    const std::size_t N = shape[0], C = shape[1], inner = numel(shape) / (N * C);
    const float weight = 1.0f / float(N * inner);
    Tensor d_out = zeros(shape);
    double sum = 0;
    for (std::size_t n = 0; n < N; ++n) {
        const std::size_t base = (n * C + std::size_t(channel)) * inner;
        for (std::size_t i = 0; i < inner; ++i) {
            sum += out.data()[base + i];
            d_out.data()[base + i] = weight;
        }
    }
    ChannelObjective r;
    r.activation = float(sum / double(N * inner));
    r.gradient = model.backward(d_out, 0, layer + 1);  // d(mean activation)/dx
    model.zero_grad();
    double penalty = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        penalty += double(x.data()[i]) * x.data()[i];
        r.gradient.data()[i] -= 2.0f * l2 * x.data()[i];
    }
    r.value = float(double(r.activation) - double(l2) * penalty);
    return r;
}

FeatureAscent::FeatureAscent(Sequential& model, const FeatureAscentOptions& options, Tensor x0)
    : model_(model), options_(options), x_(std::move(x0)) {
    if (!std::isfinite(options_.step_size) || options_.step_size <= 0)
        throw Error("FeatureAscent: step_size must be a finite number > 0, got " +
                    std::to_string(options_.step_size));
    Shape expected{1};
    expected.insert(expected.end(), model.sample_shape().begin(), model.sample_shape().end());
    if (shape_of(x_) != expected)
        throw Error("FeatureAscent: x0 must have shape " + shape_str(expected) + ", got " + shape_str(x_.shape()));
}

float FeatureAscent::step() {
    const ChannelObjective r = channel_objective(model_, options_.layer, options_.channel, options_.l2, x_);
    for (std::size_t i = 0; i < x_.size(); ++i) x_.data()[i] += options_.step_size * r.gradient.data()[i];
    ++steps_;
    return r.value;
}

float FeatureAscent::objective() {
    return channel_objective(model_, options_.layer, options_.channel, options_.l2, x_).value;
}

}  // namespace aelab
