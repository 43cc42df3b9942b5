// aelab core: single-precision matrix multiply, the engine under conv, transposed conv and linear.
//
//   C (M, N) = op(A) (M, K) * op(B) (K, N)   [+ C when accumulate]
//
// op(A) is A or its transpose: with trans_a, A is stored (K, M) row-major with leading
// dimension lda; otherwise (M, K). Same for B. All matrices are row-major.
// gemm() is the fast path (packing + register-blocked SIMD micro-kernel, chosen once in
// core/src/kernels/gemm_dispatch.cpp); gemm_ref() is the triple loop that specifies it.
#pragma once

namespace aelab {

void gemm(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda, const float* B,
          int ldb, float* C, int ldc, bool accumulate);

void gemm_ref(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda,
              const float* B, int ldb, float* C, int ldc, bool accumulate);

// The micro-kernels compiled into this build, best first (e.g. "gemm_6x16_avx2" natively with
// AVX2; "gemm_4x8_simd128" in wasm). The
// last is always "gemm_ref". MR x NR is each kernel's register tile. gemm() uses the kernel of
// the widest instruction set whose tile height wastes the fewest padded rows for its M
// (gemm_kernel_for); conv uses it too. Index out of range throws aelab::Error.
int gemm_kernel_count();
const char* gemm_kernel_name(int index = 0);
int gemm_kernel_mr(int index = 0);
int gemm_kernel_nr(int index = 0);
// The index of the kernel gemm() uses for a product with M rows.
int gemm_kernel_for(int M);

// gemm() through kernel `index` of that list (tests and benchmarks).
void gemm_with_kernel(int index, bool trans_a, bool trans_b, int M, int N, int K, const float* A,
                      int lda, const float* B, int ldb, float* C, int ldc, bool accumulate);

}  // namespace aelab
