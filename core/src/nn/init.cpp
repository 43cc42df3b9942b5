// Weight initialisation (see init.hpp): torch.nn.init's formulas over aelab::Rng draws.
#include "aelab/init.hpp"

#include <cmath>
#include <string>

namespace aelab {

Fans compute_fans(const Shape& shape) {
    if (shape.size() < 2)
        throw Error("init: fan in and fan out need a weight with at least 2 dimensions, got shape " +
                    shape_str(shape));
    std::size_t receptive = 1;
    for (std::size_t i = 2; i < shape.size(); ++i) receptive *= shape[i];
    return {shape[1] * receptive, shape[0] * receptive};
}

float calculate_gain(Nonlinearity nl, float param) {
    switch (nl) {
        case Nonlinearity::linear:
        case Nonlinearity::sigmoid: return 1.0f;
        case Nonlinearity::tanh: return 5.0f / 3.0f;
        case Nonlinearity::relu: return std::sqrt(2.0f);
        case Nonlinearity::leaky_relu: return std::sqrt(2.0f / (1.0f + param * param));
    }
    return 1.0f;
}

void uniform_init(float* w, std::size_t n, float lo, float hi, Rng& rng) {
    for (std::size_t i = 0; i < n; ++i) w[i] = rng.uniform(lo, hi);
}

void normal_init(float* w, std::size_t n, float mean, float stddev, Rng& rng) {
    for (std::size_t i = 0; i < n; ++i) w[i] = rng.normal(mean, stddev);
}

namespace {

float kaiming_std(const Shape& shape, float a, FanMode mode, Nonlinearity nl) {
    const Fans f = compute_fans(shape);
    const std::size_t fan = mode == FanMode::fan_in ? f.fan_in : f.fan_out;
    if (fan == 0) throw Error("init: kaiming init of a weight with a zero fan, shape " + shape_str(shape));
    return calculate_gain(nl, a) / std::sqrt(float(fan));
}

float xavier_std(const Shape& shape, float gain) {
    const Fans f = compute_fans(shape);
    return gain * std::sqrt(2.0f / float(f.fan_in + f.fan_out));
}

}  // namespace

void kaiming_uniform(float* w, const Shape& shape, Rng& rng, float a, FanMode mode, Nonlinearity nl) {
    const float bound = std::sqrt(3.0f) * kaiming_std(shape, a, mode, nl);
    uniform_init(w, numel(shape), -bound, bound, rng);
}

void kaiming_normal(float* w, const Shape& shape, Rng& rng, float a, FanMode mode, Nonlinearity nl) {
    normal_init(w, numel(shape), 0.0f, kaiming_std(shape, a, mode, nl), rng);
}

void xavier_uniform(float* w, const Shape& shape, Rng& rng, float gain) {
    const float bound = std::sqrt(3.0f) * xavier_std(shape, gain);
    uniform_init(w, numel(shape), -bound, bound, rng);
}

void xavier_normal(float* w, const Shape& shape, Rng& rng, float gain) {
    normal_init(w, numel(shape), 0.0f, xavier_std(shape, gain), rng);
}

void default_init(float* weight, const Shape& weight_shape, float* bias, std::size_t bias_size,
                  Rng& rng) {
    kaiming_uniform(weight, weight_shape, rng, std::sqrt(5.0f));
    if (!bias) return;
    const std::size_t fan_in = compute_fans(weight_shape).fan_in;
    const float bound = fan_in > 0 ? 1.0f / std::sqrt(float(fan_in)) : 0.0f;
    uniform_init(bias, bias_size, -bound, bound, rng);
}

void init_weight(float* w, const Shape& shape, InitScheme scheme, Rng& rng) {
    switch (scheme) {
        case InitScheme::pytorch_default: kaiming_uniform(w, shape, rng, std::sqrt(5.0f)); return;
        case InitScheme::kaiming_uniform:
            kaiming_uniform(w, shape, rng, 0.0f, FanMode::fan_in, Nonlinearity::relu);
            return;
        case InitScheme::kaiming_normal:
            kaiming_normal(w, shape, rng, 0.0f, FanMode::fan_in, Nonlinearity::relu);
            return;
        case InitScheme::xavier_uniform: xavier_uniform(w, shape, rng); return;
        case InitScheme::xavier_normal: xavier_normal(w, shape, rng); return;
    }
}

}  // namespace aelab
