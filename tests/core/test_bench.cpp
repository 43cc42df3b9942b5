// Tests for core/src/bench: run_benchmarks() returns the selected cases with consistent
// figures, runs extra cases from outside, and rejects unknown ids.
#include <doctest/doctest.h>

#include <string>

#include "aelab/bench.hpp"
#include "aelab/error.hpp"

TEST_CASE("run_benchmarks: selected cases, extra cases, peak") {
    aelab::BenchOptions options;
    options.warmup = 0;
    options.repeats = 3;
    options.only = {"g", "e"};
    int calls = 0;
    options.extra_cases.push_back({"h test step", [&] {
                                       ++calls;
                                       return 1.0e6;  // flops of one run
                                   }});
    const aelab::BenchReport r = aelab::run_benchmarks(options);
    REQUIRE(r.cases.size() == 3);
    // Built-in cases keep their documented order (e before g), extra cases come last.
    CHECK(r.cases[0].name.rfind("e ", 0) == 0);
    CHECK(r.cases[1].name.rfind("g ", 0) == 0);
    CHECK(r.cases[2].name == "h test step");
    CHECK(calls == 3);
    for (const auto& c : r.cases) CHECK(c.ms > 0.0);
    CHECK(r.cases[0].gflops > 0.0);
    CHECK(r.cases[1].gflops == 0.0);  // pooling: no multiply-adds
    CHECK(r.cases[2].gflops == doctest::Approx(1.0e6 / (r.cases[2].ms * 1e6)));
    CHECK(r.peak_gflops > 0.0);
    CHECK(!r.gemm_kernel.empty());
}

TEST_CASE("run_benchmarks rejects unknown case ids and bad repeat counts") {
    aelab::BenchOptions options;
    options.only = {"z9"};
    CHECK_THROWS_AS(aelab::run_benchmarks(options), aelab::Error);
    options.only = {"g"};
    options.repeats = 0;
    CHECK_THROWS_AS(aelab::run_benchmarks(options), aelab::Error);
}

TEST_CASE("median_ms is the median of the timed runs") {
    int calls = 0;
    const double ms = aelab::median_ms([&] { ++calls; }, 2, 5);
    CHECK(calls == 7);
    CHECK(ms >= 0.0);
}
