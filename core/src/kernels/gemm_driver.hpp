// The GEMM driver: cache blocking around a register-blocked micro-kernel (Goto/BLIS loop
// order), written once over *packers*, so callers decide where the operands come from. gemm()
// packs plain row-major matrices; the convolutions pack straight from images (im2col fused into
// the packing, conv_polyphase.cpp), so the column matrix is never written out.
//
// Legend: C (M, N) (+)= op(A) (M, K) * op(B) (K, N); MR x NR the micro-kernel's register tile;
//   NC columns of B per outer block, KC depth per block (packed B block (KC, NC) stays in L2,
//   one B micro-panel (KC, NR) in L1), MC rows of A per packed A block (MC, KC).
//
//   for jc in N step NC:
//     for pc in K step KC:            pack B[pc:pc+KC, jc:jc+NC] into NR-wide panels
//       for ic in M step MC:          pack A[ic:ic+MC, pc:pc+KC] into MR-tall panels
//         for jr, ir: micro-kernel on one (MR, NR) tile of C
// When all of M fits one MC block (conv: M = C_out), each B panel is packed right before the
// micro-kernels use it, so it is still in L1.
//
// Packer contracts (both must zero-pad the last panel up to MR / NR):
//   pack_a(dst, i0, mc, p0, kc, mr): op(A)[i0:i0+mc, p0:p0+kc] as panels (kc, mr)
//   pack_b(dst, p0, kc, j0, nc, nr): op(B)[p0:p0+kc, j0:j0+nc] as panels (kc, nr)
#pragma once
#include <algorithm>
#include <string>
#include <vector>

#include "gemm_kernels.hpp"

namespace aelab {

constexpr int kGemmMC = 264;  // multiple of every MR (4, 6); M <= 264 packs A once per K block
constexpr int kGemmKC = 256;
constexpr int kGemmNC = 1024;  // multiple of every NR (8, 16)
constexpr int kGemmMaxTile = 6 * 16;

// The packers of plain row-major matrices (gemm.cpp): op(A) is A (M, K), or A^T with A stored
// (K, M), with leading dimension lda; the same for B.
void pack_matrix_a(float* dst, const float* A, int lda, bool trans, int i0, int mc, int p0,
                   int kc, int mr);
void pack_matrix_b(float* dst, const float* B, int ldb, bool trans, int p0, int kc, int j0,
                   int nc, int nr);

template <class PackA, class PackB>
void gemm_blocked(const GemmKernel& kernel, int M, int N, int K, PackA&& pack_a, PackB&& pack_b,
                  float* C, int ldc, bool accumulate) {
    if (M <= 0 || N <= 0) return;
    if (K <= 0) {
        if (!accumulate)
            for (int i = 0; i < M; ++i) std::fill(C + std::size_t(i) * ldc, C + std::size_t(i) * ldc + N, 0.0f);
        return;
    }
    const int mr = kernel.mr, nr = kernel.nr;
    if (!kernel.run || mr * nr > kGemmMaxTile || kGemmMC % mr != 0 || kGemmNC % nr != 0)
        throw Error(std::string("gemm: micro-kernel ") + kernel.name +
                    " has a tile the driver cannot block");
    // Scratch reused across calls: the packing buffers are the only allocation of the fast path.
    thread_local std::vector<float> packed_a, packed_b;
    packed_a.resize(std::size_t(kGemmMC) * kGemmKC);
    packed_b.resize(std::size_t(kGemmKC) * kGemmNC);
    float edge_tile[kGemmMaxTile];  // (MR, NR): partial tiles at the edges of C
    const bool one_a_block = M <= kGemmMC;

    auto run_panel = [&](const float* b_panel, int jcol, int cols, int ic, int mc, int kc,
                         int acc) {
        for (int ir = 0; ir < mc; ir += mr) {
            const int rows = std::min(mr, mc - ir);
            const float* a_panel = packed_a.data() + std::size_t(ir) * kc;
            float* c = C + std::size_t(ic + ir) * ldc + jcol;
            if (rows == mr && cols == nr) {
                kernel.run(kc, a_panel, b_panel, c, ldc, acc);
                continue;
            }
            kernel.run(kc, a_panel, b_panel, edge_tile, nr, 0);
            for (int r = 0; r < rows; ++r)
                for (int q = 0; q < cols; ++q)
                    c[r * ldc + q] =
                        acc ? c[r * ldc + q] + edge_tile[r * nr + q] : edge_tile[r * nr + q];
        }
    };

    for (int jc = 0; jc < N; jc += kGemmNC) {
        const int nc = std::min(kGemmNC, N - jc);
        // K in equal blocks of at most KC: no short last block paying a C pass for little depth.
        const int k_blocks = (K + kGemmKC - 1) / kGemmKC, k_step = (K + k_blocks - 1) / k_blocks;
        for (int pc = 0; pc < K; pc += k_step) {
            const int kc = std::min(k_step, K - pc);
            const int acc = (pc > 0 || accumulate) ? 1 : 0;
            if (one_a_block) {
                pack_a(packed_a.data(), 0, M, pc, kc, mr);
                for (int jr = 0; jr < nc; jr += nr) {
                    const int cols = std::min(nr, nc - jr);
                    pack_b(packed_b.data(), pc, kc, jc + jr, cols, nr);
                    run_panel(packed_b.data(), jc + jr, cols, 0, M, kc, acc);
                }
                continue;
            }
            pack_b(packed_b.data(), pc, kc, jc, nc, nr);
            for (int ic = 0; ic < M; ic += kGemmMC) {
                const int mc = std::min(kGemmMC, M - ic);
                pack_a(packed_a.data(), ic, mc, pc, kc, mr);
                for (int jr = 0; jr < nc; jr += nr)
                    run_panel(packed_b.data() + std::size_t(jr) * kc, jc + jr,
                              std::min(nr, nc - jr), ic, mc, kc, acc);
            }
        }
    }
}

}  // namespace aelab
