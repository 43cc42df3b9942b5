// Corruption processes for denoising (see noise.hpp).
#include "aelab/noise.hpp"

#include <cmath>
#include <string>

namespace aelab {
namespace {

void check_probability(const char* op, float p) {
    if (!(p >= 0.0f && p <= 1.0f))
        throw Error(std::string(op) + ": probability p must be in [0, 1], got " +
                    std::to_string(p));
}

}  // namespace

void gaussian_noise(float* out, const float* in, std::size_t n, float sigma, Rng& rng) {
    if (!(sigma >= 0.0f))
        throw Error("gaussian_noise: sigma must be >= 0, got " + std::to_string(sigma));
    for (std::size_t i = 0; i < n; ++i) out[i] = in[i] + sigma * rng.normal();
}

void salt_and_pepper_noise(float* out, const float* in, std::size_t n, float p, Rng& rng) {
    check_probability("salt_and_pepper_noise", p);
    for (std::size_t i = 0; i < n; ++i) {
        const float u = rng.uniform();
        out[i] = u < p ? (u < 0.5f * p ? 0.0f : 1.0f) : in[i];
    }
}

void masking_noise(float* out, const float* in, std::size_t n, float p, Rng& rng) {
    check_probability("masking_noise", p);
    for (std::size_t i = 0; i < n; ++i) out[i] = rng.uniform() < p ? 0.0f : in[i];
}

Tensor gaussian_noise(const Tensor& x, float sigma, Rng& rng) {
    Tensor y = x;
    gaussian_noise(y.data(), x.data(), x.size(), sigma, rng);
    return y;
}

Tensor salt_and_pepper_noise(const Tensor& x, float p, Rng& rng) {
    Tensor y = x;
    salt_and_pepper_noise(y.data(), x.data(), x.size(), p, rng);
    return y;
}

Tensor masking_noise(const Tensor& x, float p, Rng& rng) {
    Tensor y = x;
    masking_noise(y.data(), x.data(), x.size(), p, rng);
    return y;
}

}  // namespace aelab
