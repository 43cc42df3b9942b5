// Tests for lessons/gan.cpp: the presets do what the page says (the balanced run covers the ring,
// the mode-collapse preset collapses), the plane's pictures (heat map, arrows up D's slope),
// the saturation curves, stepping one network at a time, the image run beside the VAE, the
// URL state and headless training frames.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "aelab/toy2d.hpp"
#include "gan.hpp"
#include "headless.hpp"
#include "kit/platform.hpp"
#include "lesson.hpp"

using namespace aelab;
using namespace aelab::lessons::gan;

namespace {

const Dataset& fashion() {
    static const Dataset d = load_dataset(AELAB_TEST_DATASET);
    return d;
}

// A single step runs on the trainer (one step further, then paused): frames until it has ended
// and the page agrees with the trainer.
void settle(Page& p) {
    for (int i = 0; i < 20000 && (p.stepping() || !p.training.settled()); ++i) {
        p.advance_plane();
        if (p.stepping() || !p.training.settled()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    REQUIRE_FALSE(p.stepping());
    REQUIRE(p.training.settled());
}

// Frames until the run stops (finished, or paused at a run_until step).
void run_frames(Page& p) {
    for (int i = 0; i < 20000 && (p.training.run().running() || !p.training.settled()); ++i) {
        p.advance_plane();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

std::unique_ptr<Page> page_with(const std::map<std::string, std::string>& params) {
    platform::set_params(params);
    return std::make_unique<Page>();
}

int status_int(const char* key) {
    auto it = platform::status().find(key);
    return it == platform::status().end() || it->second.empty() ? -1 : std::stoi(it->second);
}

PlaneGanOptions preset_options(int index) {
    const PlanePreset& p = plane_preset(index);
    PlaneGanOptions o;
    o.d_steps = p.d_steps;
    o.g_steps = p.g_steps;
    o.learning_rate = p.learning_rate;
    o.loss = p.loss;
    o.seed = 1;
    return o;
}

}  // namespace

TEST_CASE("gan lesson: the mode-collapse preset collapses the fakes onto one spot (seed 1)") {
    PlaneGan g(preset_options(kModeCollapse));
    for (int i = 0; i < 250; ++i) g.train_period();
    const PlaneView v = plane_view(g);
    const GanModeStats s = g.evaluate();
    INFO("spread ", v.spread, " modes ", s.modes_covered);
    CHECK(s.modes_covered <= 1);
    CHECK(v.spread < 0.1f);  // all 500 fakes within a clump; the ring's real points spread about 2
    CHECK(point_spread(v.real) > 1.8f);
    // The balanced preset at the same number of steps is already spread over the ring.
    PlaneGan b(preset_options(kBalanced));
    for (int i = 0; i < 250; ++i) b.train_period();
    CHECK(plane_view(b).spread > 1.0f);
}

TEST_CASE("gan lesson: the plane's heat map is D(x) on the grid and the arrows climb D's slope") {
    PlaneGan g(preset_options(kBalanced));
    for (int i = 0; i < 200; ++i) g.train_period();
    const PlaneView v = plane_view(g);
    REQUIRE(v.real.shape() == Shape{std::size_t(kRealShown), 2});
    REQUIRE(v.fake.shape() == Shape{std::size_t(kFakeShown), 2});
    REQUIRE(v.prob.shape() == Shape{std::size_t(kGridSide * kGridSide)});
    REQUIRE(v.push.shape() == Shape{std::size_t(kArrowsShown), 2});
    // Cell (row 0, col 0) is the top-left one: centre (-3 + 0.075, 3 - 0.075).
    const float c = -kExtent + kExtent / kGridSide;
    CHECK(v.prob(0) == doctest::Approx(g.gan().probability(from_values({1, 2}, {c, -c}))(0)));
    for (float p : v.prob) REQUIRE((p > 0.0f && p < 1.0f));
    // A small move along each arrow raises D (non-saturating: -dl/dx = grad log D).
    int uphill = 0;
    for (std::size_t i = 0; i < std::size_t(kArrowsShown); ++i) {
        const float n = std::hypot(v.push(i, 0), v.push(i, 1));
        if (n == 0) continue;
        const float x = v.fake(i, 0), y = v.fake(i, 1), h = 1e-3f / n;
        const Tensor pts = from_values({2, 2}, {x, y, x + h * v.push(i, 0), y + h * v.push(i, 1)});
        const Tensor p = g.gan().probability(pts);
        uphill += p(1) >= p(0);
    }
    CHECK(uphill >= kArrowsShown - 2);
}

TEST_CASE("gan lesson: the saturation curves and tiled images") {
    const LossCurves c = loss_curves();
    REQUIRE(c.p.size() == 99);
    CHECK(c.p[0] == doctest::Approx(0.01f));
    CHECK(c.saturating[0] == doctest::Approx(std::log(0.99f)));
    CHECK(c.non_saturating[0] == doctest::Approx(-std::log(0.01f)));
    CHECK(c.grad_saturating[0] == doctest::Approx(0.01f));      // nearly no pull when D rejects the fake
    CHECK(c.grad_non_saturating[0] == doctest::Approx(0.99f));  // a strong one
    CHECK(c.grad_saturating[49] == doctest::Approx(c.grad_non_saturating[49]));  // equal at D = 1/2

    Tensor imgs = zeros({5, 1, 28, 28});
    imgs(3, 0, 2, 7) = 0.5f;
    const Tensor t = tile_images(imgs, 4);
    REQUIRE(t.shape() == Shape{56, 112});
    CHECK(t(28 + 2, 7) == 0.0f);      // image 4: row 1, column 0, empty
    CHECK(t(2, 3 * 28 + 7) == 0.5f);  // image 3: row 0, column 3
}

TEST_CASE("gan lesson: one D step and one G step move one network each and are recorded") {
    auto p = page_with({});
    platform::set_params({});
    REQUIRE(p->training.built());
    p->single_step(Page::Single::d);
    settle(*p);
    CHECK(p->live->d_updates() == 1);
    CHECK(p->live->g_updates() == 0);
    CHECK(p->training.run().step() == 1);
    CHECK(p->training.run().state() == lessons::TrainingRun::State::paused);
    p->single_step(Page::Single::g);
    settle(*p);
    p->single_step(Page::Single::g);
    settle(*p);
    CHECK(p->live->d_updates() == 1);
    CHECK(p->live->g_updates() == 2);
    REQUIRE(p->d_loss.size() == 3);
    REQUIRE(p->g_loss.size() == 3);
    CHECK(p->d_loss[2] == p->d_loss[0]);  // no D update since: its last loss carries over
    CHECK(p->g_loss[2] == p->live->last_g().loss);
    CHECK(p->training.run().losses().back() == p->d_loss.back());
    CHECK(p->stats.modes == 8);
    // A G step first (no D update yet) records the untrained pair's L_D: about 2 log 2.
    auto q = page_with({});
    platform::set_params({});
    q->single_step(Page::Single::g);
    settle(*q);
    CHECK(q->d_loss[0] == doctest::Approx(2 * std::log(2.0f)).epsilon(0.1));
}

TEST_CASE("gan lesson: the image run trains the GAN and the VAE on one class") {
    auto p = page_with({{"icls", "7"}, {"iseed", "3"}});
    platform::set_params({});
    p->set_data(&fashion());
    lessons::LiveTraining& lt = p->image_training;
    lt.rebuild();
    REQUIRE(lt.built());
    for (auto l : p->subset->train_labels) REQUIRE(l == 7);
    CHECK(p->image_gan->options().class_index == 7);
    CHECK(p->image_gan->options().seed == 3);
    lt.set_max_steps(5);
    lt.controls().budget_ms = 1e9f;
    lt.run().start();
    while (lt.run().running()) lt.advance();
    CHECK(lt.run().step() == 5);
    REQUIRE(p->image_d_loss.size() == 5);
    REQUIRE(p->vae_loss.size() == 5);
    CHECK(p->vae_loss[4] < p->vae_loss[0]);
    CHECK(p->image_d_loss[0] == doctest::Approx(2 * std::log(2.0f)).epsilon(0.2));
}

TEST_CASE("gan lesson: the PyTorch code follows the settings") {
    PlaneGanOptions o = preset_options(kOscillation);
    o.loss = GanLoss::saturating;
    const std::string code = pytorch_code(o);
    CHECK(code.find("B, kd, kg, non_saturating = 128, 1, 5, False") != std::string::npos);
    CHECK(code.find("betas=(0.5, 0.999)") != std::string::npos);
    CHECK(code.find("F.logsigmoid(-l_f).mean()") != std::string::npos);
    CHECK(code.find("G, D = mlp(2, 2), mlp(2, 1)") != std::string::npos);
    CHECK(code.find("sd 0.05, radius 2") != std::string::npos);
}

TEST_CASE("gan lesson: URL state round trip") {
    auto s = page_with({{"target", "3"}, {"npts", "2"}, {"draw", "-1,0.5,1,-0.25"}, {"kd", "2"}, {"kg", "3"},
                        {"nonsat", "0"}, {"arrows", "0"}, {"seed", "7"}, {"lr", "0.003"}, {"steps", "5000"},
                        {"icls", "-1"}, {"iseed", "4"}, {"ilr", "0.0002"}, {"isteps", "300"}, {"open", "5"}});
    CHECK(s->target == GanTarget::drawn);
    CHECK(s->drawn == std::vector<float>{-1.0f, 0.5f, 1.0f, -0.25f});
    CHECK(s->d_steps == 2);
    CHECK(s->g_steps == 3);
    CHECK_FALSE(s->non_saturating);
    CHECK_FALSE(s->arrows);
    CHECK(s->image_class == -1);
    CHECK(s->sections.open == 5);
    CHECK(s->training.max_steps() == 5000);
    CHECK(s->image_training.controls().seed == 4);
    CHECK(s->image_training.max_steps() == 300);
    const PlaneGanOptions o = s->plane_options();
    CHECK(o.seed == 7);
    CHECK(o.learning_rate == doctest::Approx(0.003f));
    CHECK(o.loss == GanLoss::saturating);
    CHECK(o.drawn.pieces.size() == 1);
    REQUIRE(s->live);
    CHECK(s->live->options().target == GanTarget::drawn);

    // The page built from these parameters writes the same state back.
    {
        test::HeadlessImGui gui;
        auto lesson = lessons::find_lesson("gan")->make();
        for (int i = 0; i < 3; ++i) gui.frame([&] { lesson->draw(); });
        for (const char* k : {"target", "npts", "kd", "kg", "nonsat", "arrows", "seed", "steps", "icls", "iseed",
                              "isteps", "open"})
            CHECK(platform::param(k) == std::map<std::string, std::string>{
                                            {"target", "3"}, {"npts", "2"}, {"kd", "2"}, {"kg", "3"}, {"nonsat", "0"},
                                            {"arrows", "0"}, {"seed", "7"}, {"steps", "5000"}, {"icls", "-1"},
                                            {"iseed", "4"}, {"isteps", "300"}, {"open", "5"}}
                                            .at(k));
        CHECK(platform::param("lr") == "0.003");
        CHECK(platform::param("ilr") == "0.0002");
        CHECK(platform::parse_floats(platform::param("draw"), 4) == std::vector<float>{-1.0f, 0.5f, 1.0f, -0.25f});
        CHECK(platform::param("train") == "0");
        CHECK(status_int("step") == 0);
    }
    // Hand-edited links fall back to the defaults; a drawn target without points is the ring.
    s = page_with({{"target", "9"}, {"kd", "-1"}, {"kg", "x"}, {"lr", "100"}, {"icls", "10"}, {"nonsat", "2"},
                   {"npts", "3"}, {"draw", "1,2"}});
    CHECK(s->target == GanTarget::ring);
    CHECK(s->d_steps == 1);
    CHECK(s->g_steps == 1);
    CHECK(s->training.controls().learning_rate == 1e-3f);
    CHECK(s->image_class == 0);
    CHECK(s->non_saturating);
    CHECK(s->drawn.empty());
    s = page_with({{"target", "3"}});
    CHECK(s->target == GanTarget::ring);
    s = page_with({{"kd", "0"}, {"kg", "0"}});  // both zero: one D update
    CHECK(s->live->options().d_steps == 1);
    platform::set_params({});
}

TEST_CASE("gan lesson: train=1 trains headless frame by frame; status keys for the browser test") {
    platform::set_dataset_path(AELAB_TEST_DATASET);
    platform::set_params({{"train", "1"}, {"open", "1"}});
    platform::clear_status();
    test::HeadlessImGui gui;
    auto lesson = lessons::find_lesson("gan")->make();
    for (int i = 0; i < 400 && status_int("step") < 300; ++i) gui.frame([&] { lesson->draw(); });
    CHECK(status_int("step") >= 300);
    CHECK(platform::param("train") == "1");
    const float first = std::stof(platform::status().at("first_loss"));
    const float d = std::stof(platform::status().at("d_loss")), g = std::stof(platform::status().at("g_loss"));
    CHECK(std::stof(platform::status().at("loss")) == d);
    CHECK(first == doctest::Approx(2 * std::log(2.0f)).epsilon(0.1));  // D starts unable to tell
    CHECK(d > 0.5f);
    CHECK(d < 1.6f);
    CHECK(g > 0.3f);
    CHECK(status_int("modes_covered") >= 0);
    CHECK(status_int("modes_covered") <= 8);
    platform::set_params({});
}

TEST_CASE("gan lesson: draws headless with every target, preset-like settings and odd parameters") {
    platform::set_dataset_path(AELAB_TEST_DATASET);
    test::HeadlessImGui gui;
    const std::vector<std::map<std::string, std::string>> cases = {
        {},
        {{"target", "1"}, {"train", "1"}},
        {{"target", "2"}, {"nonsat", "0"}, {"kd", "5"}},
        {{"target", "3"}, {"npts", "3"}, {"draw", "0,0,1,1,2,0"}, {"train", "1"}},
        {{"train", "1"}, {"lr", "0.05"}, {"kg", "20"}},
        {{"open", "7"}, {"icls", "-1"}, {"isteps", "10"}},
    };
    for (const auto& params : cases) {
        std::string what;
        for (const auto& kv : params) what += kv.first + "=" + kv.second + " ";
        CAPTURE(what);
        platform::set_params(params);
        auto lesson = lessons::find_lesson("gan")->make();
        for (int i = 0; i < 5; ++i) CHECK_NOTHROW(gui.frame([&] { lesson->draw(); }));
        CHECK(platform::status().count("d_loss") == 1);
    }
    platform::set_params({});
}

TEST_CASE("gan lesson: single steps and changes mid-run apply on the trainer from the next step, inline and threaded alike") {
    // The page: 3 periods (paused there), a D step, k_d = 2 and the saturating loss, a G step,
    // then 4 more steps. The thread's run must give the inline run's numbers bit for bit.
    std::vector<std::vector<float>> runs;
    for (lessons::TrainerKind kind : {lessons::TrainerKind::inline_page, lessons::TrainerKind::thread}) {
        CAPTURE(int(kind));
        auto p = page_with({});
        platform::set_params({});
        p->training.set_trainer(kind);
        p->training.rebuild();
        REQUIRE(p->training.run_until(3));
        CHECK(p->training.pause_target() == 3);
        CHECK_FALSE(p->training.run_until(4));  // one target at a time
        run_frames(*p);
        REQUIRE(p->training.run().state() == lessons::TrainingRun::State::paused);
        REQUIRE(p->training.run().step() == 3);
        CHECK(p->training.trainer() == test::trainer_for(kind));
        const std::vector<float> first3 = p->d_loss;
        p->single_step(Page::Single::d);
        CHECK(p->stepping());
        settle(*p);
        CHECK(p->training.run().state() == lessons::TrainingRun::State::paused);
        CHECK(p->training.run().step() == 4);
        CHECK(p->live->d_updates() == 4);
        CHECK(p->live->g_updates() == 3);
        p->d_steps = 2;
        p->period_changed();
        CHECK(p->live->options().d_steps == 2);  // the view copy has it at once
        p->non_saturating = false;
        p->loss_changed();
        CHECK(p->live->options().loss == GanLoss::saturating);
        // The change did not reset the run: the history stays.
        CHECK(p->training.run().step() == 4);
        CHECK(p->training.run().state() == lessons::TrainingRun::State::paused);
        REQUIRE(p->d_loss.size() == 4);
        CHECK(std::vector<float>(p->d_loss.begin(), p->d_loss.begin() + 3) == first3);
        p->single_step(Page::Single::g);
        settle(*p);
        CHECK(p->training.run().state() == lessons::TrainingRun::State::paused);
        CHECK(p->training.run().step() == 5);
        p->training.set_max_steps(9);
        p->training.run().start();
        run_frames(*p);
        CHECK(p->training.run().state() == lessons::TrainingRun::State::finished);
        REQUIRE(p->training.run().step() == 9);

        PlaneGan g(p->plane_options());  // seed, lr, target as the page has them
        g.set_period(1, 1);
        g.set_loss(GanLoss::non_saturating);
        std::vector<float> d, gl;
        auto record = [&] {
            float ld = g.last_d().loss;
            if (g.d_updates() == 0)
                ld = g.gan().discriminator_gradients(g.real_samples(std::size_t(g.options().batch_size), kRealSeed),
                                                     sample_prior(g.options().batch_size, g.options().latent, kFakeSeed)).loss;
            d.push_back(ld);
            gl.push_back(g.last_g().loss);
        };
        for (int i = 0; i < 3; ++i) g.train_period(), record();
        g.discriminator_step(), record();
        g.set_period(2, 1);
        g.set_loss(GanLoss::saturating);
        g.generator_step(), record();
        for (int i = 0; i < 4; ++i) g.train_period(), record();
        CHECK(p->training.run().losses() == d);
        CHECK(p->d_loss == d);
        CHECK(p->g_loss == gl);
        CHECK(p->live->d_updates() == g.d_updates());
        CHECK(p->live->g_updates() == g.g_updates());
        std::vector<float> all = p->d_loss;
        all.insert(all.end(), p->g_loss.begin(), p->g_loss.end());
        runs.push_back(all);
    }
    REQUIRE(runs.size() == 2);
    CHECK(runs[0] == runs[1]);
}

TEST_CASE("gan lesson: a change at step 0 starts a fresh run with it; a settled page only single-steps") {
    auto p = page_with({});
    platform::set_params({});
    p->d_steps = 3;
    p->period_changed();  // nothing trained yet: rebuilt with k_d = 3 in the spec
    CHECK(p->live->options().d_steps == 3);
    CHECK(p->training.run().state() == lessons::TrainingRun::State::idle);
    p->training.run().start();
    p->single_step(Page::Single::d);  // running: ignored
    CHECK_FALSE(p->stepping());
    p->training.run().pause();
    p->advance_plane();
    settle(*p);
    const int at = p->training.run().step();
    p->single_step(Page::Single::g);
    settle(*p);
    CHECK(p->training.run().step() == at + 1);
    CHECK(p->training.run().state() == lessons::TrainingRun::State::paused);
}
