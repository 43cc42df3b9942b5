#include "aelab/rng.hpp"

#include <cmath>

namespace aelab {

Rng::Rng(std::uint64_t seed, std::uint64_t stream) {
    inc_ = (stream << 1u) | 1u;
    next_u32();
    state_ += seed;
    next_u32();
}

std::uint32_t Rng::next_u32() {
    std::uint64_t old = state_;
    state_ = old * 6364136223846793005ULL + inc_;
    auto xorshifted = static_cast<std::uint32_t>(((old >> 18u) ^ old) >> 27u);
    auto rot = static_cast<std::uint32_t>(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((32u - rot) & 31u));
}

float Rng::uniform() { return static_cast<float>(next_u32() >> 8) * (1.0f / 16777216.0f); }

std::uint32_t Rng::below(std::uint32_t n) {
    std::uint64_t m = std::uint64_t(next_u32()) * n;
    auto low = static_cast<std::uint32_t>(m);
    if (low < n) {
        std::uint32_t threshold = (0u - n) % n;
        while (low < threshold) {
            m = std::uint64_t(next_u32()) * n;
            low = static_cast<std::uint32_t>(m);
        }
    }
    return static_cast<std::uint32_t>(m >> 32);
}

float Rng::normal() {
    if (has_spare_) {
        has_spare_ = false;
        return static_cast<float>(spare_);
    }
    // u1 in (0, 1] so the log is finite; 53-bit uniforms from two draws.
    auto u53 = [this] {
        std::uint64_t hi = next_u32() >> 5, lo = next_u32() >> 6;  // 27 + 26 bits
        return static_cast<double>((hi << 26) | lo) * (1.0 / 9007199254740992.0);
    };
    double u1 = 1.0 - u53(), u2 = u53();
    double r = std::sqrt(-2.0 * std::log(u1));
    const double two_pi = 6.283185307179586476925286766559;
    spare_ = r * std::sin(two_pi * u2);
    has_spare_ = true;
    return static_cast<float>(r * std::cos(two_pi * u2));
}

}  // namespace aelab
