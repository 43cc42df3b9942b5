// aelab core: what a channel responds to, found by gradient ascent on the input image (the
// course's "max over x of |h(x)|", with an L2 penalty so x stays bounded).
//
//   J(x) = mean activation of channel c of layer l  -  l2 * sum(x^2)
//   x <- x + step_size * dJ/dx
//
// "Mean activation of channel c": layer l's output (N, C, ...) at index c of axis 1, averaged
// over the batch and every other axis (all H x W positions of a feature map; the one unit of a
// (N, F) output). dJ/dx comes from Sequential::backward over layers [0, l], which returns the
// input gradient: d_out is 1/count at channel c and 0 elsewhere. Those backward passes also ADD
// into the model's parameter gradients, so each evaluation ends with model.zero_grad(); they
// overwrite the layers' caches too (a training step runs its own forward first anyway).
// Layers with a training mode (dropout, batch statistics) should be in evaluation mode.
//
// FeatureAscent holds x and steps it one update at a time, so a lesson can show it climbing.
#pragma once
#include <cstddef>

#include "aelab/model.hpp"

namespace aelab {

struct ChannelObjective {
    float value = 0;       // J(x)
    float activation = 0;  // the mean activation alone
    Tensor gradient;       // dJ/dx, shaped like x
};

// J and dJ/dx at x (N, sample...). Throws aelab::Error for a layer out of range, a channel
// out of range for that layer's output, or an x the model does not take.
ChannelObjective channel_objective(Sequential& model, std::size_t layer, int channel, float l2,
                                   const Tensor& x);

struct FeatureAscentOptions {
    std::size_t layer = 0;  // whose output: Sequential layer index
    int channel = 0;
    float step_size = 0.1f;
    float l2 = 0.01f;       // penalty weight on sum(x^2)
};

class FeatureAscent {
public:
    // x0 (1, sample...): where the ascent starts (a test image, or small noise from aelab::Rng).
    FeatureAscent(Sequential& model, const FeatureAscentOptions& options, Tensor x0);

    // One update of x; returns J at x before it (the objective the step followed).
    float step();
    // J at the current x (runs the model).
    float objective();

    const Tensor& input() const { return x_; }
    const FeatureAscentOptions& options() const { return options_; }
    int steps() const { return steps_; }

private:
    Sequential& model_;
    FeatureAscentOptions options_;
    Tensor x_;  // (1, sample...)
    int steps_ = 0;
};

}  // namespace aelab
