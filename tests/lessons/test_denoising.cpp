// Tests for lessons/denoising.cpp: the drawing canvas (strokes, erasing, its URL text), the
// corruption examples, the comparison the page shows, the URL state, the training (the PSNR
// schedule, train=1, divergence by collapse and recovery after Reset) and headless drawing.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <thread>

#include <xtensor/xview.hpp>

#include "aelab/dataset.hpp"
#include "denoising.hpp"
#include "headless.hpp"
#include "lesson.hpp"
#include "kit/platform.hpp"
#include "kit/sections.hpp"
#include "kit/training.hpp"
#include "kit/url_state.hpp"
#include "core/test_util.hpp"

using namespace aelab;
using namespace aelab::lessons::denoising;

namespace {

using testutil::dataset;

float at(const Canvas& c, int r, int col) { return c.pixels[std::size_t(r) * kSide + col]; }

// Draws the lesson until the dataset is ready and `done` holds (or the frame limit).
template <class Done>
void frames_until(test::HeadlessImGui& gui, lessons::Lesson& lesson, Done done, int limit = 300) {
    for (int i = 0; i < limit && !done(); ++i) gui.frame([&] { lesson.draw(); });
}

}  // namespace

TEST_CASE("denoising canvas: a stroke paints the pixels along it and nothing far away") {
    Canvas c;
    const int v0 = c.version;
    // A horizontal stroke through the centres of row 14, columns 4 .. 24, brush radius 1.
    c.stroke(14.5f, 4.5f, 14.5f, 24.5f, 1.0f, 1.0f);
    CHECK(c.version != v0);
    for (int col = 4; col <= 24; ++col) CHECK(at(c, 14, col) == 1.0f);
    // One row off the line: distance 1 from the stroke, coverage 1 + 0.5 - 1 = 0.5.
    CHECK(at(c, 13, 14) == doctest::Approx(0.5f));
    CHECK(at(c, 15, 14) == doctest::Approx(0.5f));
    CHECK(at(c, 12, 14) == 0.0f);  // distance 2: outside
    CHECK(at(c, 14, 2) == 0.0f);   // before the start
    CHECK(at(c, 0, 0) == 0.0f);
    CHECK(at(c, 27, 27) == 0.0f);

    // Erasing (ink 0) with a big brush clears the middle of the line.
    c.dab(14.5f, 14.5f, 2.0f, 0.0f);
    CHECK(at(c, 14, 14) == 0.0f);
    CHECK(at(c, 14, 4) == 1.0f);

    // Off the canvas, NaN or a zero brush: nothing happens, nothing crashes.
    const int v1 = c.version;
    c.dab(-50, -50, 2.0f, 1.0f);
    c.dab(NAN, 3, 2.0f, 1.0f);
    c.dab(3, 3, 0.0f, 1.0f);
    c.stroke(0, 0, INFINITY, 5, 1.0f, 1.0f);
    c.stroke(1e30f, -1e30f, 2e30f, 1e30f, 3.0f, 1.0f);
    CHECK(c.version == v1);
    // A stroke leaving the canvas paints up to the edge.
    c.stroke(2.5f, 20.5f, 2.5f, 60.0f, 0.5f, 1.0f);
    CHECK(at(c, 2, 27) == doctest::Approx(1.0f));  // FMA contraction may leave 1 - 1 ulp

    c.clear();
    for (float p : c.pixels) CHECK(p == 0.0f);
    const Tensor t = c.tensor();
    CHECK(t.shape() == Shape{1, 1, 28, 28});
}

TEST_CASE("denoising canvas: loading an image clamps it; the URL text round trips") {
    Canvas c;
    CHECK(canvas_to_text(c) == "0.784.");
    Tensor img = dataset().image(Split::test, 3);
    img(0, 0, 0) = 2.0f;
    c.load(img);
    CHECK(at(c, 0, 0) == 1.0f);
    CHECK_THROWS_AS(c.load(zeros({1, 5, 5})), Error);

    c.clear();
    c.stroke(5.5f, 5.5f, 20.5f, 20.5f, 1.5f, 1.0f);
    Canvas back;
    REQUIRE(canvas_from_text(canvas_to_text(c), back));
    for (std::size_t i = 0; i < c.pixels.size(); ++i) CHECK(std::abs(back.pixels[i] - c.pixels[i]) <= 1.0f / 30 + 1e-6f);  // 16 levels
    CHECK(canvas_to_text(c).size() < 200);  // runs of black stay short in a link

    Canvas untouched;
    for (const char* bad : {"", "0.783.", "0.785.", "g", "0..", "0.12", "0.784.1", "0.99999.", "0.-1."}) {
        CAPTURE(bad);
        CHECK_FALSE(canvas_from_text(bad, untouched));
    }
    CHECK(untouched.version == 0);
}

TEST_CASE("denoising lesson: corruption examples and their PSNRs") {
    Tensor x = dataset().image(Split::test, 0);
    x.reshape(Shape{1, 1, 28, 28});
    const float levels[3] = {0.5f, 0.0f, 1.0f};
    const auto e = noise_examples(x, levels, 7);
    REQUIRE(e.size() == 3);
    CHECK(e[0].kind == Corruption::gaussian);
    CHECK(e[0].psnr_db == doctest::Approx(6.02).epsilon(0.05));  // about 10 log10(1 / 0.25)
    CHECK(e[1].noisy == x);                                      // masking with p = 0 changes nothing
    CHECK(std::isinf(e[1].psnr_db));
    for (float v : e[2].noisy) CHECK((v == 0.0f || v == 1.0f));  // p = 1: every pixel salt or pepper
    CHECK(noise_examples(x, levels, 7)[0].noisy == e[0].noisy);  // seeded
    CHECK(noise_from_key("masking", Corruption::gaussian) == Corruption::masking);
    CHECK(noise_from_key("pink", Corruption::gaussian) == Corruption::gaussian);
    CHECK(std::string(pytorch_corruption(Corruption::gaussian, 0.5f)).find("0.5 * torch.randn_like(x)") != std::string::npos);
}

TEST_CASE("denoising lesson: the comparison's field, true field and per-image PSNRs") {
    DenoisingRecipeOptions o;
    o.eval_count = 10;
    DenoisingRecipe r(dataset(), o);
    for (int s = 0; s < 5; ++s) r.train_step();
    const Tensor clean = xt::view(r.eval_clean(), xt::range(0, 3));
    const Tensor noisy = xt::view(r.eval_noisy(), xt::range(0, 3));
    const Comparison c = compare(r, clean, noisy);
    CHECK(c.denoised == r.denoise(noisy));
    CHECK(c.plain == r.reconstruct_plain(noisy));
    CHECK(c.field == c.denoised - noisy);
    CHECK(c.true_field == clean - noisy);
    REQUIRE(c.psnr_noisy.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
        CHECK(c.psnr_noisy[i] == doctest::Approx(psnr_db(Tensor(xt::view(noisy, i)), Tensor(xt::view(clean, i)))));
        CHECK(std::abs(c.field_cosine[i]) <= 1.0 + 1e-9);
    }
    // Clipping: 0.5 -> 1.5 clipped to 1 is off by 0.5, -0.5 clipped to 0 is exact: MSE 0.125.
    CHECK(psnr_clipped_db(from_values({2}, {1.5f, -0.5f}), from_values({2}, {0.5f, 0.0f})) ==
          doctest::Approx(10 * std::log10(8.0)));
    CHECK(psnr_clipped_db(noisy, clean) > psnr_db(noisy, clean));
    CHECK(denoise_repeatedly(r, noisy, 2) == r.denoise(r.denoise(noisy)));
    CHECK_THROWS_AS(compare(r, clean, zeros({3, 1, 28, 27})), Error);
    const std::string code = pytorch_code(o);
    CHECK(code.find("nn.Linear(784, 128)") != std::string::npos);
    CHECK(code.find("copy.deepcopy(dae)") != std::string::npos);
    CHECK(code.find("10 * torch.log10(1 / F.mse_loss(y, x))") != std::string::npos);
}

// The page's URL keys over fresh settings, canvas, sections and training, read from the params.
struct UrlPage {
    Settings s;
    Canvas canvas;
    kit::Sections sections{15};
    lessons::LiveTraining training{DenoisingRecipeOptions{}.steps, 64, 6000, kEvalEvery};
    kit::UrlState url = url_state(s, canvas, sections, training);
    UrlPage() { url.read(); }
};

TEST_CASE("denoising lesson: the URL state round trip and fallbacks") {
    platform::set_params({{"noise", "salt-and-pepper"}, {"level", "0.3"}, {"seed", "7"}, {"lr", "0.002"},
                          {"steps", "500"}, {"train", "1"}, {"img", "12"}, {"sig", "0.8"}, {"pm", "0.25"},
                          {"psp", "0.1"}, {"open", "5"}, {"brush", "2.5"}, {"ink", "0"}, {"passes", "3"},
                          {"cnoise", "0"}, {"cseed", "9"}, {"canvas", "0.780.ffff"}});
    UrlPage p;
    const Settings& s = p.s;
    CHECK(s.noise == Corruption::salt_and_pepper);
    CHECK(s.level == doctest::Approx(0.3f));
    CHECK(p.training.controls().seed == 7);
    CHECK(p.training.controls().learning_rate == doctest::Approx(0.002f));
    CHECK(p.training.max_steps() == 500);
    CHECK(p.training.wants_training());
    CHECK(s.image == 12);
    CHECK(s.example_levels[0] == doctest::Approx(0.8f));
    CHECK(s.example_levels[1] == doctest::Approx(0.25f));
    CHECK(s.example_levels[2] == doctest::Approx(0.1f));
    CHECK(p.sections.open == 5);
    CHECK(s.brush == doctest::Approx(2.5f));
    CHECK(s.ink == 0);
    CHECK(s.passes == 3);
    CHECK_FALSE(s.canvas_noise);
    CHECK(s.canvas_seed == 9);
    CHECK(canvas_to_text(p.canvas) == "0.780.f.4.");  // the same pixels, runs of more than 3 shortened
    const DenoisingRecipeOptions o = recipe_options(s, p.training);
    CHECK(o.corruption == Corruption::salt_and_pepper);
    CHECK(o.level == doctest::Approx(0.3f));
    CHECK(o.seed == 7);
    CHECK(o.steps == 500);

    platform::set_params({});
    p.url.write();
    const UrlPage back;
    CHECK(back.s.noise == s.noise);
    CHECK(back.s.level == s.level);
    CHECK(back.training.controls().seed == p.training.controls().seed);
    CHECK(back.training.controls().learning_rate == doctest::Approx(p.training.controls().learning_rate));
    CHECK(back.training.max_steps() == p.training.max_steps());
    CHECK(back.training.wants_training() == p.training.wants_training());
    CHECK(back.s.image == s.image);
    CHECK(back.sections.open == p.sections.open);
    CHECK(back.s.passes == s.passes);
    CHECK(back.s.canvas_seed == s.canvas_seed);
    CHECK(canvas_to_text(back.canvas) == canvas_to_text(p.canvas));
    CHECK(platform::param("noise") == "salt-and-pepper");

    platform::set_params({{"noise", "pink"}, {"level", "9"}, {"lr", "50"}, {"steps", "-3"}, {"passes", "99"},
                          {"canvas", "zz"}, {"open", "1000"}, {"train", "yes"}});
    const UrlPage bad;
    const Settings d;
    CHECK(bad.s.noise == Corruption::gaussian);
    CHECK(bad.s.level == d.level);
    CHECK(bad.training.controls().learning_rate == DenoisingRecipeOptions{}.learning_rate);
    CHECK(bad.training.max_steps() == DenoisingRecipeOptions{}.steps);
    CHECK(bad.s.passes == d.passes);
    CHECK(bad.canvas.version == 0);
    CHECK(bad.sections.open == 15);
    CHECK_FALSE(bad.training.wants_training());
    platform::set_params({});
}

// The lesson's training with recipe options `o` (read at every rebuild), at step 0.
struct Training {
    DenoisingRecipeOptions o;
    lessons::LiveTraining live{o.steps, o.batch_size, 6000, kEvalEvery};
    Networks nets;
    explicit Training(const DenoisingRecipeOptions& options) : o(options) {
        attach_training(live, nets, dataset(), [this] { return o; });
        live.rebuild();
    }
};

TEST_CASE("denoising training: evaluates at step 0 and every kEvalEvery steps; the loss falls") {
    DenoisingRecipeOptions o;
    o.eval_count = 50;
    o.steps = 120;
    Training t(o);
    REQUIRE(t.nets.psnr.size() == 1);
    CHECK(t.nets.psnr[0].step == 0);
    t.live.run().start();
    t.live.controls().budget_ms = 1e9f;
    t.live.advance();
    CHECK(t.live.run().state() == lessons::TrainingRun::State::finished);
    CHECK(t.live.run().step() == 120);
    CHECK(t.nets.plain_losses.size() == 120);
    REQUIRE(t.nets.psnr.size() == 3);  // steps 0, 100 and the end
    CHECK(t.nets.psnr[1].step == 100);
    CHECK(t.nets.psnr[2].step == 120);
    CHECK(t.live.run().losses().back() < 0.5f * t.live.run().losses().front());
    CHECK(t.nets.latest().psnr_denoised_db > t.nets.latest().psnr_noisy_db + 3.0);
}

TEST_CASE("denoising training: a huge learning rate stops the run with the message; Reset recovers") {
    DenoisingRecipeOptions o;
    o.learning_rate = 1.0f;
    o.steps = 200;
    o.eval_count = 20;
    Training t(o);
    t.live.run().start();
    t.live.controls().budget_ms = 1.0f;
    for (int i = 0; i < 50 && t.live.run().running(); ++i) t.live.advance();
    CHECK(t.live.run().state() == lessons::TrainingRun::State::diverged);
    CHECK(t.live.run().message().find("learning rate is probably too high") != std::string::npos);
    CHECK(t.live.run().step() < 50);
    CHECK(t.nets.plain_losses.size() == t.live.run().losses().size());

    // Reset with a sensible learning rate: a fresh recipe that trains.
    t.o.learning_rate = 1e-3f;
    t.o.steps = 60;
    t.live.set_max_steps(60);
    t.live.rebuild();
    CHECK(t.nets.plain_losses.empty());
    REQUIRE(t.nets.psnr.size() == 1);
    t.live.run().start();
    t.live.controls().budget_ms = 1e9f;
    t.live.advance();
    CHECK(t.live.run().state() == lessons::TrainingRun::State::finished);
    CHECK(t.live.run().losses().back() < 0.6f * t.live.run().losses().front());
}

TEST_CASE("denoising lesson: train=1 starts training once the data is ready; status reports the loss") {
    platform::set_dataset_path(AELAB_TEST_DATASET);
    platform::clear_status();
    platform::set_params({{"lesson", "denoising"}, {"train", "1"}, {"steps", "40"}, {"open", "0"}});
    test::HeadlessImGui gui;
    auto lesson = lessons::find_lesson("denoising")->make();
    auto step = [] {
        auto it = platform::status().find("step");
        return it == platform::status().end() ? 0 : std::stoi(it->second);
    };
    frames_until(gui, *lesson, [&] { return step() >= 40; }, 400);
    CHECK(step() == 40);
    REQUIRE(platform::status().count("loss"));
    REQUIRE(platform::status().count("first_loss"));
    CHECK(std::stof(platform::status().at("loss")) < std::stof(platform::status().at("first_loss")));
    CHECK(std::stod(platform::status().at("psnr_denoised_db")) > std::stod(platform::status().at("psnr_noisy_db")));
    gui.frame([&] { lesson->draw(); });
    CHECK(platform::param("train") == "0");  // finished: a copied link no longer starts a run

    // Without train=1 nothing trains.
    platform::clear_status();
    platform::set_params({{"lesson", "denoising"}, {"open", "0"}});
    auto idle = lessons::find_lesson("denoising")->make();
    for (int i = 0; i < 5; ++i) gui.frame([&] { idle->draw(); });
    CHECK(step() == 0);
    platform::set_params({});
}

TEST_CASE("denoising lesson: a huge learning rate in the URL stops with the message, drawn without throwing") {
    platform::set_dataset_path(AELAB_TEST_DATASET);
    platform::clear_status();
    platform::set_params({{"lesson", "denoising"}, {"train", "1"}, {"lr", "1"}, {"open", "15"}});
    test::HeadlessImGui gui;
    auto lesson = lessons::find_lesson("denoising")->make();
    for (int i = 0; i < 60; ++i) CHECK_NOTHROW(gui.frame([&] { lesson->draw(); }));
    const int stopped_at = std::stoi(platform::status().at("step"));
    CHECK(stopped_at < 50);
    gui.frame([&] { lesson->draw(); });
    CHECK(std::stoi(platform::status().at("step")) == stopped_at);  // it stays stopped
    CHECK(platform::param("train") == "0");
    platform::set_params({});
}

TEST_CASE("denoising lesson: draws every noise, section and canvas mode headless, bad URLs included") {
    platform::set_dataset_path(AELAB_TEST_DATASET);
    test::HeadlessImGui gui;
    for (const char* noise : {"gaussian", "masking", "salt-and-pepper"})
        for (const char* cnoise : {"0", "1"}) {
            CAPTURE(noise);
            CAPTURE(cnoise);
            platform::set_params({{"noise", noise}, {"level", "0.4"}, {"open", "15"}, {"cnoise", cnoise},
                                  {"passes", "3"}, {"img", "998"}, {"train", "1"}, {"steps", "12"}});
            auto lesson = lessons::find_lesson("denoising")->make();
            for (int i = 0; i < 4; ++i) CHECK_NOTHROW(gui.frame([&] { lesson->draw(); }));
        }
    platform::set_params({{"noise", "x"}, {"level", "-4"}, {"img", "-1"}, {"canvas", "0.784."}, {"brush", "nan"},
                          {"open", "-3"}, {"passes", "0"}});
    auto lesson = lessons::find_lesson("denoising")->make();
    for (int i = 0; i < 3; ++i) CHECK_NOTHROW(gui.frame([&] { lesson->draw(); }));
    CHECK(platform::param("canvas") == "0.784.");
    platform::set_params({});
}

#ifndef __EMSCRIPTEN__  // the web build trains in a Web Worker (tests/browser) and has no threads
// Issue 16: the same run on a second thread gives the inline run's numbers bit for bit; the
// thread ends with its LiveTraining; a reset while training shows nothing of the old run.
namespace {
void run_to_end(lessons::LiveTraining& live) {
    for (int i = 0; i < 30000 && live.run().running(); ++i) {
        live.advance();
        if (live.trainer() == lessons::TrainerKind::thread) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}
}  // namespace

TEST_CASE("denoising training on a second thread: the inline run's losses, curves and PSNRs bit for bit; no thread left") {
    DenoisingRecipeOptions o;
    o.eval_count = 30;
    o.steps = 130;
    o.seed = 5;
    Training inline_run(o);
    inline_run.live.controls().budget_ms = 3.0f;  // several frames
    inline_run.live.run().start();
    run_to_end(inline_run.live);
    REQUIRE(inline_run.live.run().state() == lessons::TrainingRun::State::finished);

    const int threads_before = lessons::live_trainers();
    {
        Training threaded(o);
        threaded.live.set_trainer(lessons::TrainerKind::thread);
        threaded.live.run().start();
        threaded.live.advance();
        CHECK(threaded.live.trainer() == lessons::TrainerKind::thread);
        CHECK(lessons::live_trainers() == threads_before + 1);
        run_to_end(threaded.live);
        REQUIRE(threaded.live.run().state() == lessons::TrainingRun::State::finished);
        CHECK(threaded.live.run().losses() == inline_run.live.run().losses());
        CHECK(threaded.nets.plain_losses == inline_run.nets.plain_losses);
        REQUIRE(threaded.nets.psnr.size() == inline_run.nets.psnr.size());
        for (std::size_t i = 0; i < threaded.nets.psnr.size(); ++i) {
            CHECK(threaded.nets.psnr[i].step == inline_run.nets.psnr[i].step);
            CHECK(threaded.nets.psnr[i].eval.psnr_denoised_db == inline_run.nets.psnr[i].eval.psnr_denoised_db);
        }
        // The view copy holds the finished weights.
        const Tensor x = dataset().batch(Split::test, 0, 3);
        CHECK(threaded.nets.recipe->denoise(x) == inline_run.nets.recipe->denoise(x));

        // Reset mid-run with another seed: the curves start again and only the new run shows.
        threaded.o.seed = 6;
        threaded.o.steps = 400;
        threaded.live.set_max_steps(400);
        threaded.live.rebuild();
        threaded.live.run().start();
        for (int i = 0; i < 20000 && threaded.live.run().step() < 10; ++i) {
            threaded.live.advance();
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        threaded.o.seed = 7;
        threaded.o.steps = 40;
        threaded.live.set_max_steps(40);
        threaded.live.rebuild();  // while the thread is training seed 6
        CHECK(threaded.live.run().losses().empty());
        CHECK(threaded.nets.plain_losses.empty());
        threaded.live.run().start();
        run_to_end(threaded.live);
        DenoisingRecipeOptions o7 = o;
        o7.seed = 7;
        o7.steps = 40;
        DenoisingRecipe direct(dataset(), o7);
        std::vector<float> want;
        for (int i = 0; i < 40; ++i) want.push_back(direct.train_step());
        CHECK(threaded.live.run().losses() == want);
        CHECK(threaded.live.run().step() == 40);
    }
    CHECK(lessons::live_trainers() == threads_before);
}

// The host draws only when something changed (web/main.cpp should_draw); a run tells it what
// it needs: every frame while its steps run in the frames, a frame now and then while they run
// on another thread, nothing when it is not training.
TEST_CASE("redraw need: a run on the page's thread every frame, on a second thread now and then, none when idle") {
    using Redraw = lessons::LiveTraining::Redraw;
    DenoisingRecipeOptions o;
    o.eval_count = 10;
    o.steps = 40;
    o.seed = 5;
    CHECK(lessons::LiveTraining::redraw_need() == Redraw::none);
    {
        Training t(o);
        CHECK(lessons::LiveTraining::redraw_need() == Redraw::none);  // built, not training
        t.live.run().start();
        t.live.controls().budget_ms = 0.5f;
        t.live.advance();
        CHECK(t.live.trainer() == lessons::TrainerKind::inline_page);
        CHECK(lessons::LiveTraining::redraw_need() == Redraw::every_frame);
        t.live.run().pause();
        CHECK(lessons::LiveTraining::redraw_need() == Redraw::none);
    }
    {
        Training t(o);
        t.live.set_trainer(lessons::TrainerKind::thread);
        t.live.run().start();
        t.live.advance();
        CHECK(lessons::LiveTraining::redraw_need() == Redraw::periodic);
        run_to_end(t.live);
        CHECK(t.live.run().state() == lessons::TrainingRun::State::finished);
        CHECK(lessons::LiveTraining::redraw_need() == Redraw::none);
    }
}

// One core draws the page: on a 2-core machine the host lets one run train elsewhere at a time
// (LiveTraining::set_max_parallel); the others wait their turn, in the order Train was pressed.
TEST_CASE("at most max_parallel runs train on threads at once; the others wait, first come first served") {
    DenoisingRecipeOptions o;
    o.eval_count = 10;
    o.steps = 30;
    o.seed = 5;
    const int threads_before = lessons::live_trainers();
    const int limit_before = lessons::LiveTraining::max_parallel();
    lessons::LiveTraining::set_max_parallel(1);
    {
        Training a(o), b(o), c(o);
        for (Training* t : {&a, &b, &c}) {
            t->live.set_trainer(lessons::TrainerKind::thread);
            t->live.run().start();
        }
        c.live.advance();  // the page draws c first: it takes the core
        a.live.advance();
        b.live.advance();
        CHECK_FALSE(c.live.waiting());
        CHECK(a.live.waiting());
        CHECK(b.live.waiting());
        CHECK(lessons::live_trainers() == threads_before + 1);  // the waiting runs start no thread
        for (int i = 0; i < 30000 && c.live.run().running(); ++i) {
            b.live.advance();  // b asks first in each frame now, but a pressed Train before it
            c.live.advance();
            a.live.advance();
            CHECK(a.live.run().step() == 0);
            CHECK(b.live.run().step() == 0);
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        REQUIRE(c.live.run().state() == lessons::TrainingRun::State::finished);
        b.live.advance();
        a.live.advance();
        CHECK(b.live.waiting());
        CHECK_FALSE(a.live.waiting());
        // Paused, a gives its core to b at once.
        a.live.run().pause();
        b.live.advance();
        CHECK_FALSE(b.live.waiting());
        a.live.advance();
        CHECK_FALSE(a.live.waiting());  // paused: not in the queue
        a.live.run().start();
        a.live.advance();
        CHECK(a.live.waiting());  // b has the core now
        run_to_end(b.live);
        run_to_end(a.live);
        CHECK(a.live.run().state() == lessons::TrainingRun::State::finished);
        CHECK(a.live.run().losses() == c.live.run().losses());  // the same run, whatever the wait
        CHECK(b.live.run().losses() == c.live.run().losses());
    }
    lessons::LiveTraining::set_max_parallel(limit_before);
    CHECK(lessons::LiveTraining::max_parallel() == limit_before);
    CHECK(lessons::live_trainers() == threads_before);
}
#endif
