// aelab core: the random number generator.
// PCG32 (O'Neill 2014: 64-bit LCG state, xorshift-high + random rotation output) with our own
// uniform and normal sampling. std::normal_distribution gives different streams under
// libstdc++ and Emscripten's libc++; these functions give the same stream for a seed on every
// platform, so a lesson trains identically natively and in the browser.
#pragma once
#include <cstdint>

namespace aelab {

class Rng {
public:
    explicit Rng(std::uint64_t seed = 0x853c49e6748fea9bULL, std::uint64_t stream = 0xda3e39cb94b95bdbULL);

    std::uint32_t next_u32();
    // Uniform in [0, 1) with 24 random bits (every float in the range equally spaced).
    float uniform();
    // Uniform in [lo, hi).
    float uniform(float lo, float hi) { return lo + (hi - lo) * uniform(); }
    // Uniform integer in [0, n), unbiased (Lemire's rejection), n > 0.
    std::uint32_t below(std::uint32_t n);
    // Standard normal N(0, 1) by the Box-Muller transform in double precision; the second
    // value of each pair is kept for the next call.
    float normal();
    float normal(float mean, float stddev) { return mean + stddev * normal(); }

private:
    std::uint64_t state_ = 0, inc_ = 0;
    bool has_spare_ = false;
    double spare_ = 0.0;
};

}  // namespace aelab
