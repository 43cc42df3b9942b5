// Tests for lessons/kit/training.cpp: the page's record of a run (TrainingRun) as a trainer's
// snapshots fill it. The step loop, its budget and the divergence rule are the core's JobRunner
// (tests/core/test_train_job.cpp); LiveTraining on each trainer is tested through the lessons.
#include <doctest/doctest.h>

#include "kit/platform.hpp"
#include "kit/train_backend.hpp"
#include "kit/training.hpp"

using aelab::lessons::TrainingRun;

TEST_CASE("TrainingRun: start, pause, mirror a trainer's steps, finish or stop, reset") {
    TrainingRun run(10, 32, 320);
    run.pause();  // idle: nothing to pause
    CHECK(run.state() == TrainingRun::State::idle);
    run.start();
    CHECK(run.running());
    run.mirror({1.0f, 0.5f}, 2, 640.0);
    run.mirror({0.25f}, 3, 0);  // no rate in this snapshot: the last one stays
    CHECK(run.step() == 3);
    CHECK(run.losses() == std::vector<float>{1.0f, 0.5f, 0.25f});
    CHECK(run.examples_per_second() == 640.0);
    CHECK(run.epoch() == doctest::Approx(0.3));
    run.pause();
    CHECK(run.state() == TrainingRun::State::paused);
    run.start();
    run.stop(TrainingRun::State::finished, "");
    run.start();  // a finished run does not restart by itself
    CHECK(run.state() == TrainingRun::State::finished);
    run.stop(TrainingRun::State::diverged, "Training diverged at step 4");
    CHECK(run.message() == "Training diverged at step 4");
    run.reset();
    CHECK(run.state() == TrainingRun::State::idle);
    CHECK(run.losses().empty());
    CHECK(run.step() == 0);
    CHECK(run.message().empty());
}

TEST_CASE("trainers: names, and the default a host sets") {
    using aelab::lessons::TrainerKind;
    CHECK(std::string(aelab::lessons::trainer_name(TrainerKind::worker)) == "a Web Worker");
    CHECK(std::string(aelab::lessons::trainer_name(TrainerKind::thread)) == "a second thread");
    CHECK(std::string(aelab::lessons::trainer_name(TrainerKind::inline_page)) == "this page's thread");
    const TrainerKind was = aelab::lessons::default_trainer();
    CHECK(was == TrainerKind::inline_page);  // tests train inline unless they ask
    aelab::lessons::set_default_trainer(TrainerKind::thread);
    CHECK(aelab::lessons::default_trainer() == TrainerKind::thread);
    aelab::lessons::set_default_trainer(was);
}

TEST_CASE("redraw requests: taken once, by the host") {
    using namespace aelab::platform;
    take_frame_request();  // whatever an earlier test asked for
    CHECK_FALSE(take_frame_request());
    request_frame();
    request_frame();
    CHECK(take_frame_request());
    CHECK_FALSE(take_frame_request());
}
