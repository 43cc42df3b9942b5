// Tests for lessons/kit/training.cpp: the page's record of a run (TrainingRun) as a trainer's
// snapshots fill it. The step loop, its budget and the divergence rule are the core's JobRunner
// (tests/core/test_train_job.cpp); LiveTraining on each trainer is tested through the lessons,
// its mid-run changes here too.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "aelab/error.hpp"
#include "aelab/jobs/gan.hpp"
#include "headless.hpp"
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

TEST_CASE("LiveTraining: adjust changes the view copy and the trainer; run_until pauses there; refused changes send nothing") {
    using aelab::lessons::LiveTraining;
    using aelab::lessons::TrainerKind;
    for (TrainerKind kind : {TrainerKind::inline_page, TrainerKind::thread}) {
        CAPTURE(int(kind));
        LiveTraining t(20, 32, 32);
        t.set_trainer(kind);
        LiveTraining::JobHooks h;
        h.spec = [] {
            aelab::PlaneGanJobOptions o;
            o.gan.batch_size = 32;
            return aelab::gan_plane_job_spec(o);
        };
        t.set_job(std::move(h));
        aelab::JobSpec kd;
        kd.set("kd", 2);
        CHECK_THROWS_AS(t.adjust(kd), aelab::Error);  // no model yet
        t.rebuild();
        REQUIRE(t.built());
        CHECK(t.settled());
        REQUIRE(t.run_until(3));
        CHECK(t.trainer() == aelab::test::trainer_for(kind));
        CHECK_FALSE(t.settled());
        for (int i = 0; i < 20000 && !t.settled(); ++i) {
            t.advance();
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        REQUIRE(t.settled());
        CHECK(t.run().state() == TrainingRun::State::paused);
        CHECK(t.run().step() == 3);
        CHECK(t.run().losses().size() == 3);
        const int version = t.version();
        t.adjust(kd);
        CHECK(t.version() > version);
        auto& view = t.view_as<aelab::PlaneGanJob>();
        CHECK(view.gan().options().d_steps == 2);  // the view copy at once
        aelab::JobSpec lr;
        lr.set("lr", 0.5f);
        CHECK_THROWS_WITH_AS(t.adjust(lr), "job gan-plane: cannot change lr during a run", aelab::Error);
        CHECK_FALSE(t.run_until(3));  // not ahead of the run
        t.run().start();
        for (int i = 0; i < 20000 && (t.run().running() || !t.settled()); ++i) {
            t.advance();
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        CHECK(t.run().state() == TrainingRun::State::finished);  // the refused change did not stop it
        CHECK(t.run().step() == 20);
        // 3 periods of 1 + 1, then 17 of 2 + 1 (the view copy holds the trainer's counters).
        CHECK(view.gan().d_updates() == 3 + 17 * 2);
        CHECK(view.gan().g_updates() == 20);
    }
}
