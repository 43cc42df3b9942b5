// aelab core: synthetic images for the lessons (no files needed).
#pragma once
#include <cstddef>

#include "aelab/tensor.hpp"

namespace aelab {

enum class Pattern { checkerboard, gradient, ring, stripes, signed_wave };
constexpr int kPatternCount = 5;
const char* pattern_name(Pattern p);

// A (H, W) pattern. All lie in [0, 1] except signed_wave, in [-1, 1].
Tensor make_pattern(Pattern p, std::size_t h, std::size_t w);

// A built-in colour picture, (3, H, W) with values in [0, 1] (channels R, G, B): sky, sun,
// hills, a house with a red roof and a blue door, so each channel shows something different.
Tensor make_rgb_picture(std::size_t h, std::size_t w);

}  // namespace aelab
