// The one place that decides which GEMM micro-kernel this build uses. The instruction set is
// fixed at compile time (the native build uses -march=native, the web build -msimd128): the
// list below is every kernel compiled in, best first. gemm() picks among the "preferred" ones
// (the widest instruction set) by M: the tile height that wastes the fewest padded rows, the
// earlier kernel on a tie. The others stay reachable through gemm_with_kernel() so tests cover
// them.
#include <algorithm>
#include <chrono>
#include <vector>

#include "aelab/gemm.hpp"
#include "gemm_kernels.hpp"

namespace aelab {

namespace {
#if defined(__AVX2__) && defined(__FMA__)
constexpr bool kSseIsBest = false;
#elif defined(__SSE__) || defined(__x86_64__)
constexpr bool kSseIsBest = true;
#endif
const GemmKernel kKernels[] = {
#if defined(__AVX2__) && defined(__FMA__)
    {gemm_6x16_avx2, 6, 16, "gemm_6x16_avx2", true},
#endif
#if defined(__wasm_simd128__)
    {gemm_4x8_simd128, 4, 8, "gemm_4x8_simd128", true, 1},
    {gemm_4x8_simd128_x2, 4, 8, "gemm_4x8_simd128_x2", true, 2},
#endif
#if defined(__SSE__) || defined(__x86_64__)
    {gemm_4x8_sse, 4, 8, "gemm_4x8_sse", kSseIsBest},
#endif
    {nullptr, 1, 1, "gemm_ref", false},
};
constexpr int kKernelCount = int(sizeof(kKernels) / sizeof(kKernels[0]));

// The convolutions' indirect kernels, best first (conv_indirect.cpp uses igemm_kernel_best()).
// Only wasm has run-tile variants: x86 addresses r[i] + o in the load itself, wasm needs an add.
const IgemmKernel kIgemmKernels[] = {
#if defined(__AVX2__) && defined(__FMA__)
    {igemm_6x16_avx2, 6, 16, "igemm_6x16_avx2"},
#endif
#if defined(__wasm_simd128__)
    {igemm_4x8_simd128, 4, 8, "igemm_4x8_simd128", igemm_4x8_simd128_runs_table, 1},
    {igemm_4x8_simd128_x2, 4, 8, "igemm_4x8_simd128_x2", igemm_4x8_simd128_x2_runs_table, 2},
#endif
#if defined(__SSE__) || defined(__x86_64__)
    {igemm_4x8_sse, 4, 8, "igemm_4x8_sse"},
#endif
    {nullptr, 1, 1, "igemm_ref"},
};
constexpr int kIgemmKernelCount = int(sizeof(kIgemmKernels) / sizeof(kIgemmKernels[0]));

// The convolution weight gradients' NT kernels (conv.cpp uses the first), best first.
const GemmNtKernel kGemmNtKernels[] = {
#if defined(__AVX2__) && defined(__FMA__)
    {gemm_nt_3x4_avx2, 3, 4, "gemm_nt_3x4_avx2"},
#endif
#if defined(__wasm_simd128__)
    {gemm_nt_4x2_simd128, 4, 2, "gemm_nt_4x2_simd128"},
#endif
#if defined(__SSE__) || defined(__x86_64__)
    {gemm_nt_4x2_sse, 4, 2, "gemm_nt_4x2_sse"},
#endif
    {nullptr, 1, 1, "gemm_nt_ref"},
};
constexpr int kGemmNtKernelCount = int(sizeof(kGemmNtKernels) / sizeof(kGemmNtKernels[0]));
}  // namespace

const GemmKernel& gemm_kernel(int index) {
    if (index < 0 || index >= kKernelCount)
        throw Error("gemm_kernel: index must be in [0, " + std::to_string(kKernelCount) +
                    "), got " + std::to_string(index));
    return kKernels[index];
}

#if defined(__wasm_simd128__)
namespace {
// Which SIMD128 loop shape this engine runs faster (gemm_microkernel.hpp): the 4x8 GEMM tile
// over 256 in-cache depth steps, one and two steps per iteration, alternately timed in blocks
// of ~1 ms (well above a browser's coarsened clock) after a warm-up that lets the engine tier
// them up; the fastest block of each decides. ~10 ms, once. Measured: node 20 picks 2 (+13%),
// Chromium 156 picks 1 (2 is 30-50% slower there).
int time_simd128_loop_steps() {
    constexpr int kc = 256, calls = 2048, rounds = 5;
    std::vector<float> a(4 * kc), b(8 * kc), c(4 * 8);
    for (std::size_t i = 0; i < a.size(); ++i) a[i] = 0.001f * float(i % 7);
    for (std::size_t i = 0; i < b.size(); ++i) b[i] = 0.001f * float(i % 5);
    const GemmMicrokernel shapes[2] = {gemm_4x8_simd128, gemm_4x8_simd128_x2};
    double best[2] = {1e30, 1e30};
    for (int round = -1; round < rounds; ++round)  // round -1: warm-up
        for (int v = 0; v < 2; ++v) {
            const auto t0 = std::chrono::steady_clock::now();
            for (int r = 0; r < calls; ++r) shapes[v](kc, a.data(), b.data(), c.data(), 8, 0);
            const double s =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            if (round >= 0) best[v] = std::min(best[v], s);
        }
    return best[1] < best[0] ? 2 : 1;
}
}  // namespace
#endif

int simd128_loop_steps() {
#if defined(__wasm_simd128__)
    static const int steps = time_simd128_loop_steps();
    return steps;
#else
    return 1;
#endif
}

int gemm_kernel_for(int M) {
    const int steps = simd128_loop_steps();
    int best = 0;
    long best_rows = -1;
    for (int i = 0; i < kKernelCount; ++i) {
        if (!kKernels[i].preferred || kKernels[i].steps != steps) continue;
        const int mr = kKernels[i].mr;
        // Rows the micro-kernel computes, padding included: the work it does for M rows.
        const long rows = long((M + mr - 1) / mr) * mr;
        if (best_rows < 0 || rows < best_rows) {
            best = i;
            best_rows = rows;
        }
    }
    return best;
}

const IgemmKernel& igemm_kernel(int index) {
    if (index < 0 || index >= kIgemmKernelCount)
        throw Error("igemm_kernel: index must be in [0, " + std::to_string(kIgemmKernelCount) +
                    "), got " + std::to_string(index));
    return kIgemmKernels[index];
}

const IgemmKernel& igemm_kernel_best() {
    const int steps = simd128_loop_steps();
    for (const IgemmKernel& kernel : kIgemmKernels)
        if (kernel.steps == steps) return kernel;
    return kIgemmKernels[0];
}

const char* igemm_kernel_best_name() { return igemm_kernel_best().name; }
int igemm_kernel_count() { return kIgemmKernelCount; }
const char* igemm_kernel_name(int index) { return igemm_kernel(index).name; }
int igemm_kernel_mr(int index) { return igemm_kernel(index).mr; }
int igemm_kernel_nr(int index) { return igemm_kernel(index).nr; }

bool igemm_runs_tile_with_kernel(int index, int step, int split, int k, const float* run0,
                                 const float* run1, const long* offsets, const float* b, float* c,
                                 int ldc) {
    const IgemmRunsMicrokernel run = igemm_kernel(index).runs_for(step, split);
    if (!run) return false;
    run(k, run0, run1, offsets, b, c, ldc);
    return true;
}

void igemm_tile_with_kernel(int index, int k, const float* const* rows, const long* offsets,
                            const float* b, float* c, int ldc) {
    const IgemmKernel& kernel = igemm_kernel(index);
    if (kernel.run)
        kernel.run(k, rows, offsets, b, c, ldc);
    else
        igemm_ref(kernel.mr, kernel.nr, k, rows, offsets, b, c, ldc);
}

const GemmNtKernel& gemm_nt_kernel(int index) {
    if (index < 0 || index >= kGemmNtKernelCount)
        throw Error("gemm_nt_kernel: index must be in [0, " + std::to_string(kGemmNtKernelCount) +
                    "), got " + std::to_string(index));
    return kGemmNtKernels[index];
}

void gemm_nt_run(const GemmNtKernel& kernel, int mr, int nr, int depth, int count, const float* a,
                 long a_row, long a_step, const float* b, const long* b_rows, long b_step,
                 float* c, int ldc) {
    if (!kernel.table) {
        gemm_nt_ref(mr, nr, depth, count, a, a_row, a_step, b, b_rows, b_step, c, ldc);
        return;
    }
    if (mr < 1 || mr > kernel.mr || nr < 1 || nr > kernel.nr)
        throw Error(std::string("gemm_nt: ") + kernel.name + " takes tiles up to " +
                    std::to_string(kernel.mr) + "x" + std::to_string(kernel.nr) + ", got " +
                    std::to_string(mr) + "x" + std::to_string(nr));
    kernel.table[(mr - 1) * kernel.nr + (nr - 1)](depth, count, a, a_row, a_step, b, b_rows,
                                                 b_step, c, ldc);
}

int gemm_nt_kernel_count() { return kGemmNtKernelCount; }
const char* gemm_nt_kernel_name(int index) { return gemm_nt_kernel(index).name; }
int gemm_nt_kernel_mr(int index) { return gemm_nt_kernel(index).mr; }
int gemm_nt_kernel_nr(int index) { return gemm_nt_kernel(index).nr; }
void gemm_nt_tile_with_kernel(int index, int mr, int nr, int depth, int count, const float* a,
                              long a_row, long a_step, const float* b, const long* b_rows,
                              long b_step, float* c, int ldc) {
    gemm_nt_run(gemm_nt_kernel(index), mr, nr, depth, count, a, a_row, a_step, b, b_rows, b_step,
                c, ldc);
}

int gemm_kernel_count() { return kKernelCount; }
const char* gemm_kernel_name(int index) { return gemm_kernel(index).name; }
int gemm_kernel_mr(int index) { return gemm_kernel(index).mr; }
int gemm_kernel_nr(int index) { return gemm_kernel(index).nr; }

}  // namespace aelab
