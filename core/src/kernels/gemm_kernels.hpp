// The GEMM micro-kernels of this build (see gemm_microkernel.hpp for the contract) and the
// one place that picks among them (dispatch.cpp). The AVX2 ones are compiled in their own
// files with -mavx2 -mfma: call them only through the dispatch, which checks the CPU first.
#pragma once
#include <string>

#include "aelab/error.hpp"
#include "isa.hpp"

namespace aelab {

// C tile (MR, NR) (+)= packed A (kc, MR) * packed B (kc, NR).
using GemmMicrokernel = void (*)(int kc, const float* a, const float* b, float* c, int ldc,
                                 int accumulate);

struct GemmKernel {
    GemmMicrokernel run;  // nullptr: the scalar gemm_ref, always last in the list
    int mr, nr;
    const char* name;
    Isa isa;        // its instruction set: run only when the CPU has it and the choice allows
    int steps = 1;  // depth steps per loop iteration (gemm_microkernel.hpp)
};

#if defined(AELAB_ISA_SIMD128)
void gemm_4x8_simd128(int kc, const float* a, const float* b, float* c, int ldc, int accumulate);
void gemm_4x8_simd128_x2(int kc, const float* a, const float* b, float* c, int ldc,
                         int accumulate);
#endif
#if defined(AELAB_ISA_SSE)
void gemm_4x8_sse(int kc, const float* a, const float* b, float* c, int ldc, int accumulate);
#endif
#if defined(AELAB_ISA_AVX2)
void gemm_6x16_avx2(int kc, const float* a, const float* b, float* c, int ldc, int accumulate);
#endif

// Kernel `index` of the list of kernels this CPU runs (dispatch.cpp); throws if out of range.
const GemmKernel& gemm_kernel(int index);

// Indirect GEMM tile (igemm_microkernel.hpp): C (MR, NR) = A (MR, k) * b (k, NR) with
// A[i, p] = rows[i][offsets[p]].
using IgemmMicrokernel = void (*)(int k, const float* const* rows, const long* offsets,
                                  const float* b, float* c, int ldc);

// The same tile when its rows are one or two runs of consecutive positions S source floats
// apart (igemm_microkernel_runs): rows[i] = run0 + i * S for i < J, run1 + (i - J) * S after.
using IgemmRunsMicrokernel = void (*)(int k, const float* run0, const float* run1,
                                      const long* offsets, const float* b, float* c, int ldc);
struct IgemmKernel {
    IgemmMicrokernel run;  // nullptr: the scalar igemm_ref, always last in the list
    int mr, nr;
    const char* name;
    Isa isa;
    // Run tiles, if any: [(S - 1) * mr + J - 1] for source steps S = 1, 2 and splits J = 1..mr.
    const IgemmRunsMicrokernel* runs = nullptr;
    int steps = 1;  // depth steps per loop iteration (gemm_microkernel.hpp)
    IgemmRunsMicrokernel runs_for(int S, int J) const {
        return runs && (S == 1 || S == 2) && J >= 1 && J <= mr ? runs[(S - 1) * mr + J - 1]
                                                               : nullptr;
    }
};

#if defined(AELAB_ISA_SIMD128)
// One and two depth steps per loop iteration (gemm_microkernel.hpp), each with its run tiles.
void igemm_4x8_simd128(int k, const float* const* rows, const long* offsets, const float* b,
                       float* c, int ldc);
void igemm_4x8_simd128_x2(int k, const float* const* rows, const long* offsets, const float* b,
                          float* c, int ldc);
extern const IgemmRunsMicrokernel igemm_4x8_simd128_runs_table[2 * 4];
extern const IgemmRunsMicrokernel igemm_4x8_simd128_x2_runs_table[2 * 4];
#endif
#if defined(AELAB_ISA_SSE)
void igemm_4x8_sse(int k, const float* const* rows, const long* offsets, const float* b, float* c,
                   int ldc);
#endif
#if defined(AELAB_ISA_AVX2)
void igemm_6x16_avx2(int k, const float* const* rows, const long* offsets, const float* b,
                     float* c, int ldc);
#endif

// Indirect kernel `index` of the build's list, best first; throws if out of range.
const IgemmKernel& igemm_kernel(int index);
// The indirect kernel the convolutions use: the first whose loop shape is this engine's.
const IgemmKernel& igemm_kernel_best();

// NT GEMM tiles (gemm_nt_microkernel.hpp): c (mr, nr) += dot products of rows contiguous in
// the depth, summed over images. A table holds every tile up to MR x NR, [mr - 1][nr - 1].
using GemmNtMicrokernel = void (*)(int depth, int count, const float* a, long a_row, long a_step,
                                   const float* b, const long* b_rows, long b_step, float* c,
                                   int ldc);
// Depths that are a multiple of this run without a scalar tail on every build (AVX2: 8 lanes).
constexpr int kGemmNtDepthStep = 8;
struct GemmNtKernel {
    const GemmNtMicrokernel* table;  // nullptr: the scalar gemm_nt_ref, always last in the list
    int mr, nr;
    const char* name;
    Isa isa;
};
#if defined(AELAB_ISA_SIMD128)
extern const GemmNtMicrokernel* const gemm_nt_4x2_simd128;  // [4 * 2]
#endif
#if defined(AELAB_ISA_SSE)
extern const GemmNtMicrokernel* const gemm_nt_4x2_sse;  // [4 * 2]
#endif
#if defined(AELAB_ISA_AVX2)
extern const GemmNtMicrokernel* const gemm_nt_3x4_avx2;  // [3 * 4]
#endif
// NT kernel `index` of the build's list, best first; throws if out of range.
const GemmNtKernel& gemm_nt_kernel(int index);
// The NT kernel the convolution weight gradients use: the first.
const GemmNtKernel& gemm_nt_kernel_best();
// One tile of at most the kernel's mr x nr through kernel `index` (the scalar twin for the last).
void gemm_nt_run(const GemmNtKernel& kernel, int mr, int nr, int depth, int count, const float* a,
                 long a_row, long a_step, const float* b, const long* b_rows, long b_step,
                 float* c, int ldc);


}  // namespace aelab
