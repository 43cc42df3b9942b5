// Single-thread timings of the core's hot ops on the peer-bench cases
// (/work/shared/peer-bench/README.md): prints one line per case with min and median time and
// GFLOP/s (2 flops per multiply-add). Same source natively and as wasm under node.
//   native: cmake --build <dir> --target aelab_bench_kernels && <dir>/core/aelab_bench_kernels
//   wasm:   node --no-experimental-fetch <dir>/core/aelab_bench_kernels.js
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <vector>

#include "aelab/ops.hpp"

namespace {

double now_ms() {
    return std::chrono::duration<double, std::milli>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

void bench(const char* name, double mflop, const std::function<void()>& run, int reps = 30) {
    for (int i = 0; i < 5; ++i) run();  // warm-up, and V8 tier-up in wasm
    std::vector<double> t;
    for (int i = 0; i < reps; ++i) {
        const double start = now_ms();
        run();
        t.push_back(now_ms() - start);
    }
    std::sort(t.begin(), t.end());
    std::printf("%-44s min %7.3f ms  med %7.3f ms  %6.1f GFLOP/s (best)  %6.1f (med)\n", name, t[0],
                t[t.size() / 2], mflop / t[0], mflop / t[t.size() / 2]);
}

std::vector<float> random_buffer(aelab::Rng& rng, std::size_t n) {
    std::vector<float> v(n);
    for (auto& x : v) x = rng.uniform(-1.0f, 1.0f);
    return v;
}

}  // namespace

int main() {
    aelab::Rng rng(1);
    std::printf("gemm micro-kernel: %s\n", aelab::gemm_kernel_name());
    {  // b: conv 32x16x28x28 -> 32, 3x3 s2 p1 (57.8 MFLOP)
        auto x = random_buffer(rng, 32 * 16 * 28 * 28), w = random_buffer(rng, 32 * 16 * 9),
             b = random_buffer(rng, 32);
        std::vector<float> y(32 * 32 * 14 * 14);
        aelab::Conv2dParams p{{2, 2}, {1, 1}, {1, 1}};
        const double mflop = 2.0 * 32 * 32 * 14 * 14 * 16 * 9 / 1e6;
        bench("b conv2d 32x16x28x28->32 3x3 s2 p1", mflop, [&] {
            aelab::conv2d_forward(y.data(), x.data(), w.data(), b.data(), 32, 16, 28, 28, 32, 3, 3, p);
        });
        std::vector<float> dx(x.size()), dw(w.size()), db(b.size());
        bench("b conv2d backward (dx, dw, db)", 2 * mflop, [&] {
            aelab::conv2d_backward(dx.data(), dw.data(), db.data(), y.data(), x.data(), w.data(), 32,
                                   16, 28, 28, 32, 3, 3, p);
        });
    }
    {  // c: conv 32x32x14x14 -> 64, 3x3 s2 p1
        auto x = random_buffer(rng, 32 * 32 * 14 * 14), w = random_buffer(rng, 64 * 32 * 9);
        std::vector<float> y(32 * 64 * 7 * 7);
        aelab::Conv2dParams p{{2, 2}, {1, 1}, {1, 1}};
        bench("c conv2d 32x32x14x14->64 3x3 s2 p1", 2.0 * 32 * 64 * 49 * 32 * 9 / 1e6, [&] {
            aelab::conv2d_forward(y.data(), x.data(), w.data(), nullptr, 32, 32, 14, 14, 64, 3, 3, p);
        });
    }
    {  // d: conv-transpose 32x64x7x7 -> 32x14x14, s2 p1 op1
        auto x = random_buffer(rng, 32 * 64 * 49), w = random_buffer(rng, 64 * 32 * 9);
        std::vector<float> y(32 * 32 * 14 * 14);
        aelab::ConvTranspose2dParams p{{2, 2}, {1, 1}, {1, 1}, {1, 1}};
        bench("d conv_transpose2d 32x64x7x7->32x14x14 s2", 2.0 * 32 * 64 * 49 * 32 * 9 / 1e6, [&] {
            aelab::conv_transpose2d_forward(y.data(), x.data(), w.data(), nullptr, 32, 64, 7, 7, 32,
                                            3, 3, p);
        });
    }
    {  // f1: matmul 256x784 @ 784x256
        auto a = random_buffer(rng, 256 * 784), b = random_buffer(rng, 784 * 256);
        std::vector<float> c(256 * 256);
        bench("f1 gemm 256x784 @ 784x256", 2.0 * 256 * 784 * 256 / 1e6, [&] {
            aelab::gemm(false, false, 256, 256, 784, a.data(), 784, b.data(), 256, c.data(), 256,
                        false);
        });
    }
    {  // g: max-pool 2x2 on 32x16x28x28 (no flops: reported as GFLOP/s of comparisons)
        auto x = random_buffer(rng, 32 * 16 * 28 * 28);
        std::vector<float> y(32 * 16 * 14 * 14);
        std::vector<std::int64_t> idx(y.size());
        bench("g max_pool2d 2x2 32x16x28x28", 32 * 16 * 28 * 28 / 1e6, [&] {
            aelab::max_pool2d_forward(y.data(), idx.data(), x.data(), 32, 16, 28, 28, {});
        });
    }
    return 0;
}
