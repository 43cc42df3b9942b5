// The specification of the igemm micro-kernels (igemm_microkernel.hpp): a scalar loop over any
// tile size, summing in tap order. Tests compare every SIMD igemm kernel against it.
//
// Legend: mr x nr tile of C; k depth; A[i, p] = rows[i][offsets[p]]; b packed (k, nr).
#include "aelab/gemm.hpp"

namespace aelab {

void igemm_ref(int mr, int nr, int k, const float* const* rows, const long* offsets,
               const float* b, float* c, int ldc) {
    for (int i = 0; i < mr; ++i)
        for (int j = 0; j < nr; ++j) {
            float sum = 0.0f;
            for (int p = 0; p < k; ++p) sum += rows[i][offsets[p]] * b[p * nr + j];
            c[i * ldc + j] = sum;
        }
}

// The specification of the NT GEMM tiles (gemm_nt_microkernel.hpp): per output, one running sum
// over the images in order and the depth in order.
void gemm_nt_ref(int mr, int nr, int depth, int count, const float* a, long a_row, long a_step,
                 const float* b, const long* b_rows, long b_step, float* c, int ldc) {
    for (int i = 0; i < mr; ++i)
        for (int j = 0; j < nr; ++j) {
            float sum = 0.0f;
            for (int n = 0; n < count; ++n) {
                const float* x = a + n * a_step + i * a_row;
                const float* y = b + n * b_step + b_rows[j];
                for (int t = 0; t < depth; ++t) sum += x[t] * y[t];
            }
            c[i * ldc + j] += sum;
        }
}

}  // namespace aelab
