// Tests for lessons/pca_linear_ae.cpp: the PCA views the page shows (reconstruction errors from
// the codes against direct reconstructions), the k = 2 scatter data, the URL state, the live
// training (train=1 starts it, a huge learning rate diverges with a message, Reset recovers) and
// headless drawing of every mode.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "aelab/dataset.hpp"
#include "aelab/loss.hpp"
#include "headless.hpp"
#include "lesson.hpp"
#include "pca_linear_ae.hpp"
#include "kit/platform.hpp"
#include "core/test_util.hpp"

using namespace aelab;
using namespace aelab::lessons::pca_linear_ae;

namespace {
using testutil::dataset;
// The lesson's data: centred images and the PCA of all training images, kPcaComponents of them.
const std::shared_ptr<const LinearAeData>& lesson_data() {
    static const auto data = linear_ae_job_data(dataset(), kPcaComponents);  // the one the page's job uses
    return data;
}
Tensor test_images(const std::vector<std::size_t>& indices) { return dataset().gather(Split::test, indices); }
// The page as a link with these parameters opens it.
std::unique_ptr<Page> page_with(const std::map<std::string, std::string>& params) {
    platform::set_params(params);
    return std::make_unique<Page>();
}
}  // namespace

TEST_CASE("pca-linear-ae lesson: the PCA view of all images and of one class") {
    const Dataset& d = dataset();
    const PcaView all = compute_pca_view(d, -1, &lesson_data()->pca);
    CHECK(all.train_images == 6000);
    CHECK(all.selected.size() == 1000);
    CHECK(all.mse_others.empty());
    REQUIRE(all.mse_selected.size() == std::size_t(kPcaComponents + 1));
    for (std::size_t k = 1; k < all.mse_selected.size(); ++k) CHECK(all.mse_selected[k] <= all.mse_selected[k - 1]);
    // The curve (from the codes) is the MSE of actual reconstructions.
    for (int k : {0, 8, 50}) {
        CAPTURE(k);
        const Tensor rec = reconstruct_test(all, d, all.selected, k);
        CHECK(rec.shape() == Shape{1000, 1, 28, 28});
        CHECK(mse_loss(rec, test_images(all.selected)) == doctest::Approx(all.mse_selected[std::size_t(k)]).epsilon(1e-3));
    }
    CHECK(all.mse_selected[8] == doctest::Approx(pca_test_mse(*lesson_data(), 8)).epsilon(1e-3));

    const PcaView bags = compute_pca_view(d, 8, &lesson_data()->pca);  // 8: Bag, its own PCA
    CHECK(bags.train_images == 600);
    REQUIRE(bags.selected.size() == 100);
    for (std::size_t i : bags.selected) CHECK(d.test_labels[i] == 8);
    REQUIRE(bags.mse_others.size() == std::size_t(kPcaComponents + 1));
    // A PCA of bags rebuilds bags better than the other classes, and better than the PCA of all.
    CHECK(bags.mse_selected[16] < bags.mse_others[16]);
    const Tensor rec = reconstruct_test(bags, d, bags.selected, 16);
    const Tensor bag_images = test_images(bags.selected);
    CHECK(mse_loss(rec, bag_images) == doctest::Approx(bags.mse_selected[16]).epsilon(1e-3));
    CHECK(mse_loss(rec, bag_images) < mse_loss(reconstruct_test(all, d, bags.selected, 16), bag_images));
    CHECK(bags.pca.components.shape() == Shape{std::size_t(kPcaComponents), 784});
}

TEST_CASE("pca-linear-ae lesson: k = 2 scatter points, one per test image with its class") {
    LinearAeConfig c;
    c.latent = 2;
    LinearAeRecipe r(lesson_data(), c);
    const auto pts = scatter_points(r.test_codes(), r.data().test_labels);
    REQUIRE(pts.size() == 1000);
    const Tensor z = r.test_codes();
    for (std::size_t i = 0; i < pts.size(); i += 97) {
        CHECK(pts[i].label == int(dataset().test_labels[i]));
        CHECK(pts[i].x == z(i, 0));
        CHECK(pts[i].y == z(i, 1));
    }
    const auto pca_pts = scatter_points(r.pca_test_codes(), r.data().test_labels);
    CHECK(pca_pts.size() == 1000);
    CHECK_THROWS_AS(scatter_points(zeros({1000, 3}), r.data().test_labels), Error);
    CHECK_THROWS_AS(scatter_points(zeros({10, 2}), r.data().test_labels), Error);
}

TEST_CASE("pca-linear-ae lesson: the URL state round trip and fallbacks") {
    auto s = page_with({{"open", "2"}, {"cls", "4"}, {"kr", "30"}, {"img", "12"}, {"k", "2"}, {"tied", "1"},
                        {"act", "2"}, {"lr", "0.01"}, {"seed", "7"}, {"steps", "800"}, {"train", "1"}});
    CHECK(s->sections.open == 2);
    CHECK(s->cls == 4);
    CHECK(s->recon_k == 30);
    CHECK(s->image == 12);
    CHECK(s->latent == 2);
    CHECK(s->tied);
    CHECK(s->activation == 2);
    CHECK(s->training.controls().learning_rate == doctest::Approx(0.01f));
    CHECK(s->training.controls().seed == 7);
    CHECK(s->training.max_steps() == 800);
    CHECK(s->training.wants_training());
    const LinearAeConfig c = config_of(*s);
    CHECK(c.latent == 2);
    CHECK(c.tied);
    CHECK(c.activation == Activation::tanh);
    CHECK(c.seed == 7);
    CHECK(c.steps == 800);
    platform::set_params({});
    s->url.write();
    CHECK(platform::param("cls") == "4");
    CHECK(platform::param("act") == "2");
    CHECK(platform::param("train") == "1");
    const Page back;  // read from the parameters just written
    CHECK(back.latent == 2);
    CHECK(back.training.controls().learning_rate == doctest::Approx(0.01f));

    s = page_with({{"cls", "10"}, {"k", "1"}, {"act", "9"}, {"lr", "5"}, {"steps", "x"}, {"open", "99"}});
    const auto def = page_with({});
    CHECK(s->cls == def->cls);
    CHECK(s->latent == def->latent);
    CHECK(s->activation == 0);
    CHECK(s->training.controls().learning_rate == doctest::Approx(def->training.controls().learning_rate));
    CHECK(s->training.max_steps() == def->training.max_steps());
    CHECK(s->sections.open == def->sections.open);
    CHECK_FALSE(s->training.wants_training());
    CHECK(def->latent == LinearAeConfig{}.latent);  // the page's default is the recipe's (and the CLI's)
    CHECK(def->training.max_steps() == LinearAeConfig{}.steps);
    platform::set_params({});
}

TEST_CASE("pca-linear-ae lesson: train=1 starts training as soon as the data is there") {
    auto p = page_with({{"train", "1"}});
    CHECK_FALSE(p->training.run().running());
    CHECK(p->training.wants_training());  // still asking
    p->use_data(dataset());
    p->training.rebuild();
    CHECK(p->training.run().running());
    p->training.controls().budget_ms = 30.0f;
    CHECK(p->training.advance() > 0);
    // The page's copy shows the trained job's step and probes once a view state arrives (at the
    // latest when the run stops); the copy itself never steps.
    p->training.run().pause();
    p->training.advance();
    CHECK(p->job->shown_step() == p->training.run().step());
    CHECK(p->job->probes().size() == std::size_t(1 + p->training.run().step() / LinearAeConfig{}.probe_every));
    CHECK(p->recipe->step() == 0);

    // Without train=1 it waits for the Train button.
    auto idle = page_with({});
    platform::set_params({});
    idle->use_data(dataset());
    idle->training.rebuild();
    CHECK(idle->training.run().state() == lessons::TrainingRun::State::idle);
    CHECK(idle->training.advance() == 0);

    // The whole page: frames until the data is prepared, then it trains and reports status.
    platform::set_dataset_path(AELAB_TEST_DATASET);
    platform::set_params({{"lesson", "pca-linear-ae"}, {"train", "1"}, {"k", "2"}, {"open", "2"}});
    platform::clear_status();
    {
        test::HeadlessImGui gui;
        auto lesson = lessons::find_lesson("pca-linear-ae")->make();
        for (int i = 0; i < 6; ++i) gui.frame([&] { lesson->draw(); });
        const auto& st = platform::status();
        REQUIRE(st.count("step"));
        CHECK(std::stoi(st.at("step")) > 0);
        CHECK(std::stof(st.at("loss")) > 0);
        CHECK(std::stof(st.at("first_loss")) > 0);
        CHECK(platform::param("train") == "1");
    }
    platform::set_params({});
}

TEST_CASE("pca-linear-ae lesson: a huge learning rate diverges with the message, Reset recovers") {
    auto p = page_with({{"lr", "1"}, {"train", "1"}});
    platform::set_params({});
    lessons::LiveTraining& t = p->training;
    p->use_data(dataset());
    t.rebuild();
    t.controls().budget_ms = 5000.0f;
    t.advance();
    REQUIRE(t.run().state() == lessons::TrainingRun::State::diverged);
    CHECK(t.run().message().find("diverged") != std::string::npos);
    CHECK(t.run().step() < 200);
    p->recipe->probe();  // the page still draws a diverged model

    t.controls().learning_rate = 3e-3f;  // what a student does: lower it, press Reset
    t.rebuild();
    CHECK(t.run().state() == lessons::TrainingRun::State::idle);
    CHECK(t.run().losses().empty());
    CHECK(p->job->shown_step() == 0);
    t.run().start();
    // Frames of 10 ms until 21 losses: as many frames as this machine needs (ASan is slower).
    t.controls().budget_ms = 10.0f;
    for (int i = 0; i < 10000 && t.run().losses().size() <= 20; ++i) t.advance();
    CHECK(t.run().running());
    const auto& l = t.run().losses();
    REQUIRE(l.size() > 20);
    CHECK(std::isfinite(l.back()));
    CHECK(l.back() < l.front());
}

namespace {
// A short run of the page's training on trainer k: losses, probes and the decoder's directions
// the page's copy holds when it ended.
struct PcaRunResult {
    std::vector<float> losses, probes, decoder;
    int shown_step = 0;
};
PcaRunResult run_page_training(lessons::TrainerKind k, int steps) {
    auto p = page_with({{"seed", "5"}, {"k", "4"}, {"tied", "1"}});
    platform::set_params({});
    lessons::LiveTraining& t = p->training;
    t.set_trainer(k);
    t.set_max_steps(steps);
    p->use_data(dataset());
    t.rebuild();
    t.run().start();
    for (int i = 0; i < 20000 && t.run().running(); ++i) {
        t.advance();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    CHECK(t.run().state() == lessons::TrainingRun::State::finished);
    CHECK(t.trainer() == test::trainer_for(k));
    PcaRunResult r;
    r.losses = t.run().losses();
    for (const LinearAeProbe& q : p->job->probes())
        r.probes.insert(r.probes.end(), {float(q.step), float(q.max_angle_deg), float(q.mean_angle_deg), q.test_mse});
    const Tensor d = p->recipe->decoder_directions();
    r.decoder.assign(d.begin(), d.end());
    r.shown_step = p->job->shown_step();
    return r;
}
}  // namespace

TEST_CASE("pca-linear-ae lesson: training on a second thread gives the same run and probes as on the page's thread") {
    const PcaRunResult a = run_page_training(lessons::TrainerKind::inline_page, 120);
    const PcaRunResult b = run_page_training(lessons::TrainerKind::thread, 120);
    REQUIRE(a.losses.size() == 120);
    CHECK(a.losses == b.losses);
    CHECK(a.shown_step == 120);
    CHECK(b.shown_step == 120);
    REQUIRE(a.probes.size() == 3 * 4);  // steps 0, 50, 100
    CHECK(a.probes[8] == 100.0f);
    CHECK(a.probes[9] < a.probes[1]);  // the largest angle fell
    CHECK(a.probes == b.probes);
    CHECK(a.decoder == b.decoder);
}

TEST_CASE("pca-linear-ae lesson: draws every mode headless without throwing") {
    platform::set_dataset_path(AELAB_TEST_DATASET);
    {  // section 2 training in modes covering every k extreme, tied/untied and non-linearity
        struct Mode {
            const char* k;
            const char* tied;
            int act;
        };
        const Mode modes[] = {{"2", "0", 0}, {"2", "1", 1}, {"32", "0", 2}, {"32", "1", 3}, {"8", "0", 1}, {"2", "0", 3}};
        test::HeadlessImGui gui;
        for (const Mode& m : modes) {
            CAPTURE(m.k);
            CAPTURE(m.tied);
            CAPTURE(m.act);
            platform::set_params({{"k", m.k}, {"tied", m.tied}, {"act", std::to_string(m.act)}, {"train", "1"},
                                  {"open", "2"}, {"steps", "200"}});
            auto lesson = lessons::find_lesson("pca-linear-ae")->make();
            for (int i = 0; i < 5; ++i) CHECK_NOTHROW(gui.frame([&] { lesson->draw(); }));
            CHECK(platform::param("k") == m.k);
            CHECK(platform::param("act") == std::to_string(m.act));
        }
    }
    // Section 1 for all images and one class, the slider extremes; a diverged run drawn. A new
    // ImGui context each time (one at a time): a context remembers which sections were open.
    const std::pair<const char*, const char*> views[] = {{"-1", "0"}, {"3", "100"}};
    for (const auto& view : views) {
        const char* cls = view.first;  // not a structured binding: clang 14 cannot capture those
        const char* kr = view.second;
        CAPTURE(cls);
        CAPTURE(kr);
        test::HeadlessImGui fresh;
        platform::set_params({{"cls", cls}, {"kr", kr}, {"img", "999"}, {"open", "3"}, {"lr", "1"}, {"train", "1"}});
        auto lesson = lessons::find_lesson("pca-linear-ae")->make();
        for (int i = 0; i < 5; ++i) CHECK_NOTHROW(fresh.frame([&] { lesson->draw(); }));
        CHECK(platform::param("cls") == std::string(cls));
        CHECK(platform::param("kr") == std::string(kr));
        // The first image shown is clamped so 8 images of the selection fit.
        CHECK(std::stoi(platform::param("img")) == (cls[0] == '3' ? 100 - 8 : 1000 - 8));
        CHECK(platform::param("train") == "0");  // lr 1 diverged: no longer training
    }
    platform::set_params({});
}
