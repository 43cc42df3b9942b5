// gemm(): the blocked driver of gemm_driver.hpp over plain row-major matrices.
//
// Legend: M, N, K as in gemm.hpp; MR x NR the micro-kernel's register tile; op(A) (M, K) is
//   A (M, K) or A^T with A stored (K, M), op(B) (K, N) likewise.
#include <algorithm>

#include "aelab/gemm.hpp"
#include "gemm_driver.hpp"
#include "gemm_kernels.hpp"
#include "simd4.hpp"

namespace aelab {

#if defined(AELAB_SIMD4)
// One full panel of 4 rows of a row-major A: 4x4 blocks transposed in registers, so each k
// takes one vector store instead of 4 strided scalar loads and stores.
void pack_rows4(float* dst, const float* A, int lda, int i, int p0, int kc) {
    using V = simd::AELAB_SIMD4;
    const float* r0 = A + std::size_t(i) * lda + p0;
    const float *r1 = r0 + lda, *r2 = r1 + lda, *r3 = r2 + lda;
    int k = 0;
    for (; k + 4 <= kc; k += 4, dst += 16) {
        typename V::vec v0 = V::load(r0 + k), v1 = V::load(r1 + k), v2 = V::load(r2 + k),
                        v3 = V::load(r3 + k);
        V::transpose4(v0, v1, v2, v3);  // v_j: column k + j of the 4 rows
        V::store(dst, v0);
        V::store(dst + 4, v1);
        V::store(dst + 8, v2);
        V::store(dst + 12, v3);
    }
    for (; k < kc; ++k, dst += 4) {
        dst[0] = r0[k];
        dst[1] = r1[k];
        dst[2] = r2[k];
        dst[3] = r3[k];
    }
}
#endif

// Packs op(A)[i0:i0+mc, p0:p0+kc] as panels of mr rows, (kc, mr) each, zero-padding the last.
void pack_matrix_a(float* dst, const float* A, int lda, bool trans, int i0, int mc, int p0,
                   int kc, int mr) {
    for (int ip = 0; ip < mc; ip += mr) {
        const int rows = std::min(mr, mc - ip);
#if defined(AELAB_SIMD4)
        if (!trans && mr == 4 && rows == 4) {
            pack_rows4(dst, A, lda, i0 + ip, p0, kc);
            dst += std::size_t(kc) * 4;
            continue;
        }
#endif
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

#if defined(AELAB_SIMD4)
// One full panel of NR columns of a row-major B: NR / 4 vector copies per row, no tails.
template <int NR>
void pack_cols(float* dst, const float* row, int ldb, int kc) {
    using V = simd::AELAB_SIMD4;
    for (int k = 0; k < kc; ++k, row += ldb, dst += NR)
#pragma GCC unroll 4
        for (int c = 0; c < NR; c += 4) V::store(dst + c, V::load(row + c));
}
#endif

// Packs op(B)[p0:p0+kc, j0:j0+nc] as panels of nr columns, (kc, nr) each, zero-padding the last.
void pack_matrix_b(float* dst, const float* B, int ldb, bool trans, int p0, int kc, int j0,
                   int nc, int nr) {
    for (int jp = 0; jp < nc; jp += nr) {
        const int cols = std::min(nr, nc - jp);
#if defined(AELAB_SIMD4)
        if (!trans && cols == nr && (nr == 8 || nr == 16)) {
            const float* row = B + std::size_t(p0) * ldb + j0 + jp;
            if (nr == 8)
                pack_cols<8>(dst, row, ldb, kc);
            else
                pack_cols<16>(dst, row, ldb, kc);
            dst += std::size_t(kc) * nr;
            continue;
        }
#endif
        for (int k = 0; k < kc; ++k) {
            const int p = p0 + k;
            if (trans) {
                for (int c = 0; c < cols; ++c) dst[c] = B[(j0 + jp + c) * ldb + p];
            } else {
                const float* row = B + p * ldb + j0 + jp;
                int c = 0;
#if defined(AELAB_SIMD4)
                using V = simd::AELAB_SIMD4;
                for (; c + 4 <= cols; c += 4) V::store(dst + c, V::load(row + c));
#endif
                for (; c < cols; ++c) dst[c] = row[c];
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
