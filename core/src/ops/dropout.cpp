// Dropout (see norm.hpp): a mask of 0 and 1 / (1 - p) drawn from the caller's Rng, applied
// forward and backward by the same multiply. Legend: n values, p the drop probability.
#include "aelab/norm.hpp"

namespace aelab {

void dropout_mask(float* mask, std::size_t n, float p, Rng& rng) {
    // p = 1 drops every value (torch returns zeros rather than 0 * inf).
    const float kept = p < 1.0f ? 1.0f / (1.0f - p) : 0.0f;
    for (std::size_t i = 0; i < n; ++i) mask[i] = rng.uniform() >= p ? kept : 0.0f;
}

void dropout_forward(float* out, const float* in, const float* mask, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out[i] = in[i] * mask[i];
}

void dropout_backward(float* d_in, const float* d_out, const float* mask, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) d_in[i] += d_out[i] * mask[i];
}

}  // namespace aelab
