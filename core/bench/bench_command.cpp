// aelab-cli bench: the kernel benchmark (core/include/aelab/bench.hpp) plus case h, one
// training step of the conv autoencoder (aelab/models.hpp), printed as a table with ratios to
// the SIMD peak and to the peer libraries measured on this machine kind, or as JSON (--json:
// the last line is {"peak_gflops": P, "cases": [{"name", "ms", "gflops"}]}).
#include <cstdio>
#include <sstream>

#include "aelab/bench.hpp"
#include "aelab/gemm.hpp"
#include "aelab/models.hpp"
#include "aelab/optim.hpp"
#include "aelab/rng.hpp"
#include "aelab/train.hpp"
#include "commands.hpp"
#include "json_line.hpp"

namespace aelab::cli {
namespace {

// Peer figures for the same cases: ms, best-pass medians, single thread, TensorFlow.js's wasm
// backend and PyTorch on the CPU, measured on the machine kind the project is developed on.
struct Peer {
    const char* id;
    double tfjs_wasm_ms, pytorch_cpu_ms;  // 0: not measured
};
const Peer kPeers[] = {
    {"b", 2.07, 0.60}, {"c", 2.03, 0.61}, {"d", 22.4, 10.0}, {"e", 1.57, 0},
    {"f1", 3.19, 16.9}, {"g", 0.13, 0},   {"h", 27.3, 15.4},
};

std::string id_of(const std::string& name) { return name.substr(0, name.find(' ')); }

// Multiply-adds of one forward pass of the case-h autoencoder on one 28x28 image.
double conv_ae_forward_macs() {
    const double conv1 = 16.0 * 1 * 9 * 14 * 14, conv2 = 32.0 * 16 * 9 * 7 * 7;
    const double dense = 1568.0 * 16 * 2;
    const double convt1 = 32.0 * 16 * 9 * 7 * 7, convt2 = 16.0 * 1 * 9 * 14 * 14;
    return conv1 + conv2 + dense + convt1 + convt2;
}

}  // namespace

int run_bench(const Args& a, std::ostream& out) {
    BenchOptions o;
    o.warmup = static_cast<int>(a.get_int("warmup", o.warmup));
    o.repeats = static_cast<int>(a.get_int("repeats", o.repeats));
    if (a.has("only")) {
        std::stringstream ss(a.get("only"));
        std::string id;
        while (std::getline(ss, id, ',')) o.only.push_back(id);
    }
    const bool json = a.has("json");
    // --loop-steps 1|2: the WebAssembly tiles' loop shape, instead of the one timed as faster.
    if (a.has("loop-steps")) set_simd128_loop_steps(static_cast<int>(a.get_int("loop-steps", 0)));
    a.check_all_used("bench");

    // Case h: forward, backward and Adam on a batch of 32, the lesson models' training step.
    Sequential model = conv_autoencoder(1);
    Adam adam(AdamOptions{1e-3f});
    AutoencoderTrainer trainer(model, adam);
    Tensor batch = zeros({32, 1, 28, 28});  // (N, C, H, W)
    Rng rng(7);
    for (float& v : batch) v = rng.uniform();
    const double h_flops = 2.0 * 3.0 * conv_ae_forward_macs() * 32;  // backward ~ 2x forward
    o.extra_cases.push_back({"h conv-AE training step, batch 32, Adam (~3x forward flops)", [&] {
                                 trainer.train_step(batch);
                                 return h_flops;
                             }});
    BenchReport r = run_benchmarks(o);

    if (json) {
        // ms and gflops printed with 6 significant digits as before; NaN/inf -> null.
        Json j;
        j["peak_gflops"] = json_g(r.peak_gflops);
        j["simd"] = r.simd;
        j["gemm_kernel"] = r.gemm_kernel;
        Json cases = Json::array();
        for (const auto& c : r.cases) {
            Json item;
            item["name"] = id_of(c.name);
            item["ms"] = json_g(c.ms);
            item["gflops"] = json_g(c.gflops);
            item["min_ms"] = json_g(c.min_ms);
            cases.push_back(item);
        }
        j["cases"] = cases;
        out << json_line(j) << "\n";
        return 0;
    }
#ifdef __EMSCRIPTEN__
    const bool wasm = true;
#else
    const bool wasm = false;
#endif
    char line[256];
    std::snprintf(line, sizeof line, "aelab bench: %s, gemm kernel %s, SIMD peak %.1f GFLOP/s (same run), median of %d runs\n",
                  r.simd.c_str(), r.gemm_kernel.c_str(), r.peak_gflops, o.repeats);
    out << line;
    std::snprintf(line, sizeof line, "%-62s %9s %9s %7s %8s  %s\n", "case", "ms", "GFLOP/s", "% peak",
                  "min ms", wasm ? "vs TF.js wasm (same machine kind)" : "vs PyTorch CPU (same machine kind)");
    out << line;
    for (const auto& c : r.cases) {
        const std::string id = id_of(c.name);
        std::string peer = "";
        for (const auto& p : kPeers)
            if (id == p.id) {
                const double ref = wasm ? p.tfjs_wasm_ms : p.pytorch_cpu_ms;
                if (ref > 0) {
                    char b[64];
                    std::snprintf(b, sizeof b, "%.2fx (%.2f ms)", ref / c.ms, ref);
                    peer = b;
                }
            }
        std::snprintf(line, sizeof line, "%-62s %9.3f %9.1f %6.0f%% %8.3f  %s\n", c.name.c_str(), c.ms,
                      c.gflops, c.gflops > 0 ? 100.0 * c.gflops / r.peak_gflops : 0.0, c.min_ms,
                      peer.c_str());
        out << line;
    }
    out << "(ms: median of the runs, min ms: the fastest; ratios > 1: aelab is faster; g has no\n"
           " multiply-adds, compare its ms)\n";
    return 0;
}

}  // namespace aelab::cli
