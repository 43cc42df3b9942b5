// aelab core: single-precision matrix multiply, the engine under conv, transposed conv and linear.
//
//   C (M, N) = op(A) (M, K) * op(B) (K, N)   [+ C when accumulate]
//
// op(A) is A or its transpose: with trans_a, A is stored (K, M) row-major with leading
// dimension lda; otherwise (M, K). Same for B. All matrices are row-major.
// gemm() is the fast path (packing + register-blocked SIMD micro-kernel, chosen once in
// core/src/kernels/dispatch.cpp); gemm_ref() is the triple loop that specifies it.
#pragma once
#include <string>
#include <vector>

namespace aelab {

void gemm(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda, const float* B,
          int ldb, float* C, int ldc, bool accumulate);

void gemm_ref(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda,
              const float* B, int ldb, float* C, int ldc, bool accumulate);

// The micro-kernels compiled into this build that this CPU runs, best first (e.g.
// "gemm_6x16_avx2" natively with AVX2; "gemm_4x8_simd128" in wasm). The last is always
// "gemm_ref". MR x NR is each kernel's register tile. gemm() uses the kernel of
// the active instruction set (instruction_set()) whose tile height wastes the fewest padded rows for its M
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

// Indirect GEMM micro-kernels, the engine of the convolutions: one register tile
//   C (mr, nr) = A (mr, k) * b (k, nr),  A[i, p] = rows[i][offsets[p]],  b packed row-major
// with c row-major (leading dimension ldc), written. The rows of A are output positions read
// straight from an image through one pointer each, so im2col is never materialised.
// igemm_ref is the scalar twin for any tile size; the build's list (best first, igemm_ref
// last, mr = nr = 1) is chosen in dispatch.cpp like the GEMM kernels.
void igemm_ref(int mr, int nr, int k, const float* const* rows, const long* offsets,
               const float* b, float* c, int ldc);
int igemm_kernel_count();
// The name of the indirect kernel the convolutions use (igemm_kernel_best()).
const char* igemm_kernel_best_name();
// The instruction set the kernels run on now: "avx2+fma", "wasm-simd128", "sse" or "scalar".
// Chosen at run time (kernels/isa.cpp): the widest one compiled in that this CPU supports
// (natively AVX2+FMA, else SSE; the web build's SIMD128 is fixed at compile time), unless
// set_isa() or the environment variable AELAB_ISA (read once, on first use) forces another.
const char* instruction_set();
// The one detection picks, whatever was forced.
const char* detected_instruction_set();
// Every instruction set this build and CPU can run, widest first, "scalar" last.
std::vector<std::string> runnable_instruction_sets();
// Forces the kernels' instruction set: "avx2" (or "avx2+fma"), "sse", "simd128" (or
// "wasm-simd128"), "scalar", or "auto" for the detected one. Every op then runs only kernels of
// that set or narrower ones ("scalar": the scalar twins). Throws aelab::Error for a name this
// build or CPU cannot run (AELAB_ISA with such a name only prints a warning). The kernel lists
// below (gemm_kernel_count() ...) hold what the CPU runs, whatever is forced.
void set_isa(const std::string& name);
// Depth steps per loop iteration of this engine's faster WebAssembly SIMD128 tiles, 1 or 2
// (kernels/gemm_microkernel.hpp): timed once on first use, since V8 versions disagree; the
// results are identical either way. 1 on native builds.
int simd128_loop_steps();
// Fixes that choice (1 or 2; 0 goes back to timing on next use), for benchmarks comparing the
// two shapes; native builds accept only 1. Throws aelab::Error for other values.
void set_simd128_loop_steps(int steps);
const char* igemm_kernel_name(int index = 0);
int igemm_kernel_mr(int index = 0);
int igemm_kernel_nr(int index = 0);
// NT GEMM micro-kernels, the engine of the convolution weight gradients: one tile
//   c[i * ldc + j] += sum over n < count, t < depth of A_n[i][t] * B_n[j][t]
// with A_n[i] = a + n * a_step + i * a_row and B_n[j] = b + n * b_step + b_rows[j]: dot products
// of rows that are contiguous in the depth (runs of positions), so nothing is packed. Tiles up to
// the kernel's mr x nr. gemm_nt_ref is the scalar twin; the build's list is best first with
// gemm_nt_ref last (mr = nr = 1, but it takes any tile).
void gemm_nt_ref(int mr, int nr, int depth, int count, const float* a, long a_row, long a_step,
                 const float* b, const long* b_rows, long b_step, float* c, int ldc);
int gemm_nt_kernel_count();
const char* gemm_nt_kernel_name(int index = 0);
int gemm_nt_kernel_mr(int index = 0);
int gemm_nt_kernel_nr(int index = 0);
// One tile of at most that kernel's mr x nr through kernel `index` (tests and benchmarks).
void gemm_nt_tile_with_kernel(int index, int mr, int nr, int depth, int count, const float* a,
                              long a_row, long a_step, const float* b, const long* b_rows,
                              long b_step, float* c, int ldc);
// The run-tile variant of kernel `index`: the same tile with rows[i] = run0 + i * step for
// i < split and run1 + (i - split) * step after (split = mr: one run), for step 1 or 2 -
// consecutive outputs of a row, as the convolutions form most tiles, or of two rows. Returns
// false, computing nothing, when the kernel has no variant for that step and split.
bool igemm_runs_tile_with_kernel(int index, int step, int split, int k, const float* run0,
                                 const float* run1, const long* offsets, const float* b, float* c,
                                 int ldc);
// One tile through kernel `index` of that list (tests and benchmarks).
void igemm_tile_with_kernel(int index, int k, const float* const* rows, const long* offsets,
                            const float* b, float* c, int ldc);

}  // namespace aelab
