// The specification of gemm(): a triple loop, accumulating each dot product in float in
// k order. Slow on purpose; tests compare the fast path against it.
//
// Legend: M rows of C, N columns of C, K the shared (summed) dimension.
#include "aelab/gemm.hpp"

namespace aelab {

void gemm_ref(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda,
              const float* B, int ldb, float* C, int ldc, bool accumulate) {
    for (int i = 0; i < M; ++i)
        for (int j = 0; j < N; ++j) {
            float sum = 0.0f;
            for (int k = 0; k < K; ++k) {
                float a = trans_a ? A[k * lda + i] : A[i * lda + k];
                float b = trans_b ? B[j * ldb + k] : B[k * ldb + j];
                sum += a * b;
            }
            C[i * ldc + j] = accumulate ? C[i * ldc + j] + sum : sum;
        }
}

}  // namespace aelab
