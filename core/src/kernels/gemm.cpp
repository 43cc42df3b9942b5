// The GEMM driver: cache blocking and packing around the register-blocked micro-kernel
// chosen in gemm_dispatch.cpp (Goto/BLIS loop order).
//
// Legend: M, N, K as in gemm.hpp; MR x NR the micro-kernel's register tile;
//   NC columns of B per outer block, KC depth per block (packed B block (KC, NC) stays in L2,
//   one B micro-panel (KC, NR) in L1), MC rows of A per packed A block (MC, KC).
//
//   for jc in N step NC:
//     for pc in K step KC:            pack B[pc:pc+KC, jc:jc+NC] into NR-wide panels
//       for ic in M step MC:          pack A[ic:ic+MC, pc:pc+KC] into MR-tall panels
//         for jr, ir: micro-kernel on one (MR, NR) tile of C
#include <algorithm>
#include <string>
#include <vector>

#include "aelab/gemm.hpp"
#include "gemm_kernels.hpp"

namespace aelab {
namespace {

constexpr int kMC = 96;  // multiple of every MR (4, 6)
constexpr int kKC = 256;
constexpr int kNC = 1024;  // multiple of every NR (8, 16)
constexpr int kMaxTile = 6 * 16;

// Packs op(A)[i0:i0+mc, p0:p0+kc] as panels of mr rows, (kc, mr) each, zero-padding the last.
void pack_a(float* dst, const float* A, int lda, bool trans, int i0, int mc, int p0, int kc,
            int mr) {
    for (int ip = 0; ip < mc; ip += mr) {
        const int rows = std::min(mr, mc - ip);
        for (int k = 0; k < kc; ++k) {
            const int p = p0 + k;
            for (int r = 0; r < rows; ++r) {
                const int i = i0 + ip + r;
                dst[r] = trans ? A[p * lda + i] : A[i * lda + p];
            }
            for (int r = rows; r < mr; ++r) dst[r] = 0.0f;
            dst += mr;
        }
    }
}

// Packs op(B)[p0:p0+kc, j0:j0+nc] as panels of nr columns, (kc, nr) each, zero-padding the last.
void pack_b(float* dst, const float* B, int ldb, bool trans, int p0, int kc, int j0, int nc,
            int nr) {
    for (int jp = 0; jp < nc; jp += nr) {
        const int cols = std::min(nr, nc - jp);
        for (int k = 0; k < kc; ++k) {
            const int p = p0 + k;
            if (trans) {
                for (int c = 0; c < cols; ++c) dst[c] = B[(j0 + jp + c) * ldb + p];
            } else {
                const float* row = B + p * ldb + j0 + jp;
                for (int c = 0; c < cols; ++c) dst[c] = row[c];
            }
            for (int c = cols; c < nr; ++c) dst[c] = 0.0f;
            dst += nr;
        }
    }
}

}  // namespace

void gemm_with_kernel(int index, bool trans_a, bool trans_b, int M, int N, int K, const float* A,
                      int lda, const float* B, int ldb, float* C, int ldc, bool accumulate) {
    const GemmKernel& kernel = gemm_kernel(index);
    if (M <= 0 || N <= 0) return;
    if (K <= 0) {
        if (!accumulate)
            for (int i = 0; i < M; ++i) std::fill(C + i * ldc, C + i * ldc + N, 0.0f);
        return;
    }
    if (!kernel.run) {
        gemm_ref(trans_a, trans_b, M, N, K, A, lda, B, ldb, C, ldc, accumulate);
        return;
    }
    const int mr = kernel.mr, nr = kernel.nr;
    if (mr * nr > kMaxTile || kMC % mr != 0 || kNC % nr != 0)
        throw Error(std::string("gemm: micro-kernel ") + kernel.name +
                    " has a tile the driver cannot block");
    // Scratch reused across calls: packing buffers are the only allocation of the fast path.
    thread_local std::vector<float> packed_a, packed_b;
    packed_a.resize(std::size_t(kMC) * kKC);
    packed_b.resize(std::size_t(kKC) * kNC);
    float edge_tile[kMaxTile];  // (MR, NR) of the widest kernel, for partial tiles at the edges

    for (int jc = 0; jc < N; jc += kNC) {
        const int nc = std::min(kNC, N - jc);
        for (int pc = 0; pc < K; pc += kKC) {
            const int kc = std::min(kKC, K - pc);
            const int acc = (pc > 0 || accumulate) ? 1 : 0;
            pack_b(packed_b.data(), B, ldb, trans_b, pc, kc, jc, nc, nr);
            for (int ic = 0; ic < M; ic += kMC) {
                const int mc = std::min(kMC, M - ic);
                pack_a(packed_a.data(), A, lda, trans_a, ic, mc, pc, kc, mr);
                for (int jr = 0; jr < nc; jr += nr) {
                    const int cols = std::min(nr, nc - jr);
                    const float* b_panel = packed_b.data() + std::size_t(jr) * kc;
                    for (int ir = 0; ir < mc; ir += mr) {
                        const int rows = std::min(mr, mc - ir);
                        const float* a_panel = packed_a.data() + std::size_t(ir) * kc;
                        float* c = C + std::size_t(ic + ir) * ldc + jc + jr;
                        if (rows == mr && cols == nr) {
                            kernel.run(kc, a_panel, b_panel, c, ldc, acc);
                            continue;
                        }
                        kernel.run(kc, a_panel, b_panel, edge_tile, nr, 0);
                        for (int r = 0; r < rows; ++r)
                            for (int q = 0; q < cols; ++q)
                                c[r * ldc + q] = acc ? c[r * ldc + q] + edge_tile[r * nr + q]
                                                     : edge_tile[r * nr + q];
                    }
                }
            }
        }
    }
}

void gemm(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda, const float* B,
          int ldb, float* C, int ldc, bool accumulate) {
    gemm_with_kernel(0, trans_a, trans_b, M, N, K, A, lda, B, ldb, C, ldc, accumulate);
}

}  // namespace aelab
