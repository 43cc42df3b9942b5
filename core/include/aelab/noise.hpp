// aelab core: corruption processes for denoising autoencoders (Vincent et al. 2008), drawing
// from aelab::Rng so the same seed corrupts identically natively and in the browser.
//   gaussian_noise:        x + sigma * N(0, 1) per element (not clipped)
//   salt_and_pepper_noise: with probability p an element becomes 0 or 1 (equal odds),
//                          otherwise it is kept
//   masking_noise:         with probability p an element becomes 0, otherwise it is kept
// Each element consumes exactly one draw (one normal for gaussian_noise, one uniform u for the
// others: u < p corrupts, and salt is u >= p/2), so streams are easy to reproduce.
// out may alias in. sigma must be >= 0 and p in [0, 1]; otherwise aelab::Error.
#pragma once
#include <cstddef>

#include "aelab/rng.hpp"
#include "aelab/tensor.hpp"

namespace aelab {

void gaussian_noise(float* out, const float* in, std::size_t n, float sigma, Rng& rng);
void salt_and_pepper_noise(float* out, const float* in, std::size_t n, float p, Rng& rng);
void masking_noise(float* out, const float* in, std::size_t n, float p, Rng& rng);

Tensor gaussian_noise(const Tensor& x, float sigma, Rng& rng);
Tensor salt_and_pepper_noise(const Tensor& x, float p, Rng& rng);
Tensor masking_noise(const Tensor& x, float p, Rng& rng);

}  // namespace aelab
