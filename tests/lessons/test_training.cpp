// Tests for lessons/kit/training.cpp: the time-sliced run, its progress and divergence handling.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <stdexcept>
#include <thread>

#include "kit/training.hpp"

using aelab::lessons::TrainingRun;

TEST_CASE("training run: steps within the budget, finishes at max_steps") {
    TrainingRun run(10, 32, 320);
    int calls = 0;
    auto step = [&] { return 1.0f / float(++calls); };
    CHECK(run.advance(step, 100.0) == 0);  // idle: nothing happens
    run.start();
    CHECK(run.advance(step, 1e9) == 10);
    CHECK(run.state() == TrainingRun::State::finished);
    CHECK(run.step() == 10);
    CHECK(run.epoch() == doctest::Approx(1.0));
    REQUIRE(run.losses().size() == 10);
    CHECK(run.losses()[9] == doctest::Approx(0.1f));
    run.start();  // a finished run does not restart by itself
    CHECK(run.state() == TrainingRun::State::finished);
    run.reset();
    CHECK(run.state() == TrainingRun::State::idle);
    CHECK(run.losses().empty());
}

TEST_CASE("training run: a zero budget still takes one step per frame; pause stops it") {
    TrainingRun run(100);
    run.start();
    CHECK(run.advance([] { return 1.0f; }, 0.0) == 1);
    run.pause();
    CHECK(run.advance([] { return 1.0f; }, 0.0) == 0);
    run.start();
    CHECK(run.running());
}

TEST_CASE("training run: a step limit per frame paces a fast model within a large budget") {
    TrainingRun run(25, 8, 8);
    run.start();
    CHECK(run.advance([] { return 1.0f; }, 1e9, 10) == 10);
    CHECK(run.advance([] { return 1.0f; }, 1e9, 10) == 10);
    CHECK(run.advance([] { return 1.0f; }, 1e9, 10) == 5);  // the end of the run comes first
    CHECK(run.state() == TrainingRun::State::finished);
}

TEST_CASE("training run: NaN, Inf and an exploding loss stop the run with a message") {
    for (float bad : {NAN, INFINITY, 500.0f}) {
        CAPTURE(bad);
        TrainingRun run(100);
        run.start();
        int n = 0;
        run.advance([&] { return ++n <= 6 ? 2.0f : bad; }, 1e9);
        CHECK(run.state() == TrainingRun::State::diverged);
        CHECK(run.step() == 6);
        CHECK(run.losses().size() == 6);  // the bad loss is not recorded
        CHECK(run.message().find("diverged at step 7") != std::string::npos);
        run.start();  // cannot continue a diverged run...
        CHECK(run.state() == TrainingRun::State::diverged);
        run.reset();  // ...but reset brings it back
        run.start();
        CHECK(run.running());
    }
    TrainingRun ok(100);
    ok.start();
    int n = 0;
    ok.advance([&] { return ++n == 3 ? 150.0f : 2.0f; }, 1e9);  // an early spike is tolerated
    CHECK(ok.state() == TrainingRun::State::finished);
}

TEST_CASE("training run: an exception from the step stops the run with its message") {
    TrainingRun run(10);
    run.start();
    run.advance([]() -> float { throw std::runtime_error("shape mismatch"); }, 1e9);
    CHECK(run.state() == TrainingRun::State::diverged);
    CHECK(run.message().find("shape mismatch") != std::string::npos);
}

TEST_CASE("TrainingRun: a frame stops before a step that would overrun its budget") {
    // Steps of at least 2 ms and a 5 ms budget: after two steps (>= 4 ms) a third would end past
    // 5 ms, so a frame takes at most two (it always takes one, however slow).
    TrainingRun run(100);
    run.start();
    const auto slow_step = [] {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        return 1.0f;
    };
    const int taken = run.advance(slow_step, 5.0);
    CHECK(taken >= 1);
    CHECK(taken <= 2);
    CHECK(run.advance(slow_step, 0.5) == 1);
}

