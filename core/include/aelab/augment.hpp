// aelab core: data augmentation for image batches (the CNN lecture's training trick): each
// example is shifted by a random whole number of pixels (up to max_shift each way, the pixels
// moved in filled with zeros) and mirrored left-right with probability 1/2. Draws come from
// aelab::Rng so a seed augments identically natively and in the browser.
//
// Draw order, per example n = 0, 1, ...: dy = below(2s+1) - s, dx = below(2s+1) - s (only when
// s = max_shift > 0), then flip = below(2) == 1 (only when flips are on). The output pixel at
// (y, x) is the input pixel at (y - dy, x' - dx), where x' = W-1-x when flipped, else x: the
// image is flipped first, then shifted.
#pragma once
#include <cstddef>

#include "aelab/rng.hpp"
#include "aelab/tensor.hpp"

namespace aelab {

struct AugmentOptions {
    int max_shift = 2;  // pixels, in [0, 8]
    bool flip = true;   // horizontal flips
};

// One plane (H, W): out = in flipped (if flip) then moved down dy and right dx, zero fill.
// out must not alias in.
void shift_flip_plane(float* out, const float* in, int H, int W, int dy, int dx, bool flip);

// x (N, C, H, W) -> a new batch, each example's C planes moved alike. Throws aelab::Error
// naming "augment" for another rank or a max_shift outside [0, 8].
Tensor augment_batch(const Tensor& x, Rng& rng, const AugmentOptions& o = {});

}  // namespace aelab
