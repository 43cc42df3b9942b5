// Prints run_benchmarks() (aelab/bench.hpp) as a table: a developer's quick look at the
// kernels without the CLI. Same source natively and as wasm under node.
//   native: cmake --build <dir> --target aelab_bench_kernels && <dir>/core/aelab_bench_kernels [ids...]
//   wasm:   node --no-experimental-fetch <dir>/core/aelab_bench_kernels.js [ids...]
#include <cstdio>

#include "aelab/bench.hpp"

int main(int argc, char** argv) {
    aelab::BenchOptions options;
    for (int i = 1; i < argc; ++i) options.only.push_back(argv[i]);
    const aelab::BenchReport report = aelab::run_benchmarks(options);
    std::printf("SIMD %s peak %.1f GFLOP/s; GEMM kernel %s; median of %d runs after %d warm-up\n",
                report.simd.c_str(), report.peak_gflops, report.gemm_kernel.c_str(),
                options.repeats, options.warmup);
    for (const auto& c : report.cases)
        std::printf("%-70s %8.3f ms %7.1f GFLOP/s\n", c.name.c_str(), c.ms, c.gflops);
    return 0;
}
