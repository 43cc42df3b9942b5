// Data augmentation: random shifts with zero fill and horizontal flips (see augment.hpp).
#include "aelab/augment.hpp"

#include <string>

#include "aelab/error.hpp"

namespace aelab {

void shift_flip_plane(float* out, const float* in, int H, int W, int dy, int dx, bool flip) {
    for (int y = 0; y < H; ++y)
        for (int x = 0; x < W; ++x) {
            const int sy = y - dy, shifted = x - dx;
            const int sx = flip ? W - 1 - shifted : shifted;
            const bool inside = sy >= 0 && sy < H && shifted >= 0 && shifted < W;
            out[std::size_t(y) * std::size_t(W) + std::size_t(x)] =
                inside ? in[std::size_t(sy) * std::size_t(W) + std::size_t(sx)] : 0.0f;
        }
}

Tensor augment_batch(const Tensor& x, Rng& rng, const AugmentOptions& o) {
    check_rank("augment", "input", x, 4, "(N, C, H, W)");
    if (o.max_shift < 0 || o.max_shift > 8)
        throw Error("augment: max_shift must be in [0, 8], got " + std::to_string(o.max_shift));
    const std::size_t N = x.shape()[0], C = x.shape()[1];
    const int H = dim(x, 2), W = dim(x, 3);
    const std::size_t plane = std::size_t(H) * std::size_t(W);
    Tensor out = uninitialized(shape_of(x));  // (N, C, H, W)
    const std::uint32_t choices = std::uint32_t(2 * o.max_shift + 1);
    for (std::size_t n = 0; n < N; ++n) {
        int dy = 0, dx = 0;
        if (o.max_shift > 0) {
            dy = int(rng.below(choices)) - o.max_shift;
            dx = int(rng.below(choices)) - o.max_shift;
        }
        const bool flip = o.flip && rng.below(2) == 1;
        for (std::size_t c = 0; c < C; ++c) {
            const std::size_t offset = (n * C + c) * plane;
            shift_flip_plane(out.data() + offset, x.data() + offset, H, W, dy, dx, flip);
        }
    }
    return out;
}

}  // namespace aelab
