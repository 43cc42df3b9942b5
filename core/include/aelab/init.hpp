// aelab core: weight initialisation, as torch.nn.init, drawing only from aelab::Rng so a seed
// gives the same numbers natively and in the browser (std distributions differ between
// libstdc++ and libc++). Each element takes one draw: rng.uniform(lo, hi) or rng.normal().
//
//   fans (torch's _calculate_fan_in_and_fan_out), weight shape (d0, d1, k...):
//     receptive = prod(k...), fan_in = d1 * receptive, fan_out = d0 * receptive.
//     For a transposed conv, weight (C_in, C_out, k...), so fan_in counts C_out: torch's quirk,
//     kept so our default init matches nn.ConvTranspose2d's.
//   gain: linear / sigmoid 1, tanh 5/3, relu sqrt(2), leaky_relu sqrt(2 / (1 + slope^2)).
//   kaiming_uniform  U(-b, b), b = gain * sqrt(3 / fan)      (He et al. 2015)
//   kaiming_normal   N(0, std), std = gain / sqrt(fan)
//   xavier_uniform   U(-b, b), b = gain * sqrt(6 / (fan_in + fan_out))  (Glorot & Bengio 2010)
//   xavier_normal    N(0, std), std = gain * sqrt(2 / (fan_in + fan_out))
//   default_init     PyTorch's reset_parameters of Conv*d / Linear: kaiming_uniform with
//                    a = sqrt(5) on the weight (b = 1 / sqrt(fan_in)), bias U(-1/sqrt(fan_in),
//                    1/sqrt(fan_in)).
#pragma once
#include <cstddef>

#include "aelab/rng.hpp"
#include "aelab/tensor.hpp"

namespace aelab {

enum class Nonlinearity { linear, sigmoid, tanh, relu, leaky_relu };
enum class FanMode { fan_in, fan_out };

// How a model initialises its weights; biases are zero except under pytorch_default.
// The kaiming schemes use nonlinearity relu and fan_in (the usual choice before a ReLU).
enum class InitScheme { pytorch_default, kaiming_uniform, kaiming_normal, xavier_uniform, xavier_normal };

struct Fans {
    std::size_t fan_in = 0, fan_out = 0;
};
// Throws aelab::Error for fewer than 2 dimensions, as torch does.
Fans compute_fans(const Shape& weight_shape);
// `param` is leaky_relu's negative slope (ignored otherwise).
float calculate_gain(Nonlinearity nl, float param = 0.01f);

void uniform_init(float* w, std::size_t n, float lo, float hi, Rng& rng);
void normal_init(float* w, std::size_t n, float mean, float stddev, Rng& rng);

// w holds a weight of the given shape (row-major).
void kaiming_uniform(float* w, const Shape& shape, Rng& rng, float a = 0.0f,
                     FanMode mode = FanMode::fan_in, Nonlinearity nl = Nonlinearity::leaky_relu);
void kaiming_normal(float* w, const Shape& shape, Rng& rng, float a = 0.0f,
                    FanMode mode = FanMode::fan_in, Nonlinearity nl = Nonlinearity::leaky_relu);
void xavier_uniform(float* w, const Shape& shape, Rng& rng, float gain = 1.0f);
void xavier_normal(float* w, const Shape& shape, Rng& rng, float gain = 1.0f);

// Weight then bias (bias may be null), in that draw order, as torch's reset_parameters.
void default_init(float* weight, const Shape& weight_shape, float* bias, std::size_t bias_size,
                  Rng& rng);

// One weight initialised under `scheme` (pytorch_default: its weight half).
void init_weight(float* w, const Shape& shape, InitScheme scheme, Rng& rng);

}  // namespace aelab
