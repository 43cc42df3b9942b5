// The indirect GEMM (igemm) micro-kernel, written once against a SIMD vocabulary (simd_*.hpp)
// and instantiated per instruction set in igemm_<MR>x<NR>_<isa>.cpp. It is the engine of the
// convolutions (conv_indirect.cpp): the rows of A are output positions read straight from the
// (zero-padded) source image through pointers, so the column matrix is never packed.
//
// Legend: MR rows (output positions) x NR columns (output channels) is the register tile of C;
//   NR = NV vectors of V::lanes floats.
//   k        depth: taps x source channels
//   rows     MR pointers, one per position of the tile: A[i, p] = rows[i][offsets[p]]
//   offsets  (k,): where tap p of every position lies relative to that position's pointer
//   b        packed B panel, (k, NR): for each p, the NR weights of tap p
//   c        the tile in C, row-major with leading dimension ldc; written, never read
// The tile is always full: the engine pads B with zero columns and the last rows with copies of
// a valid pointer, and drops those results.
#pragma once
#include "gemm_microkernel.hpp"  // pin_tile

namespace aelab::simd {

// How a tile finds its rows: a pointer per row (any positions), or one pointer and a fixed step
// S between rows (consecutive outputs of one image row: the "row" kernels). Each gives the
// address of A[i, p] from the depth step's offset o.
template <int MR>
struct RowPointers {
    const float* r[MR];
    explicit RowPointers(const float* const* rows) {
#pragma GCC unroll 16
        for (int i = 0; i < MR; ++i) r[i] = rows[i];
    }
    const float* at(int i, long o) const { return r[i] + o; }
};
// Two runs of consecutive outputs, S source floats apart: rows i < J at r0 + i * S, rows
// i >= J at r1 + (i - J) * S (J = MR: one run, r1 unused).
template <int S, int J>
struct Runs {
    const float *r0, *r1;
    const float* at(int i, long o) const { return i < J ? r0 + o + i * S : r1 + o + (i - J) * S; }
};

// U: depth steps per loop iteration (see gemm_microkernel.hpp).
template <class V, int MR, int NV, int U, class Rows>
inline void igemm_tile(int k, const Rows& rows, const long* offsets, const float* b, float* c,
                       int ldc) {
    using vec = typename V::vec;
    constexpr int NR = NV * V::lanes;
    vec acc[MR][NV];
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i)
#pragma GCC unroll 16
        for (int j = 0; j < NV; ++j) acc[i][j] = V::zero();
    auto step = [&] {  // one depth step: acc += tap p of the MR positions (x) its NR weights
        const long o = *offsets++;
        vec bv[NV];
#pragma GCC unroll 16
        for (int j = 0; j < NV; ++j) bv[j] = V::load(b + j * V::lanes);
#pragma GCC unroll 16
        for (int i = 0; i < MR; ++i) {
            vec ai = V::broadcast_load(rows.at(i, o));
#pragma GCC unroll 16
            for (int j = 0; j < NV; ++j) acc[i][j] = V::fma(ai, bv[j], acc[i][j]);
        }
        b += NR;
    };
    // The odd steps first (see gemm_microkernel), then U per iteration until the offsets run
    // out: the offsets pointer is the loop's only induction variable (no counter to update).
    const long* const end = offsets + k;
    const long* const odd_end = offsets + k % U;
    while (offsets != odd_end) step();
    while (offsets != end) {
#pragma GCC unroll 8
        for (int u = 0; u < U; ++u) {
            step();
            pin_tile<V, U>(acc);
        }
    }
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i)
#pragma GCC unroll 16
        for (int j = 0; j < NV; ++j) V::store(c + i * ldc + j * V::lanes, acc[i][j]);
}

template <class V, int MR, int NV, int U = 1>
inline void igemm_microkernel(int k, const float* const* rows, const long* offsets,
                              const float* b, float* c, int ldc) {
    igemm_tile<V, MR, NV, U>(k, RowPointers<MR>(rows), offsets, b, c, ldc);
}

// The same tile when its MR positions are one or two runs of consecutive outputs (runs of one
// row; a tile that wraps to the next row is two runs), source step S between them: one or two
// addresses per depth step with the rows at constant displacements, where the general kernel
// adds an offset to each of MR pointers: fewer instructions, which bound the kernel under V8
// (docs/PERFORMANCE.md).
template <class V, int MR, int NV, int S, int J, int U = 1>
inline void igemm_microkernel_runs(int k, const float* run0, const float* run1,
                                   const long* offsets, const float* b, float* c, int ldc) {
    igemm_tile<V, MR, NV, U>(k, Runs<S, J>{run0, run1}, offsets, b, c, ldc);
}

}  // namespace aelab::simd
