// The 2x2, stride-2, unpadded pooling kernels (the pools of every small CNN), one output row
// at a time; pool.cpp calls them for that case and its generic loops otherwise. The scalar
// twins are max_pool2d_forward_ref / avg_pool2d_forward_ref (pool.hpp).
//
// Legend: W input row width, Wo = W / 2 outputs per row; top, bottom the input rows 2*oh and
//   2*oh + 1; out, indices the output row oh; row_base = 2*oh*W, the flat index of top[0].
#pragma once
#include <cstdint>

namespace aelab {

// out[ow] = max of the window, indices[ow] its flat index in the (H, W) plane; ties go to the
// first in window order (top-left, top-right, bottom-left, bottom-right), NaN wins (the last).
void max_pool_2x2s2_row(const float* top, const float* bottom, int Wo, int W,
                        std::int64_t row_base, float* out, std::int64_t* indices);
// out[ow] = (((tl + tr) + bl) + br) * 0.25, the reference's summation order.
void avg_pool_2x2s2_row(const float* top, const float* bottom, int Wo, float* out);
// The instruction set those kernels were compiled for ("avx2", "sse", "simd128").
const char* pool_2x2s2_variant();

}  // namespace aelab
