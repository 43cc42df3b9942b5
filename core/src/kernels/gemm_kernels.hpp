// The GEMM micro-kernels of this build (see gemm_microkernel.hpp for the contract) and the
// one place that picks among them (gemm_dispatch.cpp).
#pragma once
#include <string>

#include "aelab/error.hpp"

namespace aelab {

// C tile (MR, NR) (+)= packed A (kc, MR) * packed B (kc, NR).
using GemmMicrokernel = void (*)(int kc, const float* a, const float* b, float* c, int ldc,
                                 int accumulate);

struct GemmKernel {
    GemmMicrokernel run;  // nullptr: the scalar gemm_ref, always last in the list
    int mr, nr;
    const char* name;
    bool preferred;  // a candidate for gemm(): the build's widest instruction set
};

#if defined(__wasm_simd128__)
void gemm_4x8_simd128(int kc, const float* a, const float* b, float* c, int ldc, int accumulate);
#endif
#if defined(__SSE__) || defined(__x86_64__)
void gemm_4x8_sse(int kc, const float* a, const float* b, float* c, int ldc, int accumulate);
#endif
#if defined(__AVX2__) && defined(__FMA__)
void gemm_6x16_avx2(int kc, const float* a, const float* b, float* c, int ldc, int accumulate);
#endif

// Kernel `index` of the build's list; throws if out of range.
const GemmKernel& gemm_kernel(int index);

// Indirect GEMM tile (igemm_microkernel.hpp): C (MR, NR) = A (MR, k) * b (k, NR) with
// A[i, p] = rows[i][offsets[p]].
using IgemmMicrokernel = void (*)(int k, const float* const* rows, const long* offsets,
                                  const float* b, float* c, int ldc);

struct IgemmKernel {
    IgemmMicrokernel run;  // nullptr: the scalar igemm_ref, always last in the list
    int mr, nr;
    const char* name;
};

#if defined(__wasm_simd128__)
void igemm_4x8_simd128(int k, const float* const* rows, const long* offsets, const float* b,
                       float* c, int ldc);
#endif
#if defined(__SSE__) || defined(__x86_64__)
void igemm_4x8_sse(int k, const float* const* rows, const long* offsets, const float* b, float* c,
                   int ldc);
#endif
#if defined(__AVX2__) && defined(__FMA__)
void igemm_6x16_avx2(int k, const float* const* rows, const long* offsets, const float* b,
                     float* c, int ldc);
#endif

// Indirect kernel `index` of the build's list, best first; throws if out of range.
const IgemmKernel& igemm_kernel(int index);


}  // namespace aelab
