// Tests for core/src/kernels: the fast gemm() against its scalar twin gemm_ref() at the edges
// of the register tile (MR, NR) and of the cache blocks (MC, KC, NC), for every transpose.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "aelab/error.hpp"
#include "aelab/gemm.hpp"
#include "aelab/rng.hpp"
#include "../../core/src/kernels/isa.hpp"  // the build's instruction sets

namespace {

std::vector<float> random_vector(aelab::Rng& rng, std::size_t n) {
    std::vector<float> v(n);
    for (auto& x : v) x = rng.uniform(-1.0f, 1.0f);
    return v;
}

void check_gemm(int kernel, aelab::Rng& rng, bool ta, bool tb, int M, int N, int K,
                bool accumulate) {
    // Leading dimensions larger than the logical width, so strides are exercised too.
    const int lda = (ta ? M : K) + 3, ldb = (tb ? K : N) + 1, ldc = N + 2;
    auto A = random_vector(rng, std::size_t(ta ? K : M) * lda);  // (M, K) or (K, M)
    auto B = random_vector(rng, std::size_t(tb ? N : K) * ldb);  // (K, N) or (N, K)
    auto C = random_vector(rng, std::size_t(M) * ldc);           // (M, N)
    auto C_ref = C;
    aelab::gemm_with_kernel(kernel, ta, tb, M, N, K, A.data(), lda, B.data(), ldb, C.data(), ldc,
                            accumulate);
    aelab::gemm_ref(ta, tb, M, N, K, A.data(), lda, B.data(), ldb, C_ref.data(), ldc, accumulate);
    float max_err = 0.0f;
    for (int i = 0; i < M; ++i)
        for (int j = 0; j < ldc; ++j) {
            float a = C[i * ldc + j], b = C_ref[i * ldc + j];
            // Padding columns past N must be untouched: both copies started equal.
            max_err = std::max(max_err, std::fabs(a - b) / (1.0f + std::fabs(b)));
        }
    INFO("gemm ", (ta ? "T" : "N"), (tb ? "T" : "N"), " M=", M, " N=", N, " K=", K,
         " accumulate=", accumulate, " kernel=", aelab::gemm_kernel_name(kernel));
    CHECK(max_err < 1e-5f * (1.0f + std::sqrt(float(K))));
}

}  // namespace

TEST_CASE("gemm: every micro-kernel matches gemm_ref at register-tile edges") {
    aelab::Rng rng(11);
    for (int kernel = 0; kernel < aelab::gemm_kernel_count(); ++kernel) {
        const int mr = aelab::gemm_kernel_mr(kernel), nr = aelab::gemm_kernel_nr(kernel);
        const int ms[] = {1, mr - 1, mr, mr + 1, 2 * mr, 3 * mr + 1};
        const int ns[] = {1, nr - 1, nr, nr + 1, 2 * nr, 2 * nr + 3};
        const int ks[] = {1, 2, 7, 16};
        for (int M : ms)
            for (int N : ns)
                for (int K : ks)
                    for (int t = 0; t < 4; ++t)
                        if (M > 0 && N > 0)
                            check_gemm(kernel, rng, t & 1, t & 2, M, N, K, (M + N + K) & 1);
    }
}

TEST_CASE("gemm: every micro-kernel matches gemm_ref across cache blocks") {
    aelab::Rng rng(12);
    for (int kernel = 0; kernel < aelab::gemm_kernel_count(); ++kernel) {
        // Across MC = 264, KC = 256 and NC = 1024 (gemm_driver.hpp), with ragged remainders.
        check_gemm(kernel, rng, false, false, 97, 33, 257, false);
        check_gemm(kernel, rng, true, false, 193, 20, 300, true);
        check_gemm(kernel, rng, false, true, 30, 1030, 40, false);
        check_gemm(kernel, rng, true, true, 101, 1025, 513, true);
        // M above MC: the B block packed whole, then A one MC block at a time (a path no
        // M <= MC takes).
        check_gemm(kernel, rng, false, false, 265, 37, 300, false);
        check_gemm(kernel, rng, true, true, 2 * 264 + 7, 19, 257, true);
    }
}

TEST_CASE("gemm: K = 0 clears or keeps C") {
    std::vector<float> C = {1, 2, 3, 4};
    aelab::gemm(false, false, 2, 2, 0, nullptr, 1, nullptr, 2, C.data(), 2, true);
    CHECK(C == std::vector<float>{1, 2, 3, 4});
    aelab::gemm(false, false, 2, 2, 0, nullptr, 1, nullptr, 2, C.data(), 2, false);
    CHECK(C == std::vector<float>{0, 0, 0, 0});
}

TEST_CASE("gemm: the build's best kernel comes first, gemm_ref last") {
    const int n = aelab::gemm_kernel_count();
    CHECK(std::string(aelab::gemm_kernel_name(n - 1)) == "gemm_ref");
#if defined(AELAB_ISA_AVX2)
    // The list holds what the CPU runs: AVX2 first where it has AVX2+FMA (test_isa.cpp).
    if (std::string(aelab::detected_instruction_set()) == "avx2+fma")
        CHECK(std::string(aelab::gemm_kernel_name()) == "gemm_6x16_avx2");
    else
        CHECK(std::string(aelab::gemm_kernel_name()) == "gemm_4x8_sse");
#elif defined(AELAB_ISA_SIMD128)
    CHECK(std::string(aelab::gemm_kernel_name()) == "gemm_4x8_simd128");
#endif
    CHECK_THROWS_AS(aelab::gemm_kernel_name(n), aelab::Error);
}

TEST_CASE("gemm: the dispatch uses the loop shape timed for this engine") {
    const int steps = aelab::simd128_loop_steps();
    const std::string gemm = aelab::gemm_kernel_name(aelab::gemm_kernel_for(256));
    const std::string igemm = aelab::igemm_kernel_best_name();
#if defined(AELAB_ISA_SIMD128)
    CHECK((steps == 1 || steps == 2));
    CHECK(gemm == (steps == 2 ? "gemm_4x8_simd128_x2" : "gemm_4x8_simd128"));
    CHECK(igemm == (steps == 2 ? "igemm_4x8_simd128_x2" : "igemm_4x8_simd128"));
#else
    CHECK(steps == 1);
    CHECK(gemm.find("_x2") == std::string::npos);
    if (std::string(aelab::instruction_set()) == aelab::detected_instruction_set())
        CHECK(igemm == aelab::igemm_kernel_name(0));  // unless AELAB_ISA forced a narrower set
#endif
    CHECK(aelab::simd128_loop_steps() == steps);  // timed once, then fixed

    // Fixed by hand (benchmarks compare the shapes), then timed again.
    aelab::set_simd128_loop_steps(1);
    CHECK(aelab::simd128_loop_steps() == 1);
    CHECK(std::string(aelab::gemm_kernel_name(aelab::gemm_kernel_for(256))).find("_x2") ==
          std::string::npos);
#if defined(AELAB_ISA_SIMD128)
    aelab::set_simd128_loop_steps(2);
    CHECK(std::string(aelab::gemm_kernel_name(aelab::gemm_kernel_for(256))) ==
          "gemm_4x8_simd128_x2");
    CHECK(std::string(aelab::igemm_kernel_best_name()) == "igemm_4x8_simd128_x2");
#else
    CHECK_THROWS_AS(aelab::set_simd128_loop_steps(2), aelab::Error);
#endif
    CHECK_THROWS_AS(aelab::set_simd128_loop_steps(3), aelab::Error);
    CHECK_THROWS_AS(aelab::set_simd128_loop_steps(-1), aelab::Error);
    aelab::set_simd128_loop_steps(0);
    const int again = aelab::simd128_loop_steps();
    CHECK((again == 1 || again == 2));
}

TEST_CASE("gemm: the two SIMD128 loop shapes give bit-identical results") {
    // Same sums in the same order (gemm_microkernel.hpp), so the engine's choice of shape never
    // changes a number: checked on GEMMs with odd and even depths and on indirect tiles.
    int pairs = 0;
    for (int one = 0; one < aelab::gemm_kernel_count(); ++one) {
        const std::string name = aelab::gemm_kernel_name(one);
        for (int two = 0; two < aelab::gemm_kernel_count(); ++two) {
            if (std::string(aelab::gemm_kernel_name(two)) != name + "_x2") continue;
            ++pairs;
            aelab::Rng rng(21);
            for (int K : {1, 2, 7, 196, 257}) {
                const int M = 13, N = 19;
                auto A = random_vector(rng, std::size_t(M) * K);  // (M, K)
                auto B = random_vector(rng, std::size_t(K) * N);  // (K, N)
                std::vector<float> C1(std::size_t(M) * N), C2(C1.size());
                aelab::gemm_with_kernel(one, false, false, M, N, K, A.data(), K, B.data(), N,
                                        C1.data(), N, false);
                aelab::gemm_with_kernel(two, false, false, M, N, K, A.data(), K, B.data(), N,
                                        C2.data(), N, false);
                INFO(name, " K=", K);
                CHECK(C1 == C2);
            }
        }
    }
    for (int one = 0; one < aelab::igemm_kernel_count(); ++one) {
        const std::string name = aelab::igemm_kernel_name(one);
        for (int two = 0; two < aelab::igemm_kernel_count(); ++two) {
            if (std::string(aelab::igemm_kernel_name(two)) != name + "_x2") continue;
            ++pairs;
            aelab::Rng rng(22);
            auto src = random_vector(rng, 96);
            const int mr = aelab::igemm_kernel_mr(one), nr = aelab::igemm_kernel_nr(one);
            for (int k : {1, 2, 9, 144}) {
                std::vector<const float*> rows(static_cast<std::size_t>(mr));
                for (auto& r : rows) r = src.data() + rng.below(32);
                std::vector<long> offsets(static_cast<std::size_t>(k));
                for (auto& o : offsets) o = long(rng.below(64));
                auto b = random_vector(rng, std::size_t(k) * nr);
                std::vector<float> c1(std::size_t(mr) * nr), c2(c1.size());
                aelab::igemm_tile_with_kernel(one, k, rows.data(), offsets.data(), b.data(),
                                              c1.data(), nr);
                aelab::igemm_tile_with_kernel(two, k, rows.data(), offsets.data(), b.data(),
                                              c2.data(), nr);
                INFO(name, " k=", k);
                CHECK(c1 == c2);
            }
        }
    }
#if defined(AELAB_ISA_SIMD128)
    CHECK(pairs == 2);
#else
    CHECK(pairs == 0);
#endif
}

TEST_CASE("gemm: the dispatch picks the tile height that pads M the least") {
    for (int M : {1, 4, 6, 8, 12, 16, 32, 64, 96, 256, 784}) {
        const int chosen = aelab::gemm_kernel_for(M);
        const int mr = aelab::gemm_kernel_mr(chosen);
        INFO("M=", M, " chosen ", aelab::gemm_kernel_name(chosen));
        // A build without SIMD has gemm_ref alone; so has the "scalar" choice (AELAB_ISA).
        if (std::string(aelab::instruction_set()) != "scalar")
            CHECK(std::string(aelab::gemm_kernel_name(chosen)) != "gemm_ref");
        // No kernel of the same instruction set as the chosen one pads fewer rows.
        const int padded = (M + mr - 1) / mr * mr;
        for (int k = 0; k + 1 < aelab::gemm_kernel_count(); ++k) {
            const std::string name = aelab::gemm_kernel_name(k),
                              first = aelab::gemm_kernel_name(chosen);
            if (name.substr(name.rfind('_')) != first.substr(first.rfind('_'))) continue;
            const int other = aelab::gemm_kernel_mr(k);
            CHECK(padded <= (M + other - 1) / other * other);
        }
    }
}

TEST_CASE("igemm: every indirect micro-kernel matches igemm_ref over its tile") {
    aelab::Rng rng(12);
    // A source of 64 floats read through row pointers at scattered offsets (as a conv does).
    auto src = random_vector(rng, 64);
    for (int kernel = 0; kernel < aelab::igemm_kernel_count(); ++kernel) {
        const int mr = aelab::igemm_kernel_mr(kernel), nr = aelab::igemm_kernel_nr(kernel);
        for (int k : {0, 1, 2, 7, 16, 33}) {
            std::vector<const float*> rows(static_cast<std::size_t>(mr));
            for (int i = 0; i < mr; ++i) rows[i] = src.data() + rng.below(32);
            std::vector<long> offsets(static_cast<std::size_t>(k));
            for (auto& o : offsets) o = long(rng.below(32));
            auto b = random_vector(rng, std::size_t(k) * nr);          // (k, nr)
            const int ldc = nr + 3;
            auto c = random_vector(rng, std::size_t(mr) * ldc), c_ref = c;  // (mr, ldc)
            aelab::igemm_tile_with_kernel(kernel, k, rows.data(), offsets.data(), b.data(),
                                          c.data(), ldc);
            aelab::igemm_ref(mr, nr, k, rows.data(), offsets.data(), b.data(), c_ref.data(), ldc);
            INFO("kernel=", aelab::igemm_kernel_name(kernel), " k=", k);
            for (std::size_t i = 0; i < c.size(); ++i)
                CHECK(std::fabs(c[i] - c_ref[i]) <= 1e-5f * (1.0f + std::fabs(c_ref[i])));
        }
    }
}

TEST_CASE("igemm: the run-tile kernels match igemm_ref on one or two runs of rows step apart") {
    aelab::Rng rng(14);
    auto src = random_vector(rng, 160);
    int tested = 0;
    for (int kernel = 0; kernel < aelab::igemm_kernel_count(); ++kernel) {
        const int mr = aelab::igemm_kernel_mr(kernel), nr = aelab::igemm_kernel_nr(kernel);
        for (int step : {1, 2, 3})
            for (int split = 1; split <= mr; ++split)
                for (int k : {0, 1, 5, 16, 37}) {
                    // Two runs anywhere in the source (the second may even lie before the first).
                    const float* run0 = src.data() + rng.below(64);
                    const float* run1 = src.data() + rng.below(64);
                    std::vector<const float*> rows(static_cast<std::size_t>(mr));
                    for (int i = 0; i < mr; ++i)
                        rows[i] = i < split ? run0 + i * step : run1 + (i - split) * step;
                    std::vector<long> offsets(static_cast<std::size_t>(k));
                    for (auto& o : offsets) o = long(rng.below(64));
                    auto b = random_vector(rng, std::size_t(k) * nr);  // (k, nr)
                    const int ldc = nr + 1;
                    auto c = random_vector(rng, std::size_t(mr) * ldc), c_ref = c;
                    const bool ran = aelab::igemm_runs_tile_with_kernel(
                        kernel, step, split, k, run0, run1, offsets.data(), b.data(), c.data(),
                        ldc);
                    INFO("kernel=", aelab::igemm_kernel_name(kernel), " step=", step,
                         " split=", split, " k=", k);
                    if (!ran) {  // no variant (step 3, or native kernels): nothing written
                        CHECK(c == c_ref);
                        continue;
                    }
                    CHECK(step != 3);
                    ++tested;
                    aelab::igemm_ref(mr, nr, k, rows.data(), offsets.data(), b.data(),
                                     c_ref.data(), ldc);
                    for (std::size_t i = 0; i < c.size(); ++i)
                        CHECK(std::fabs(c[i] - c_ref[i]) <= 1e-5f * (1.0f + std::fabs(c_ref[i])));
                }
    }
#if defined(AELAB_ISA_SIMD128)
    CHECK(tested == 2 * 2 * 4 * 5);  // both SIMD128 loop shapes: both steps, every split
#endif
    CHECK(tested % 40 == 0);
}

TEST_CASE("gemm_nt: every NT micro-kernel matches gemm_nt_ref for every tile up to its size") {
    aelab::Rng rng(13);
    // Rows of runs inside one buffer per operand, images a step apart (as conv dW reads them).
    for (int kernel = 0; kernel < aelab::gemm_nt_kernel_count(); ++kernel) {
        const int MR = aelab::gemm_nt_kernel_mr(kernel), NR = aelab::gemm_nt_kernel_nr(kernel);
        for (int mr = 1; mr <= MR; ++mr)
            for (int nr = 1; nr <= NR; ++nr)
                // Depths below, at and above the vector widths (4, 8) and their multiples.
                for (int depth : {0, 1, 3, 4, 5, 8, 9, 16, 17, 49})
                    for (int count : {1, 3}) {
                        const long a_row = depth + 2, a_step = mr * a_row + 1;
                        const long b_step = 5L * depth + 7;
                        auto a = random_vector(rng, std::size_t(count) * a_step + 4);
                        auto b = random_vector(rng, std::size_t(count) * b_step + 4);
                        std::vector<long> b_rows(static_cast<std::size_t>(nr));
                        for (auto& r : b_rows) r = long(rng.below(unsigned(4 * depth + 8)));
                        const int ldc = nr + 2;
                        auto c = random_vector(rng, std::size_t(mr) * ldc), c_ref = c;
                        aelab::gemm_nt_tile_with_kernel(kernel, mr, nr, depth, count, a.data(),
                                                        a_row, a_step, b.data(), b_rows.data(),
                                                        b_step, c.data(), ldc);
                        aelab::gemm_nt_ref(mr, nr, depth, count, a.data(), a_row, a_step,
                                           b.data(), b_rows.data(), b_step, c_ref.data(), ldc);
                        INFO("kernel=", aelab::gemm_nt_kernel_name(kernel), " tile=", mr, "x",
                             nr, " depth=", depth, " count=", count);
                        for (std::size_t i = 0; i < c.size(); ++i)
                            CHECK(std::fabs(c[i] - c_ref[i]) <= 1e-5f * (1.0f + std::fabs(c_ref[i])));
                    }
    }
    // A tile larger than the kernel's is refused with the sizes, not run out of bounds.
    if (aelab::gemm_nt_kernel_count() > 1) {
        float c = 0.0f;
        const long rows[8] = {};
        CHECK_THROWS_AS(aelab::gemm_nt_tile_with_kernel(0, aelab::gemm_nt_kernel_mr(0) + 1, 1, 0, 1,
                                                        &c, 0, 0, &c, rows, 0, &c, 1),
                        aelab::Error);
    }
}
