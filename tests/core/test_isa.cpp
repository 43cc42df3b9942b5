// Tests for the run-time choice of instruction set (core/src/kernels/isa.cpp): each variant this
// CPU runs is forced in turn (set_isa) and gemm(), conv2d (forward and backward, both conv
// engines) and the 2x2 pools must match their scalar twins over a few shapes, through the kernels
// of that set; and, unforced, the dispatcher picks what the CPU has (AVX2+FMA on this machine
// when /proc/cpuinfo lists avx2 and fma).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "aelab/conv.hpp"
#include "aelab/error.hpp"
#include "aelab/gemm.hpp"
#include "aelab/pool.hpp"
#include "aelab/rng.hpp"
#include "../../core/src/kernels/isa.hpp"

namespace {

std::vector<float> random_vector(aelab::Rng& rng, std::size_t n) {
    std::vector<float> v(n);
    for (auto& x : v) x = rng.uniform(-1.0f, 1.0f);
    return v;
}

float max_rel_error(const std::vector<float>& a, const std::vector<float>& b) {
    float e = 0.0f;
    for (std::size_t i = 0; i < a.size(); ++i)
        e = std::max(e, std::fabs(a[i] - b[i]) / (1.0f + std::fabs(b[i])));
    return e;
}

// Restores the automatic choice when a test case ends, whatever it forced.
struct AutoIsa {
    ~AutoIsa() { aelab::set_isa("auto"); }
};

// The kernels' name suffix each instruction set runs ("scalar": the *_ref twins).
std::string suffix_of(const std::string& isa) {
    if (isa == "avx2+fma") return "_avx2";
    if (isa == "sse") return "_sse";
    if (isa == "wasm-simd128") return "_simd128";
    return "_ref";
}

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// Whether a kernel's name is one of `isa`'s kernels: "gemm_4x8_simd128", or its two-step loop
// shape "gemm_4x8_simd128_x2", which the WebAssembly build picks by timing (dispatch.cpp), so
// either may be the one in use on a loaded machine.
bool kernel_of(const std::string& name, const std::string& isa) {
    return ends_with(name, suffix_of(isa)) || ends_with(name, suffix_of(isa) + "_x2");
}

#if defined(__linux__) && !defined(__EMSCRIPTEN__) && defined(__x86_64__)
// The CPU flags the kernel reports (it lists avx2 only when the OS also saves the YMM state).
bool cpuinfo_has(const std::string& flag) {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("flags", 0) == 0) {
            std::istringstream words(line.substr(line.find(':') + 1));
            std::string w;
            while (words >> w)
                if (w == flag) return true;
            return false;
        }
    return false;
}
#endif

}  // namespace

TEST_CASE("isa: every variant this CPU runs matches the scalar twins (gemm, conv2d, pools)") {
    AutoIsa restore;
    const std::vector<std::string> sets = aelab::runnable_instruction_sets();
    REQUIRE(!sets.empty());
    CHECK(sets.back() == "scalar");
#if defined(AELAB_ISA_SSE)
    CHECK(std::find(sets.begin(), sets.end(), "sse") != sets.end());  // every x86-64
#endif
    for (const std::string& isa : sets) {
        aelab::set_isa(isa);
        INFO("forced ", isa);
        REQUIRE(std::string(aelab::instruction_set()) == isa);
        // The ops' kernels are the forced set's.
        const std::string gemm_name = aelab::gemm_kernel_name(aelab::gemm_kernel_for(64));
        CHECK(kernel_of(gemm_name, isa));
        CHECK(kernel_of(aelab::igemm_kernel_best_name(), isa));

        aelab::Rng rng(71);
        // gemm: shapes around the tiles (4x8, 6x16) and the cache blocks, every transpose.
        const int shapes[][3] = {{1, 1, 1}, {5, 9, 3}, {6, 16, 17}, {13, 33, 64}, {97, 40, 300}};
        for (const auto& s : shapes)
            for (int t = 0; t < 4; ++t) {
                const int M = s[0], N = s[1], K = s[2];
                const bool ta = t & 1, tb = t & 2;
                const auto A = random_vector(rng, std::size_t(M) * K);
                const auto B = random_vector(rng, std::size_t(K) * N);
                auto C = random_vector(rng, std::size_t(M) * N), C_ref = C;
                aelab::gemm(ta, tb, M, N, K, A.data(), ta ? M : K, B.data(), tb ? K : N, C.data(),
                            N, true);
                aelab::gemm_ref(ta, tb, M, N, K, A.data(), ta ? M : K, B.data(), tb ? K : N,
                                C_ref.data(), N, true);
                INFO("gemm M=", M, " N=", N, " K=", K, " t=", t);
                CHECK(max_rel_error(C, C_ref) < 1e-5f * (1.0f + std::sqrt(float(K))));
            }

        // conv2d forward and backward: few output channels (polyphase engine) and many
        // (indirect engine), strides 1 and 2, padding, dilation.
        struct ConvCase {
            int N, C_in, H, W, C_out, k, stride, pad, dil;
        };
        const ConvCase convs[] = {{2, 3, 9, 11, 2, 3, 1, 1, 1},
                                  {2, 4, 12, 12, 16, 3, 2, 1, 1},
                                  {1, 8, 10, 9, 24, 3, 1, 2, 2},
                                  {3, 1, 28, 28, 8, 5, 2, 2, 1}};
        for (const ConvCase& c : convs) {
            INFO("conv2d N=", c.N, " C_in=", c.C_in, " ", c.H, "x", c.W, " C_out=", c.C_out,
                 " k=", c.k, " s=", c.stride, " p=", c.pad, " d=", c.dil);
            const aelab::Conv2dParams p{{c.stride, c.stride}, {c.pad, c.pad}, {c.dil, c.dil}};
            const int Ho = int(aelab::conv_output_size(c.H, c.k, c.stride, c.pad, c.dil));
            const int Wo = int(aelab::conv_output_size(c.W, c.k, c.stride, c.pad, c.dil));
            const auto x = random_vector(rng, std::size_t(c.N) * c.C_in * c.H * c.W);
            const auto w = random_vector(rng, std::size_t(c.C_out) * c.C_in * c.k * c.k);
            const auto b = random_vector(rng, std::size_t(c.C_out));
            const std::size_t out_size = std::size_t(c.N) * c.C_out * Ho * Wo;
            std::vector<float> y(out_size), y_ref(out_size);
            aelab::conv2d_forward(y.data(), x.data(), w.data(), b.data(), c.N, c.C_in, c.H, c.W,
                                  c.C_out, c.k, c.k, p);
            aelab::conv2d_forward_ref(y_ref.data(), x.data(), w.data(), b.data(), c.N, c.C_in, c.H,
                                      c.W, c.C_out, c.k, c.k, p);
            CHECK(max_rel_error(y, y_ref) < 1e-4f);
            const auto dy = random_vector(rng, out_size);
            std::vector<float> dx(x.size()), dw(w.size()), db(b.size());
            std::vector<float> dx_ref(x.size()), dw_ref(w.size()), db_ref(b.size());
            aelab::conv2d_backward(dx.data(), dw.data(), db.data(), dy.data(), x.data(), w.data(),
                                   c.N, c.C_in, c.H, c.W, c.C_out, c.k, c.k, p);
            aelab::conv2d_backward_ref(dx_ref.data(), dw_ref.data(), db_ref.data(), dy.data(),
                                       x.data(), w.data(), c.N, c.C_in, c.H, c.W, c.C_out, c.k,
                                       c.k, p);
            CHECK(max_rel_error(dx, dx_ref) < 1e-4f);
            CHECK(max_rel_error(dw, dw_ref) < 1e-4f);
            CHECK(max_rel_error(db, db_ref) < 1e-4f);
        }

        // 2x2 stride-2 pools: widths around 4 and 8 lanes, ties and a NaN.
        for (int Wo : {1, 4, 7, 8, 9, 17}) {
            const int N = 2, C = 3, H = 6, W = 2 * Wo + 1, Ho = H / 2;
            INFO("pool Wo=", Wo);
            auto x = random_vector(rng, std::size_t(N) * C * H * W);
            for (auto& v : x) v = float(int(v * 3));
            x[5] = NAN;
            std::vector<float> y(std::size_t(N) * C * Ho * Wo), y_ref(y.size());
            std::vector<std::int64_t> idx(y.size()), idx_ref(y.size());
            aelab::max_pool2d_forward(y.data(), idx.data(), x.data(), N, C, H, W, {});
            aelab::max_pool2d_forward_ref(y_ref.data(), idx_ref.data(), x.data(), N, C, H, W, {});
            CHECK(idx == idx_ref);
            bool same = true;
            for (std::size_t i = 0; i < y.size(); ++i)
                same &= (y[i] == y_ref[i]) || (y[i] != y[i] && y_ref[i] != y_ref[i]);
            CHECK(same);
            const auto xf = random_vector(rng, x.size());
            std::vector<float> a(y.size()), a_ref(y.size());
            aelab::avg_pool2d_forward(a.data(), xf.data(), N, C, H, W, {});
            aelab::avg_pool2d_forward_ref(a_ref.data(), xf.data(), N, C, H, W, {});
            CHECK(a == a_ref);
        }
    }
}

TEST_CASE("isa: unforced, the dispatcher picks the widest set the CPU runs") {
    AutoIsa restore;
    aelab::set_isa("auto");
    const std::string picked = aelab::instruction_set();
    CHECK(picked == aelab::detected_instruction_set());
    CHECK(picked == aelab::runnable_instruction_sets().front());
#if defined(__EMSCRIPTEN__) && defined(AELAB_ISA_SIMD128)
    CHECK(picked == "wasm-simd128");
#elif defined(AELAB_ISA_AVX2)
    const bool has_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    CHECK(picked == (has_avx2 ? "avx2+fma" : "sse"));
#if defined(__linux__)
    // The kernel's view agrees (it lists avx2 only with the OS's YMM support): on this machine
    // (an x86-64 with AVX2 and FMA) the binary, built for baseline x86-64, runs the AVX2 kernels.
    CHECK(has_avx2 == (cpuinfo_has("avx2") && cpuinfo_has("fma")));
    if (cpuinfo_has("avx2") && cpuinfo_has("fma")) {
        CHECK(picked == "avx2+fma");
        CHECK(std::string(aelab::gemm_kernel_name(aelab::gemm_kernel_for(256))) == "gemm_6x16_avx2");
        CHECK(std::string(aelab::igemm_kernel_best_name()) == "igemm_6x16_avx2");
        CHECK(std::string(aelab::pool_2x2s2_kernel_name(0)) == "pool_2x2s2_avx2");
    }
#endif
#elif defined(AELAB_ISA_SSE)
    CHECK(picked == "sse");
#else
    CHECK(picked == "scalar");
#endif
}

TEST_CASE("isa: set_isa takes the aliases and refuses what this build or CPU cannot run") {
    AutoIsa restore;
    aelab::set_isa("scalar");
    CHECK(std::string(aelab::instruction_set()) == "scalar");
    CHECK(std::string(aelab::gemm_kernel_name(aelab::gemm_kernel_for(256))) == "gemm_ref");
    CHECK(std::string(aelab::igemm_kernel_best_name()) == "igemm_ref");
    // The lists still hold what the CPU runs (tests reach every kernel through them).
    CHECK(aelab::gemm_kernel_count() >= int(aelab::runnable_instruction_sets().size()));
    CHECK_THROWS_AS(aelab::set_isa("avx512"), aelab::Error);
    CHECK_THROWS_WITH_AS(aelab::set_isa("neon"),
                         doctest::Contains("unknown instruction set"), aelab::Error);
    CHECK(std::string(aelab::instruction_set()) == "scalar");  // a refused name changes nothing
#if !defined(AELAB_ISA_SIMD128)
    CHECK_THROWS_WITH_AS(aelab::set_isa("simd128"), doctest::Contains("not in this build"),
                         aelab::Error);
#endif
    const auto sets = aelab::runnable_instruction_sets();
    if (std::find(sets.begin(), sets.end(), "avx2+fma") != sets.end()) {
        aelab::set_isa("avx2");
        CHECK(std::string(aelab::instruction_set()) == "avx2+fma");
        aelab::set_isa("avx2+fma");
        CHECK(std::string(aelab::instruction_set()) == "avx2+fma");
    } else {
#if defined(AELAB_ISA_AVX2)
        CHECK_THROWS_WITH_AS(aelab::set_isa("avx2"), doctest::Contains("not supported by this CPU"),
                             aelab::Error);
#endif
    }
    aelab::set_isa("auto");
    CHECK(std::string(aelab::instruction_set()) == aelab::detected_instruction_set());
}
