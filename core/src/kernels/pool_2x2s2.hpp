// The 2x2, stride-2, unpadded pooling kernels (the pools of every small CNN), one output row
// at a time; pool.cpp calls them for that case and its generic loops otherwise. One variant
// per instruction set compiled in, and a scalar one every build has; the build's list, best
// first, is chosen in dispatch.cpp. The scalar twins of the ops are max_pool2d_forward_ref /
// avg_pool2d_forward_ref (pool.hpp).
//
// Legend: W input row width, Wo = W / 2 outputs per row; top, bottom the input rows 2*oh and
//   2*oh + 1; out, indices the output row oh; row_base = 2*oh*W, the flat index of top[0].
#pragma once
#include <cstdint>

#include "isa.hpp"

namespace aelab {

// out[ow] = max of the window, indices[ow] its flat index in the (H, W) plane; ties go to the
// first in window order (top-left, top-right, bottom-left, bottom-right), NaN wins (the last).
using MaxPoolRow = void (*)(const float* top, const float* bottom, int Wo, int W,
                            std::int64_t row_base, float* out, std::int64_t* indices);
// out[ow] = (((tl + tr) + bl) + br) * 0.25, the reference's summation order.
using AvgPoolRow = void (*)(const float* top, const float* bottom, int Wo, float* out);

struct Pool2x2s2Kernel {
    MaxPoolRow max_row;
    AvgPoolRow avg_row;
    const char* name;
    Isa isa;
};

// The kernels, one instantiation per SIMD vocabulary V (simd_*.hpp) of an instruction set
// compiled in (isa.hpp), and simd::Scalar, the plain loop every build has: written once in
// pool_2x2s2_impl.hpp, instantiated in pool_2x2s2.cpp and, for AVX2, in pool_2x2s2_avx2.cpp
// (compiled with -mavx2 -mfma).
namespace simd {
struct Avx2;
struct Sse;
struct Simd128;
struct Scalar;
}  // namespace simd
template <class V>
void max_pool_2x2s2_row(const float* top, const float* bottom, int Wo, int W, std::int64_t row_base,
                        float* out, std::int64_t* indices);
template <class V>
void avg_pool_2x2s2_row(const float* top, const float* bottom, int Wo, float* out);
template <>
void max_pool_2x2s2_row<simd::Scalar>(const float* top, const float* bottom, int Wo, int W,
                                      std::int64_t row_base, float* out, std::int64_t* indices);
template <>
void avg_pool_2x2s2_row<simd::Scalar>(const float* top, const float* bottom, int Wo, float* out);

// Kernel `index` of the list this CPU runs (best first, the scalar one last); throws if out of
// range. The pools use pool_2x2s2_kernel_best_index(): the first the active choice allows.
const Pool2x2s2Kernel& pool_2x2s2_kernel(int index);
int pool_2x2s2_kernel_best_index();

}  // namespace aelab
