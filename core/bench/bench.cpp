// run_benchmarks(): the benchmark cases of bench.hpp on the core's fast paths. Each case
// prepares its buffers once, then times only the op.
#include "aelab/bench.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>

#include "aelab/conv.hpp"
#include "aelab/error.hpp"
#include "aelab/gemm.hpp"
#include "aelab/pool.hpp"
#include "aelab/rng.hpp"

namespace aelab {
namespace {

std::vector<float> random_buffer(Rng& rng, std::size_t n) {
    std::vector<float> v(n);
    for (auto& x : v) x = rng.uniform(-1.0f, 1.0f);
    return v;
}

// A built-in case: its id, description, multiply-adds per run, and the op (buffers captured).
struct Case {
    std::string id, description;
    double macs;
    std::function<void()> run;
};

// A conv case's buffers: x, w, b, y random (drawn in that order), the gradients zero.
struct ConvBuffers {
    std::vector<float> x, w, b, y, dx, dw, db;
};
std::shared_ptr<ConvBuffers> conv_buffers(Rng& rng, std::size_t x, std::size_t w, std::size_t b,
                                          std::size_t y) {
    auto s = std::make_shared<ConvBuffers>();
    s->x = random_buffer(rng, x);
    s->w = random_buffer(rng, w);
    s->b = random_buffer(rng, b);
    s->y = random_buffer(rng, y);
    s->dx.assign(x, 0.0f);
    s->dw.assign(w, 0.0f);
    s->db.assign(b, 0.0f);
    return s;
}

// conv2d case: x (N, C_in, H, W), w (C_out, C_in, k, k), bias (C_out), y (N, C_out, Ho, Wo);
// backward: d_x, d_w, d_bias from d_y = y.
std::vector<Case> conv2d_cases(Rng& rng, const std::string& id, const std::string& description,
                               int N, int C_in, int H, int W, int C_out, bool with_backward) {
    const int k = 3;
    const Conv2dParams p{{2, 2}, {1, 1}, {1, 1}};
    const int Ho = conv_output_size(H, k, 2, 1, 1), Wo = conv_output_size(W, k, 2, 1, 1);
    auto s = conv_buffers(rng, std::size_t(N) * C_in * H * W, std::size_t(C_out) * C_in * k * k,
                          std::size_t(C_out), std::size_t(N) * C_out * Ho * Wo);
    const double macs = double(N) * C_out * Ho * Wo * C_in * k * k;
    std::vector<Case> cases{{id, description, macs, [=] {
                                 conv2d_forward(s->y.data(), s->x.data(), s->w.data(),
                                                s->b.data(), N, C_in, H, W, C_out, k, k, p);
                             }}};
    if (with_backward) {
        cases.push_back({id + "_bwd", "conv2d_backward of " + id + " (d_in, d_weight, d_bias)",
                         2 * macs, [=] {
                             conv2d_backward(s->dx.data(), s->dw.data(), s->db.data(),
                                             s->y.data(), s->x.data(), s->w.data(), N, C_in, H,
                                             W, C_out, k, k, p);
                         }});
    }
    return cases;
}

// conv_transpose2d case: x (N, C_in, H, W), w (C_in, C_out, 3, 3), y (N, C_out, 2H, 2W).
std::vector<Case> conv_transpose2d_cases(Rng& rng, const std::string& id,
                                         const std::string& description, int N, int C_in, int H,
                                         int W, int C_out, bool with_backward) {
    const int k = 3;
    const ConvTranspose2dParams p{{2, 2}, {1, 1}, {1, 1}, {1, 1}};
    const int Ho = conv_transpose_output_size(H, k, 2, 1, 1, 1),
              Wo = conv_transpose_output_size(W, k, 2, 1, 1, 1);
    auto s = conv_buffers(rng, std::size_t(N) * C_in * H * W, std::size_t(C_in) * C_out * k * k,
                          std::size_t(C_out), std::size_t(N) * C_out * Ho * Wo);
    // Every input value meets every filter tap: the same multiply-adds as the conv it inverts.
    const double macs = double(N) * C_in * H * W * C_out * k * k;
    std::vector<Case> cases{{id, description, macs, [=] {
                                 conv_transpose2d_forward(s->y.data(), s->x.data(), s->w.data(),
                                                          s->b.data(), N, C_in, H, W, C_out, k,
                                                          k, p);
                             }}};
    if (with_backward) {
        cases.push_back({id + "_bwd",
                         "conv_transpose2d_backward of " + id + " (d_in, d_weight, d_bias)",
                         2 * macs, [=] {
                             conv_transpose2d_backward(s->dx.data(), s->dw.data(), s->db.data(),
                                                       s->y.data(), s->x.data(), s->w.data(), N,
                                                       C_in, H, W, C_out, k, k, p);
                         }});
    }
    return cases;
}

std::vector<Case> builtin_cases() {
    Rng rng(2024);
    std::vector<Case> cases;
    auto append = [&](std::vector<Case> more) {
        for (auto& c : more) cases.push_back(std::move(c));
    };
    // Order: forward cases as the README lists them, backward passes last.
    auto b = conv2d_cases(rng, "b", "conv2d 32x16x28x28 -> 32, 3x3 s2 p1", 32, 16, 28, 28, 32,
                          true);
    auto d = conv_transpose2d_cases(rng, "d", "conv_transpose2d 32x64x7x7 -> 32x14x14, 3x3 s2 p1 op1",
                                    32, 64, 7, 7, 32, true);
    cases.push_back(b[0]);
    append(conv2d_cases(rng, "c", "conv2d 32x32x14x14 -> 64, 3x3 s2 p1", 32, 32, 14, 14, 64,
                        false));
    cases.push_back(d[0]);
    append(conv_transpose2d_cases(rng, "e",
                                  "conv_transpose2d 32x32x14x14 -> 1x28x28, 3x3 s2 p1 op1", 32,
                                  32, 14, 14, 1, false));
    {
        auto a = std::make_shared<std::vector<float>>(random_buffer(rng, 256 * 784));
        auto bm = std::make_shared<std::vector<float>>(random_buffer(rng, 784 * 256));
        auto c = std::make_shared<std::vector<float>>(256 * 256);
        cases.push_back({"f1", "matmul 256x784 @ 784x256", 256.0 * 784 * 256, [=] {
                             gemm(false, false, 256, 256, 784, a->data(), 784, bm->data(), 256,
                                  c->data(), 256, false);
                         }});
    }
    {
        auto x = std::make_shared<std::vector<float>>(random_buffer(rng, 32 * 16 * 28 * 28));
        auto y = std::make_shared<std::vector<float>>(32 * 16 * 14 * 14);
        auto idx = std::make_shared<std::vector<std::int64_t>>(y->size());
        cases.push_back({"g", "max_pool2d 2x2 s2 on 32x16x28x28 (values and indices)", 0.0, [=] {
                             max_pool2d_forward(y->data(), idx->data(), x->data(), 32, 16, 28,
                                                28, MaxPool2dParams{});
                         }});
    }
    cases.push_back(b[1]);
    cases.push_back(d[1]);
    return cases;
}

}  // namespace

Timing time_runs(const std::function<void()>& run, int warmup, int repeats) {
    if (warmup < 0 || repeats < 1)
        throw Error("median_ms: need warmup >= 0 and repeats >= 1, got " + std::to_string(warmup) +
                    " and " + std::to_string(repeats));
    for (int i = 0; i < warmup; ++i) run();
    std::vector<double> times(std::size_t(repeats), 0.0);
    for (auto& t : times) {
        const auto start = std::chrono::steady_clock::now();
        run();
        t = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count();
    }
    std::sort(times.begin(), times.end());
    const std::size_t mid = times.size() / 2;
    return {times.size() % 2 ? times[mid] : 0.5 * (times[mid - 1] + times[mid]), times[0]};
}

double median_ms(const std::function<void()>& run, int warmup, int repeats) {
    return time_runs(run, warmup, repeats).median_ms;
}

BenchReport run_benchmarks(const BenchOptions& options) {
    if (options.warmup < 0 || options.repeats < 1)
        throw Error("run_benchmarks: need warmup >= 0 and repeats >= 1, got " +
                    std::to_string(options.warmup) + " and " + std::to_string(options.repeats));
    std::vector<Case> cases = builtin_cases();
    // An extra case's id is the first word of its name ("h conv-AE ..." -> "h").
    auto extra_id = [](const std::string& name) { return name.substr(0, name.find(' ')); };
    auto selected = [&](const std::string& id) {
        return options.only.empty() ||
               std::find(options.only.begin(), options.only.end(), id) != options.only.end();
    };
    std::string known;
    for (const auto& c : cases) known += (known.empty() ? "" : ", ") + c.id;
    for (const auto& extra : options.extra_cases) known += ", " + extra_id(extra.first);
    for (const auto& id : options.only)
        if (std::none_of(cases.begin(), cases.end(), [&](const Case& c) { return c.id == id; }) &&
            std::none_of(options.extra_cases.begin(), options.extra_cases.end(),
                         [&](const auto& e) { return extra_id(e.first) == id; }))
            throw Error("run_benchmarks: unknown case id '" + id + "' (known: " + known + ")");
    BenchReport report;
    report.peak_gflops = simd_peak_gflops();
    report.simd = instruction_set();  // the run-time choice (kernels/isa.cpp)
    report.gemm_kernel = gemm_kernel_name(gemm_kernel_for(256));
    for (const auto& c : cases) {
        if (!selected(c.id)) continue;
        const Timing t = time_runs(c.run, options.warmup, options.repeats);
        report.cases.push_back(
            {c.id + " " + c.description, t.median_ms, 2.0 * c.macs / (t.median_ms * 1e6), t.min_ms});
    }
    for (const auto& extra : options.extra_cases) {
        if (!selected(extra_id(extra.first))) continue;
        double flops = 0.0;
        const Timing t =
            time_runs([&] { flops = extra.second(); }, options.warmup, options.repeats);
        report.cases.push_back({extra.first, t.median_ms, flops / (t.median_ms * 1e6), t.min_ms});
    }
    return report;
}

}  // namespace aelab
