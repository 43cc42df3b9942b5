// gemm(): the blocked driver of gemm_driver.hpp over plain row-major matrices.
//
// Legend: M, N, K as in gemm.hpp; MR x NR the micro-kernel's register tile; op(A) (M, K) is
//   A (M, K) or A^T with A stored (K, M), op(B) (K, N) likewise.
#include <algorithm>

#include "aelab/gemm.hpp"
#include "gemm_driver.hpp"
#include "gemm_kernels.hpp"

namespace aelab {

// Packs op(A)[i0:i0+mc, p0:p0+kc] as panels of mr rows, (kc, mr) each, zero-padding the last.
void pack_matrix_a(float* dst, const float* A, int lda, bool trans, int i0, int mc, int p0,
                   int kc, int mr) {
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
void pack_matrix_b(float* dst, const float* B, int ldb, bool trans, int p0, int kc, int j0,
                   int nc, int nr) {
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

void gemm_with_kernel(int index, bool trans_a, bool trans_b, int M, int N, int K, const float* A,
                      int lda, const float* B, int ldb, float* C, int ldc, bool accumulate) {
    const GemmKernel& kernel = gemm_kernel(index);
    if (!kernel.run) {
        gemm_ref(trans_a, trans_b, M, N, K, A, lda, B, ldb, C, ldc, accumulate);
        return;
    }
    gemm_blocked(
        kernel, M, N, K,
        [&](float* dst, int i0, int mc, int p0, int kc, int mr) {
            pack_matrix_a(dst, A, lda, trans_a, i0, mc, p0, kc, mr);
        },
        [&](float* dst, int p0, int kc, int j0, int nc, int nr) {
            pack_matrix_b(dst, B, ldb, trans_b, p0, kc, j0, nc, nr);
        },
        C, ldc, accumulate);
}

void gemm(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda, const float* B,
          int ldb, float* C, int ldc, bool accumulate) {
    gemm_with_kernel(gemm_kernel_for(M), trans_a, trans_b, M, N, K, A, lda, B, ldb, C, ldc,
                     accumulate);
}

}  // namespace aelab
