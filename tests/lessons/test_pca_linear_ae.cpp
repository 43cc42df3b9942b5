// Tests for lessons/pca_linear_ae.cpp: the PCA views the page shows (reconstruction errors from
// the codes against direct reconstructions), the k = 2 scatter data, the URL state, the training
// session (train=1 starts it, a huge learning rate diverges with a message, Reset recovers) and
// headless drawing of every mode.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <utility>

#include "aelab/dataset.hpp"
#include "headless.hpp"
#include "lesson.hpp"
#include "pca_linear_ae.hpp"
#include "kit/platform.hpp"

using namespace aelab;
using namespace aelab::lessons::pca_linear_ae;

namespace {
const Dataset& dataset() {
    static const Dataset d = load_dataset(AELAB_TEST_DATASET);
    return d;
}
// The lesson's data: centred images and the PCA of all training images, kPcaComponents of them.
const std::shared_ptr<const LinearAeData>& lesson_data() {
    static const auto data = prepare_linear_ae_data(dataset(), kPcaComponents);
    return data;
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
        CHECK(mse_of(d, all.selected, rec) == doctest::Approx(all.mse_selected[std::size_t(k)]).epsilon(1e-3));
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
    CHECK(mse_of(d, bags.selected, rec) == doctest::Approx(bags.mse_selected[16]).epsilon(1e-3));
    CHECK(mse_of(d, bags.selected, rec) < mse_of(d, bags.selected, reconstruct_test(all, d, bags.selected, 16)));
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
    platform::set_params({{"open", "2"}, {"cls", "4"}, {"kr", "30"}, {"img", "12"}, {"k", "2"}, {"tied", "1"},
                          {"act", "2"}, {"lr", "0.01"}, {"seed", "7"}, {"steps", "800"}, {"train", "1"}});
    State s = state_from_params();
    CHECK(s.open == 2);
    CHECK(s.cls == 4);
    CHECK(s.recon_k == 30);
    CHECK(s.image == 12);
    CHECK(s.latent == 2);
    CHECK(s.tied);
    CHECK(s.activation == 2);
    CHECK(s.learning_rate == doctest::Approx(0.01f));
    CHECK(s.seed == 7);
    CHECK(s.steps == 800);
    CHECK(s.train);
    const LinearAeConfig c = config_of(s);
    CHECK(c.latent == 2);
    CHECK(c.tied);
    CHECK(c.activation == Activation::tanh);
    CHECK(c.seed == 7);
    CHECK(c.steps == 800);
    platform::set_params({});
    write_params(s);
    CHECK(platform::param("cls") == "4");
    CHECK(platform::param("act") == "2");
    CHECK(platform::param("train") == "1");
    State back = state_from_params();
    CHECK(back.latent == 2);
    CHECK(back.learning_rate == doctest::Approx(0.01f));

    platform::set_params({{"cls", "10"}, {"k", "1"}, {"act", "9"}, {"lr", "5"}, {"steps", "x"}, {"open", "99"}});
    s = state_from_params();
    const State def;
    CHECK(s.cls == def.cls);
    CHECK(s.latent == def.latent);
    CHECK(s.activation == 0);
    CHECK(s.learning_rate == doctest::Approx(def.learning_rate));
    CHECK(s.steps == def.steps);
    CHECK(s.open == def.open);
    CHECK_FALSE(s.train);
    CHECK(def.latent == LinearAeConfig{}.latent);  // the page's default is the recipe's (and the CLI's)
    CHECK(def.steps == LinearAeConfig{}.steps);
    platform::set_params({});
}

TEST_CASE("pca-linear-ae lesson: train=1 starts training as soon as the data is there") {
    State s;
    s.train = true;
    TrainingSession session(s);
    CHECK_FALSE(session.run().running());
    State w;
    session.write_into(w);
    CHECK(w.train);  // still asking
    session.set_data(lesson_data());
    CHECK(session.run().running());
    CHECK(session.advance(30.0) > 0);
    CHECK(session.recipe()->step() == session.run().step());

    // Without train=1 it waits for the Train button.
    TrainingSession idle(State{});
    idle.set_data(lesson_data());
    CHECK(idle.run().state() == lessons::TrainingRun::State::idle);
    CHECK(idle.advance(30.0) == 0);

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
    State s;
    s.learning_rate = 1.0f;
    s.train = true;
    TrainingSession session(s);
    session.set_data(lesson_data());
    session.advance(5000.0);
    REQUIRE(session.run().state() == lessons::TrainingRun::State::diverged);
    CHECK(session.run().message().find("diverged") != std::string::npos);
    CHECK(session.run().step() < 200);
    session.recipe()->probe();  // the page still draws a diverged model

    session.controls().learning_rate = 3e-3f;  // what a student does: lower it, press Reset
    session.rebuild();
    CHECK(session.run().state() == lessons::TrainingRun::State::idle);
    CHECK(session.run().losses().empty());
    CHECK(session.recipe()->step() == 0);
    session.run().start();
    // Frames of 10 ms until 21 losses: as many frames as this machine needs (ASan is slower).
    for (int i = 0; i < 10000 && session.run().losses().size() <= 20; ++i) session.advance(10.0);
    CHECK(session.run().running());
    const auto& l = session.run().losses();
    REQUIRE(l.size() > 20);
    CHECK(std::isfinite(l.back()));
    CHECK(l.back() < l.front());
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
