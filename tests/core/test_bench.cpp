// Tests for core/bench: run_benchmarks() returns the selected cases with consistent
// figures, runs extra cases from outside, and rejects unknown ids.
#include <doctest/doctest.h>

#include <string>

#include "aelab/bench.hpp"
#include "aelab/error.hpp"

TEST_CASE("run_benchmarks: selected cases, extra cases, peak") {
    aelab::BenchOptions options;
    options.warmup = 0;
    options.repeats = 3;
    options.only = {"g", "e", "h"};
    int calls = 0, skipped_calls = 0;
    options.extra_cases.push_back({"h test step", [&] {
                                       ++calls;
                                       return 1.0e6;  // flops of one run
                                   }});
    options.extra_cases.push_back({"x not selected", [&] {
                                       ++skipped_calls;
                                       return 1.0;
                                   }});
    const aelab::BenchReport r = aelab::run_benchmarks(options);
    REQUIRE(r.cases.size() == 3);
    // Built-in cases keep their documented order (e before g), extra cases come last.
    CHECK(r.cases[0].name.rfind("e ", 0) == 0);
    CHECK(r.cases[1].name.rfind("g ", 0) == 0);
    CHECK(r.cases[2].name == "h test step");
    CHECK(calls == 3);
    CHECK(skipped_calls == 0);  // --only filters extra cases by their first word too
    for (const auto& c : r.cases) {
        CHECK(c.ms > 0.0);
        CHECK(c.min_ms > 0.0);
        CHECK(c.min_ms <= c.ms);  // the fastest run is never slower than the median
    }
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
    try {
        aelab::run_benchmarks(options);
    } catch (const aelab::Error& e) {
        CHECK(std::string(e.what()).find("'z9'") != std::string::npos);
    }
    options.only = {"g"};
    options.repeats = 0;
    CHECK_THROWS_AS(aelab::run_benchmarks(options), aelab::Error);
}

TEST_CASE("median_ms is the median of the timed runs") {
    int calls = 0;
    const double ms = aelab::median_ms([&] { ++calls; }, 2, 5);
    CHECK(calls == 7);
    CHECK(ms >= 0.0);
    calls = 0;
    const aelab::Timing t = aelab::time_runs([&] { ++calls; }, 0, 3);
    CHECK(calls == 3);
    CHECK(t.min_ms >= 0.0);
    CHECK(t.min_ms <= t.median_ms);
}
