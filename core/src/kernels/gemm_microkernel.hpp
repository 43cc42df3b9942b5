// The GEMM micro-kernel, written once against a SIMD vocabulary (simd_*.hpp) and instantiated
// per instruction set in gemm_<MR>x<NR>_<isa>.cpp.
//
// Legend: MR rows x NR columns is the register tile of C; NR = NV vectors of V::lanes floats.
//   kc   depth of this K block
//   a    packed A panel, (kc, MR): for each k, the MR values of column k of the tile's rows
//   b    packed B panel, (kc, NR): for each k, the NR values of row k of the tile's columns
//   c    the tile in C, row-major with leading dimension ldc
// The tile is always full: the driver zero-pads packed panels and routes edge tiles through a
// scratch tile, so this loop has no tails.
#pragma once
#include <cstddef>

namespace aelab::simd {

// U, the depth steps per loop iteration, is 1 but for the WebAssembly tiles, built with U = 1
// and 2: some V8 versions pay enough loop overhead per iteration (interrupt check, index
// zero-extensions, pointer updates) that U = 2 wins, later ones compile U = 1 better and U = 2
// loses (docs/PERFORMANCE.md). The faster is timed once per engine (dispatch.cpp); both compute
// the same sums in the same order.

// Ends a depth step of a tile with U > 1: every accumulator materialized, no later load moved
// above (V::pin8, simd_simd128.hpp).
template <class V, int U, int MR, int NV>
inline void pin_tile(typename V::vec (&acc)[MR][NV]) {
    if constexpr (U > 1) {
        static_assert(MR * NV == 8, "V::pin8 pins a tile of 8 accumulators");
        typename V::vec* v = &acc[0][0];
        V::pin8(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
    }
}

template <class V, int MR, int NV, int U = 1>
inline void gemm_microkernel(int kc, const float* a, const float* b, float* c, int ldc,
                             int accumulate) {
    using vec = typename V::vec;
    constexpr int NR = NV * V::lanes;
    // MR * NV accumulators: must fit the register file with NV + 1 to spare. Every loop over
    // the tile is unrolled early (the pragmas) so the compiler turns the arrays into registers;
    // otherwise GCC keeps a stack copy of acc and stores it on every k step.
    vec acc[MR][NV];
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i)
#pragma GCC unroll 16
        for (int j = 0; j < NV; ++j) acc[i][j] = V::zero();
    auto step = [&] {  // one depth step: acc += column k of A (x) row k of B
        vec bv[NV];
#pragma GCC unroll 16
        for (int j = 0; j < NV; ++j) bv[j] = V::load(b + j * V::lanes);
#pragma GCC unroll 16
        for (int i = 0; i < MR; ++i) {
            vec ai = V::broadcast_load(a + i);
#pragma GCC unroll 16
            for (int j = 0; j < NV; ++j) acc[i][j] = V::fma(ai, bv[j], acc[i][j]);
        }
        a += MR;
        b += NR;
    };
    // The kc % U odd steps first: a remainder loop after the main loop makes V8 hoist every
    // load of the unrolled body and spill. Then U per iteration until B
    // runs out: the B pointer is the loop's induction variable (no counter to update).
    const float* const end = b + std::size_t(kc) * NR;
    const float* const odd_end = b + std::size_t(kc % U) * NR;
    while (b != odd_end) step();
    while (b != end) {
#pragma GCC unroll 8
        for (int u = 0; u < U; ++u) {
            step();
            pin_tile<V, U>(acc);
        }
    }
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i)
#pragma GCC unroll 16
        for (int j = 0; j < NV; ++j) {
            float* p = c + i * ldc + j * V::lanes;
            V::store(p, accumulate ? V::add(V::load(p), acc[i][j]) : acc[i][j]);
        }
}

}  // namespace aelab::simd
