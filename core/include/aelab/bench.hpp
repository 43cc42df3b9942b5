// aelab core: kernel benchmarks on the cases below (the ones the peer libraries were measured on),
// single thread, as data: the CLI (`aelab-cli bench [--json]`) prints them, nothing here does.
//
// Cases (NCHW, batch 32, random data from a fixed seed):
//   b      conv2d 32x16x28x28 -> 32 ch, 3x3, stride 2, pad 1
//   c      conv2d 32x32x14x14 -> 64 ch, 3x3, stride 2, pad 1
//   d      conv_transpose2d 32x64x7x7 -> 32x14x14, 3x3, stride 2, pad 1, output_padding 1
//   e      conv_transpose2d 32x32x14x14 -> 1x28x28, 3x3, stride 2, pad 1, output_padding 1
//   f1     matmul 256x784 @ 784x256
//   g      max_pool2d 2x2 stride 2 on 32x16x28x28 (with indices)
//   b_bwd  conv2d_backward of b (d_in, d_weight, d_bias)
//   d_bwd  conv_transpose2d_backward of d (d_in, d_weight, d_bias)
// plus whatever the caller adds through BenchOptions::extra_cases (e.g. h, a training step).
//
// ms is the median over `repeats` timed runs after `warmup` untimed ones (the warm-up also lets
// V8 tier the wasm kernels up). gflops = 2 * multiply-adds / time; g has no multiply-adds and
// reports gflops = 0 (its time is the figure to compare). peak_gflops is a loop of independent
// multiply-add chains on the widest SIMD instruction set compiled in (FMA on AVX2, mul + add on
// SIMD128, both counted as 2 flops per lane), measured in the same run: the ceiling the cases
// are measured against on this machine, now.
#pragma once
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace aelab {

struct BenchCase {
    std::string name;  // "<id> <description>", e.g. "b conv2d 32x16x28x28 -> 32, 3x3 s2 p1"
    double ms;         // median time of one run
    double gflops;     // 2 * multiply-adds / ms / 1e6; 0 when the case has no multiply-adds
    double min_ms = 0; // fastest run: steadier than the median on a shared, noisy machine
};

struct BenchReport {
    double peak_gflops;            // SIMD multiply-add peak, same run
    std::string simd;              // instruction set of the peak loop and GEMM, e.g. "avx2+fma"
    std::string gemm_kernel;       // the micro-kernel gemm() uses for f1, e.g. "gemm_6x16_avx2"
    std::vector<BenchCase> cases;  // in the order run
};

// A case added from outside: `run` does one iteration (state prepared beforehand, captured)
// and returns the floating-point operations it performed (2 per multiply-add; 0 if none).
using BenchFunction = std::function<double()>;

struct BenchOptions {
    int warmup = 5;    // untimed runs per case
    int repeats = 30;  // timed runs per case; ms is their median
    // Ids of the built-in cases to run ("b", "f1", ...); empty = all. Extra cases always run.
    std::vector<std::string> only;
    std::vector<std::pair<std::string, BenchFunction>> extra_cases;  // (name, run), run last
};

// Runs the peak loop and the selected cases. Throws aelab::Error for an unknown id in `only`
// or non-positive warmup/repeats counts (warmup may be 0).
BenchReport run_benchmarks(const BenchOptions& options = {});

// The median of `repeats` timed calls of run() after `warmup` untimed ones, in ms.
double median_ms(const std::function<void()>& run, int warmup, int repeats);
// The same timing, returning the median and the fastest run.
struct Timing {
    double median_ms, min_ms;
};
Timing time_runs(const std::function<void()>& run, int warmup, int repeats);

// GFLOP/s of the SIMD multiply-add peak loop (median of a few runs).
double simd_peak_gflops();

}  // namespace aelab
