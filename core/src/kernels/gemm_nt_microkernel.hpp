// The "NT" GEMM micro-kernel: a tile of dot products between rows that are all contiguous in
// the depth, written once against a SIMD vocabulary (simd_*.hpp) and instantiated per
// instruction set in gemm_nt_<isa>.cpp. It is the engine of the convolution weight gradients
// (conv_backward_weight_gemm_nt, conv_polyphase.cpp): dW[m, k] = sum over positions of
// dY[m, t] * col[k, t], where both the gradient rows and the column rows are runs of positions,
// so nothing is packed or gathered.
//
// Legend: MR x NR the tile of C; depth the run length per image; count images;
//   A row i of image n: a + n * a_step + i * a_row      (MR rows, evenly spaced)
//   B row j of image n: b + n * b_step + b_rows[j]      (NR rows anywhere)
//   c[i * ldc + j] += sum over n, t < depth of A[i][t] * B[j][t]
// Vectors run along the depth; MR * NR accumulators are summed across their lanes once per tile.
#pragma once
#include <array>
#include <utility>

#include "aelab/gemm.hpp"
#include "gemm_kernels.hpp"

namespace aelab::simd {

template <class V, int MR, int NR>
inline void gemm_nt_microkernel(int depth, int count, const float* a, long a_row, long a_step,
                                const float* b, const long* b_rows, long b_step, float* c,
                                int ldc) {
    using vec = typename V::vec;
    constexpr int L = V::lanes;
    vec acc[MR][NR];
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i)
#pragma GCC unroll 16
        for (int j = 0; j < NR; ++j) acc[i][j] = V::zero();
    const int body = depth / L * L;
    for (int n = 0; n < count; ++n) {
        const float* ar = a + n * a_step;
        const float* br[NR];
#pragma GCC unroll 16
        for (int j = 0; j < NR; ++j) br[j] = b + n * b_step + b_rows[j];
        for (int t = 0; t < body; t += L) {
            vec av[MR];
#pragma GCC unroll 16
            for (int i = 0; i < MR; ++i) av[i] = V::load(ar + i * a_row + t);
#pragma GCC unroll 16
            for (int j = 0; j < NR; ++j) {
                const vec bv = V::load(br[j] + t);
#pragma GCC unroll 16
                for (int i = 0; i < MR; ++i) acc[i][j] = V::fma(av[i], bv, acc[i][j]);
            }
        }
    }
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i)
#pragma GCC unroll 16
        for (int j = 0; j < NR; ++j) c[i * ldc + j] += V::hsum(acc[i][j]);
    // The last positions past the whole vectors, by the scalar twin (a separate call keeps the
    // vector loop's accumulators in registers; GCC spills them when a tail loop shares it).
    if (body < depth)
        gemm_nt_ref(MR, NR, depth - body, count, a + body, a_row, a_step, b + body, b_rows, b_step,
                    c, ldc);
}

// Every tile up to MR x NR of instruction set V as a table [mr - 1][nr - 1] (edge tiles stay in
// SIMD), each entry its own out-of-line function, which V8 tiers up on its own.
template <class V, int MR, int NR>
struct GemmNtTiles {
    template <int I>
    __attribute__((noinline)) static void tile(int depth, int count, const float* a, long a_row,
                                               long a_step, const float* b, const long* b_rows,
                                               long b_step, float* c, int ldc) {
        gemm_nt_microkernel<V, I / NR + 1, I % NR + 1>(depth, count, a, a_row, a_step, b, b_rows,
                                                       b_step, c, ldc);
    }
    template <int... I>
    static constexpr std::array<GemmNtMicrokernel, MR * NR> make(std::integer_sequence<int, I...>) {
        return {{&tile<I>...}};
    }
    static constexpr std::array<GemmNtMicrokernel, MR * NR> table =
        make(std::make_integer_sequence<int, MR * NR>{});
};

}  // namespace aelab::simd
