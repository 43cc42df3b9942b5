// The one place that decides which kernels and engines run:
//  - the GEMM micro-kernels (gemm(), the polyphase conv engine), the indirect GEMM kernels (the
//    indirect conv engine), the NT GEMM kernels (conv weight gradients) and the pools' 2x2
//    stride-2 row kernels: each list below holds every kernel compiled in (isa.hpp), best
//    first, a scalar one last, each tagged with its instruction set. At run time each list
//    keeps the kernels this CPU runs (the index functions below number those), and the ops use
//    the first whose set the active choice allows (isa.cpp: detected, or forced by set_isa() /
//    AELAB_ISA); the others stay reachable through *_with_kernel() so tests cover them. The
//    AVX2 kernels live in their own files, compiled with -mavx2 -mfma, and are reached only
//    through these pointers, after the CPU check;
//  - which convolution engine (ops/conv_engines.hpp) computes each part of each conv op.
// gemm() picks among the GEMM kernels of the active instruction set by M: the tile height that
// wastes the fewest padded rows, the earlier kernel on a tie.
#include <algorithm>
#include <chrono>
#include <vector>

#include "../ops/conv_engines.hpp"
#include "aelab/gemm.hpp"
#include "aelab/pool.hpp"
#include "gemm_kernels.hpp"
#include "isa.hpp"
#include "pool_2x2s2.hpp"

namespace aelab {

namespace {
const GemmKernel kAllKernels[] = {
#if defined(AELAB_ISA_AVX2)
    {gemm_6x16_avx2, 6, 16, "gemm_6x16_avx2", Isa::avx2},
#endif
#if defined(AELAB_ISA_SIMD128)
    {gemm_4x8_simd128, 4, 8, "gemm_4x8_simd128", Isa::simd128, 1},
    {gemm_4x8_simd128_x2, 4, 8, "gemm_4x8_simd128_x2", Isa::simd128, 2},
#endif
#if defined(AELAB_ISA_SSE)
    {gemm_4x8_sse, 4, 8, "gemm_4x8_sse", Isa::sse},
#endif
    {nullptr, 1, 1, "gemm_ref", Isa::scalar},
};

// The convolutions' indirect kernels, best first (the indirect engine uses igemm_kernel_best()).
// Only wasm has run-tile variants: x86 addresses r[i] + o in the load itself, wasm needs an add.
const IgemmKernel kAllIgemmKernels[] = {
#if defined(AELAB_ISA_AVX2)
    {igemm_6x16_avx2, 6, 16, "igemm_6x16_avx2", Isa::avx2},
#endif
#if defined(AELAB_ISA_SIMD128)
    {igemm_4x8_simd128, 4, 8, "igemm_4x8_simd128", Isa::simd128, igemm_4x8_simd128_runs_table, 1},
    {igemm_4x8_simd128_x2, 4, 8, "igemm_4x8_simd128_x2", Isa::simd128,
     igemm_4x8_simd128_x2_runs_table, 2},
#endif
#if defined(AELAB_ISA_SSE)
    {igemm_4x8_sse, 4, 8, "igemm_4x8_sse", Isa::sse},
#endif
    {nullptr, 1, 1, "igemm_ref", Isa::scalar},
};

// The convolution weight gradients' NT kernels, best first (gemm_nt_kernel_best()). The AVX2
// table is read at run time (gemm_nt_3x4_avx2 is a pointer defined in its own file).
const GemmNtKernel* all_gemm_nt_kernels(int& count) {
    static const GemmNtKernel kernels[] = {
#if defined(AELAB_ISA_AVX2)
        {gemm_nt_3x4_avx2, 3, 4, "gemm_nt_3x4_avx2", Isa::avx2},
#endif
#if defined(AELAB_ISA_SIMD128)
        {gemm_nt_4x2_simd128, 4, 2, "gemm_nt_4x2_simd128", Isa::simd128},
#endif
#if defined(AELAB_ISA_SSE)
        {gemm_nt_4x2_sse, 4, 2, "gemm_nt_4x2_sse", Isa::sse},
#endif
        {nullptr, 1, 1, "gemm_nt_ref", Isa::scalar},
    };
    count = int(sizeof(kernels) / sizeof(kernels[0]));
    return kernels;
}

// The pools' 2x2 stride-2 row kernels, best first (pool.cpp uses pool_2x2s2_kernel_best()).
const Pool2x2s2Kernel kAllPoolKernels[] = {
#if defined(AELAB_ISA_AVX2)
    {max_pool_2x2s2_row<simd::Avx2>, avg_pool_2x2s2_row<simd::Avx2>, "pool_2x2s2_avx2", Isa::avx2},
#endif
#if defined(AELAB_ISA_SIMD128)
    {max_pool_2x2s2_row<simd::Simd128>, avg_pool_2x2s2_row<simd::Simd128>, "pool_2x2s2_simd128",
     Isa::simd128},
#endif
#if defined(AELAB_ISA_SSE)
    {max_pool_2x2s2_row<simd::Sse>, avg_pool_2x2s2_row<simd::Sse>, "pool_2x2s2_sse", Isa::sse},
#endif
    {max_pool_2x2s2_row<simd::Scalar>, avg_pool_2x2s2_row<simd::Scalar>, "pool_2x2s2_scalar",
     Isa::scalar},
};

// The kernels of a list this CPU runs, in order: built once, on first use.
template <class Kernel>
std::vector<Kernel> runnable(const Kernel* all, int count) {
    std::vector<Kernel> kept;
    for (int i = 0; i < count; ++i)
        if (isa_runnable(all[i].isa)) kept.push_back(all[i]);
    return kept;
}
const std::vector<GemmKernel>& kernels() {
    static const std::vector<GemmKernel> list =
        runnable(kAllKernels, int(sizeof(kAllKernels) / sizeof(kAllKernels[0])));
    return list;
}
const std::vector<IgemmKernel>& igemm_kernels() {
    static const std::vector<IgemmKernel> list =
        runnable(kAllIgemmKernels, int(sizeof(kAllIgemmKernels) / sizeof(kAllIgemmKernels[0])));
    return list;
}
const std::vector<GemmNtKernel>& gemm_nt_kernels() {
    static const std::vector<GemmNtKernel> list = [] {
        int count = 0;
        const GemmNtKernel* all = all_gemm_nt_kernels(count);
        return runnable(all, count);
    }();
    return list;
}
const std::vector<Pool2x2s2Kernel>& pool_kernels() {
    static const std::vector<Pool2x2s2Kernel> list =
        runnable(kAllPoolKernels, int(sizeof(kAllPoolKernels) / sizeof(kAllPoolKernels[0])));
    return list;
}

// The index of the first kernel of a list the active instruction set allows (the scalar one,
// last, always is).
template <class Kernel>
int first_allowed(const std::vector<Kernel>& list) {
    for (int i = 0; i < int(list.size()); ++i)
        if (isa_allowed(list[i].isa)) return i;
    return int(list.size()) - 1;
}
// The same among the kernels of this engine's SIMD128 loop shape (igemm; the scalar one too).
int first_allowed(const std::vector<IgemmKernel>& list, int steps) {
    for (int i = 0; i < int(list.size()); ++i)
        if (isa_allowed(list[i].isa) && list[i].steps == steps) return i;
    return int(list.size()) - 1;
}

template <class Kernel>
const Kernel& at(const std::vector<Kernel>& list, int index, const char* who) {
    if (index < 0 || index >= int(list.size()))
        throw Error(std::string(who) + ": index must be in [0, " + std::to_string(list.size()) +
                    "), got " + std::to_string(index));
    return list[std::size_t(index)];
}
}  // namespace

const GemmKernel& gemm_kernel(int index) { return at(kernels(), index, "gemm_kernel"); }

#if defined(AELAB_ISA_SIMD128)
namespace {
// Which SIMD128 loop shape this engine runs faster (gemm_microkernel.hpp), timed on the 4x8
// GEMM tile over 256 in-cache depth steps, in pairs of blocks (one per shape, ABBA order) after
// a warm-up in which the engine tiers both up from its baseline compiler. Each pair gives a
// ratio and their median decides (two steps when below 1): a shared machine drifts between
// fast and slow phases and pauses now and then, which the two blocks of a pair share and the
// median ignores. Fewer, longer blocks where the clock ticks coarsely (browsers without
// cross-origin isolation); 15-30 ms, once. What each V8 version picks: docs/PERFORMANCE.md.
int time_simd128_loop_steps() {
    using clock = std::chrono::steady_clock;
    constexpr int kc = 256;
    std::vector<float> a(4 * kc), b(8 * kc), c(4 * 8);
    for (std::size_t i = 0; i < a.size(); ++i) a[i] = 0.001f * float(i % 7);
    for (std::size_t i = 0; i < b.size(); ++i) b[i] = 0.001f * float(i % 5);
    // The clock's tick: the smallest step between two readings.
    double tick = 1.0;
    for (int i = 0; i < 3; ++i) {
        const auto t0 = clock::now();
        auto t1 = t0;
        while (t1 == t0) t1 = clock::now();
        tick = std::min(tick, std::chrono::duration<double>(t1 - t0).count());
    }
    const bool coarse = tick > 20e-6;
    const int calls = coarse ? 2048 : 512, pairs = coarse ? 12 : 24;
    const GemmMicrokernel shapes[2] = {gemm_4x8_simd128, gemm_4x8_simd128_x2};
    auto run = [&](int v) {
        const auto t0 = clock::now();
        for (int r = 0; r < calls; ++r) shapes[v](kc, a.data(), b.data(), c.data(), 8, 0);
        return std::chrono::duration<double>(clock::now() - t0).count();
    };
    for (int warm = 0; warm < 8; ++warm) run(warm % 2);
    std::vector<double> ratio(pairs);  // two steps / one step
    for (int p = 0; p < pairs; ++p) {
        double t[2];
        for (int i = 0; i < 2; ++i) {
            const int v = i ^ (p % 2);  // A B, B A, A B, ...
            t[v] = run(v);
        }
        ratio[p] = t[1] / std::max(t[0], 1e-9);
    }
    std::nth_element(ratio.begin(), ratio.begin() + pairs / 2, ratio.end());
    return ratio[pairs / 2] < 1.0 ? 2 : 1;
}
}  // namespace
#endif

namespace {
int g_simd128_loop_steps = 0;  // 0: not timed yet
}  // namespace

int simd128_loop_steps() {
#if defined(AELAB_ISA_SIMD128)
    if (g_simd128_loop_steps == 0) g_simd128_loop_steps = time_simd128_loop_steps();
    return g_simd128_loop_steps;
#else
    return 1;
#endif
}

void set_simd128_loop_steps(int steps) {
#if defined(AELAB_ISA_SIMD128)
    const int most = 2;
#else
    const int most = 1;
#endif
    if (steps < 0 || steps > most)
        throw Error("set_simd128_loop_steps: steps must be in [0, " + std::to_string(most) +
                    "] on this build, got " + std::to_string(steps));
    g_simd128_loop_steps = steps;
}

int gemm_kernel_for(int M) {
    const std::vector<GemmKernel>& list = kernels();
    const Isa active = active_isa();
    const int steps = simd128_loop_steps();
    int best = int(list.size()) - 1;  // gemm_ref when the active set has no kernel (scalar)
    long best_rows = -1;
    for (int i = 0; i < int(list.size()); ++i) {
        if (list[i].isa != active || list[i].run == nullptr || list[i].steps != steps) continue;
        const int mr = list[i].mr;
        // Rows the micro-kernel computes, padding included: the work it does for M rows.
        const long rows = long((M + mr - 1) / mr) * mr;
        if (best_rows < 0 || rows < best_rows) {
            best = i;
            best_rows = rows;
        }
    }
    return best;
}

const IgemmKernel& igemm_kernel(int index) { return at(igemm_kernels(), index, "igemm_kernel"); }

const IgemmKernel& igemm_kernel_best() {
    const std::vector<IgemmKernel>& list = igemm_kernels();
    return list[std::size_t(first_allowed(list, simd128_loop_steps()))];
}

const char* igemm_kernel_best_name() { return igemm_kernel_best().name; }
int igemm_kernel_count() { return int(igemm_kernels().size()); }
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

const GemmNtKernel& gemm_nt_kernel_best() {
    const std::vector<GemmNtKernel>& list = gemm_nt_kernels();
    return list[std::size_t(first_allowed(list))];
}

const GemmNtKernel& gemm_nt_kernel(int index) {
    return at(gemm_nt_kernels(), index, "gemm_nt_kernel");
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

int gemm_nt_kernel_count() { return int(gemm_nt_kernels().size()); }
const char* gemm_nt_kernel_name(int index) { return gemm_nt_kernel(index).name; }
int gemm_nt_kernel_mr(int index) { return gemm_nt_kernel(index).mr; }
int gemm_nt_kernel_nr(int index) { return gemm_nt_kernel(index).nr; }
void gemm_nt_tile_with_kernel(int index, int mr, int nr, int depth, int count, const float* a,
                              long a_row, long a_step, const float* b, const long* b_rows,
                              long b_step, float* c, int ldc) {
    gemm_nt_run(gemm_nt_kernel(index), mr, nr, depth, count, a, a_row, a_step, b, b_rows, b_step,
                c, ldc);
}

int gemm_kernel_count() { return int(kernels().size()); }
const char* gemm_kernel_name(int index) { return gemm_kernel(index).name; }
int gemm_kernel_mr(int index) { return gemm_kernel(index).mr; }
int gemm_kernel_nr(int index) { return gemm_kernel(index).nr; }

const Pool2x2s2Kernel& pool_2x2s2_kernel(int index) {
    return at(pool_kernels(), index, "pool_2x2s2_kernel");
}
int pool_2x2s2_kernel_best_index() { return first_allowed(pool_kernels()); }
int pool_2x2s2_kernel_count() { return int(pool_kernels().size()); }
const char* pool_2x2s2_kernel_name(int index) { return pool_2x2s2_kernel(index).name; }

// ---- convolution engines ---------------------------------------------------------------------
namespace {

enum class ConvEngine { direct, indirect, polyphase };

// The engines read padding (and the pitched rows' junk) as zeros multiplied by weights: exact
// for finite weights, but 0 * inf is NaN where the scalar twins skip the padding taps. Weights
// with an inf or NaN therefore go through the twins.
bool all_finite(const float* x, std::size_t n) {
    float s = 0.0f;
    for (std::size_t i = 0; i < n; ++i) s += x[i] - x[i];  // NaN as soon as one is inf or NaN
    return s == 0.0f;
}

// The engine that writes a side of C_dst channels: the indirect one when they fill at least
// half its tile (channel padding up to NR is wasted work), else the polyphase one. Both need
// SIMD micro-kernels: without any (isa.hpp: AELAB_ISA_SCALAR, or "scalar" chosen at run time)
// the calls run the scalar twins.
ConvEngine conv_engine(const ConvGeometry& g, const float* weight, int C_dst) {
    if (!all_finite(weight, std::size_t(g.C_grid) * g.col_rows())) return ConvEngine::direct;
    const IgemmKernel& kernel = igemm_kernel_best();
    if (kernel.run && 2 * C_dst >= kernel.nr) return ConvEngine::indirect;
    return gemm_kernel(gemm_kernel_for(g.C_grid)).run ? ConvEngine::polyphase : ConvEngine::direct;
}

// d_bias (C,) += the sums of each channel of d_side (N, C, size).
void add_bias_sums(float* d_bias, const float* d_side, int N, int C, int size) {
    for (int n = 0; n < N; ++n)
        for (int c = 0; c < C; ++c) {
            const float* x = d_side + (std::size_t(n) * C + c) * size;
            float sum = 0.0f;
            for (int i = 0; i < size; ++i) sum += x[i];
            d_bias[c] += sum;
        }
}

// grid = (accumulate ? grid : bias) + conv(image) on the engine for C_grid channels, or
// through `direct`, the calling op's scalar twin.
template <class Direct>
void grid_from_image(const ConvGeometry& g, float* grid, const float* image, const float* weight,
                     const float* bias, bool accumulate, Direct direct) {
    switch (conv_engine(g, weight, g.C_grid)) {
        case ConvEngine::direct:
            return direct();
        case ConvEngine::indirect:
            return conv_forward_indirect(g, grid, image, weight, bias, accumulate);
        case ConvEngine::polyphase:
            return conv_forward_polyphase(g, grid, image, weight, bias, accumulate);
    }
}

// image = (accumulate ? image : bias) + conv^T(grid), likewise for C_img channels.
template <class Direct>
void image_from_grid(const ConvGeometry& g, float* image, const float* grid, const float* weight,
                     const float* bias, bool accumulate, Direct direct) {
    switch (conv_engine(g, weight, g.C_img)) {
        case ConvEngine::direct:
            return direct();
        case ConvEngine::indirect:
            return conv_backward_input_indirect(g, image, grid, weight, bias, accumulate);
        case ConvEngine::polyphase:
            return conv_backward_input_polyphase(g, image, grid, weight, bias, accumulate);
    }
}

}  // namespace

void conv_forward(const ConvGeometry& g, float* out, const float* in, const float* weight,
                  const float* bias) {
    grid_from_image(g, out, in, weight, bias, false,
                    [&] { conv_forward_direct(g, out, in, weight, bias); });
}

void conv_backward(const ConvGeometry& g, float* d_in, float* d_weight, float* d_bias,
                   const float* d_out, const float* in, const float* weight) {
    if (d_bias) add_bias_sums(d_bias, d_out, g.N, g.C_grid, g.grid_size());
    if (d_weight) conv_backward_weight_gemm_nt(g, d_weight, d_out, in);
    if (!d_in) return;
    image_from_grid(g, d_in, d_out, weight, nullptr, true,
                    [&] { conv_backward_direct(g, d_in, nullptr, nullptr, d_out, in, weight); });
}

void conv_transpose_forward(const ConvGeometry& g, float* out, const float* in, const float* weight,
                            const float* bias) {
    image_from_grid(g, out, in, weight, bias, false,
                    [&] { conv_transpose_forward_direct(g, out, in, weight, bias); });
}

void conv_transpose_backward(const ConvGeometry& g, float* d_in, float* d_weight, float* d_bias,
                             const float* d_out, const float* in, const float* weight) {
    if (d_bias) add_bias_sums(d_bias, d_out, g.N, g.C_img, g.image_size());
    if (d_weight) conv_backward_weight_gemm_nt(g, d_weight, in, d_out);
    if (!d_in) return;
    grid_from_image(g, d_in, d_out, weight, nullptr, true, [&] {
        conv_transpose_backward_direct(g, d_in, nullptr, nullptr, d_out, in, weight);
    });
}

}  // namespace aelab
