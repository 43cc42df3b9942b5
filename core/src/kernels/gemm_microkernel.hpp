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

namespace aelab::simd {

template <class V, int MR, int NV>
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
    for (int k = 0; k < kc; ++k) {
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
