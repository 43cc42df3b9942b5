// Tests for lessons/regularized_ae.cpp: the URL state (round trip, fallbacks), the options each
// run is built with, the code histogram and atom ranking, the three trainings (the sparse run's
// evaluation schedule, the sweep finishing its networks in lambda order, the Jacobian spectra of
// the contractive pair), the PyTorch text and headless frames with training and status values.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "aelab/dataset.hpp"
#include "headless.hpp"
#include "kit/platform.hpp"
#include "kit/sections.hpp"
#include "kit/training.hpp"
#include "kit/url_state.hpp"
#include "lesson.hpp"
#include "regularized_ae.hpp"
#include "core/test_util.hpp"

using namespace aelab;
using namespace aelab::lessons::regularized_ae;

namespace {

using testutil::dataset;

// The page's URL keys over fresh settings, sections and trainings, read from the params.
struct UrlPage {
    Settings s;
    kit::Sections sections{0b111};
    Trainings t;
    kit::UrlState url = url_state(s, sections, t);
    UrlPage() { url.read(); }
};

template <class Done>
void frames_until(test::HeadlessImGui& gui, lessons::Lesson& lesson, Done done, int limit) {
    for (int i = 0; i < limit && !done(); ++i) gui.frame([&] { lesson.draw(); });
}

int status_int(const char* key) {
    auto it = platform::status().find(key);
    return it == platform::status().end() ? 0 : std::stoi(it->second);
}

}  // namespace

TEST_CASE("regularized-ae lesson: the URL state round trip and fallbacks") {
    platform::set_params({{"lam", "0.002"}, {"clam", "0.3"}, {"img", "17"}, {"seed", "5"}, {"lr", "0.002"},
                          {"steps", "700"}, {"train", "1"}, {"sseed", "6"}, {"slr", "0.003"}, {"ssteps", "1200"},
                          {"cseed", "7"}, {"clr", "0.004"}, {"csteps", "900"}, {"open", "5"}});
    UrlPage p;
    CHECK(p.s.lambda == doctest::Approx(0.002f));
    CHECK(p.s.contractive_lambda == doctest::Approx(0.3f));
    CHECK(p.s.image == 17);
    CHECK(p.t.sparse.controls().seed == 5);
    CHECK(p.t.sparse.max_steps() == 700);
    CHECK(p.t.sparse.wants_training());
    CHECK(p.t.sweep.controls().seed == 6);
    CHECK(p.t.sweep.controls().learning_rate == doctest::Approx(0.003f));
    CHECK(p.t.sweep.max_steps() == 1200);
    CHECK(p.t.contractive.controls().seed == 7);
    CHECK(p.t.contractive.controls().learning_rate == doctest::Approx(0.004f));
    CHECK(p.t.contractive.max_steps() == 900);
    CHECK(p.sections.open == 5);

    const SparseAeOptions so = sparse_options(p.s, p.t.sparse);
    CHECK(so.lambda == doctest::Approx(0.002f));
    CHECK(so.seed == 5);
    CHECK(so.learning_rate == doctest::Approx(0.002f));
    CHECK(so.steps == 700);
    CHECK(so.eval_count == kEvalImages);
    CHECK(so.code == 1024);
    const SparseAeOptions wo = sweep_options(p.t.sweep);
    CHECK(wo.steps == 1200 / int(sweep_lambdas().size()));  // ssteps is shared out
    CHECK(wo.seed == 6);
    const ContractiveOptions co = contractive_options(p.s, p.t.contractive);
    CHECK(co.lambda == doctest::Approx(0.3f));
    CHECK(co.seed == 7);
    CHECK(co.steps == 900);

    platform::set_params({});
    p.url.write();
    const UrlPage back;
    CHECK(back.s.lambda == p.s.lambda);
    CHECK(back.s.contractive_lambda == p.s.contractive_lambda);
    CHECK(back.s.image == p.s.image);
    CHECK(back.t.sparse.controls().seed == 5);
    CHECK(back.t.sparse.controls().learning_rate == doctest::Approx(0.002f));
    CHECK(back.t.sparse.max_steps() == 700);
    CHECK(back.t.sparse.wants_training());
    CHECK(back.t.sweep.controls().seed == 6);
    CHECK(back.t.sweep.max_steps() == 1200);
    CHECK(back.t.contractive.controls().learning_rate == doctest::Approx(0.004f));
    CHECK(back.t.contractive.max_steps() == 900);
    CHECK(back.sections.open == 5);
    for (const char* key : {"lam", "clam", "img", "sseed", "ssteps", "cseed", "csteps"}) CHECK(!platform::param(key).empty());

    platform::set_params({{"lam", "-1"}, {"clam", "nan"}, {"img", "100000"}, {"steps", "3"}, {"ssteps", "x"},
                          {"clr", "9"}, {"open", "99"}, {"train", "2"}, {"mfield", "1"}});
    const UrlPage bad;
    const Settings d;
    CHECK(bad.s.lambda == d.lambda);
    CHECK(bad.s.contractive_lambda == d.contractive_lambda);
    CHECK(bad.s.image == 0);
    CHECK(bad.t.sparse.max_steps() == SparseAeOptions{}.steps);
    CHECK(bad.t.sweep.max_steps() == int(sweep_lambdas().size()) * 400);
    CHECK(bad.t.contractive.controls().learning_rate == doctest::Approx(1e-3f));
    CHECK(bad.sections.open == 0b111);
    CHECK_FALSE(bad.t.sparse.wants_training());
    platform::set_params({});
}

TEST_CASE("regularized-ae lesson: the code histogram and the top units, by hand") {
    const Tensor h = from_values({2, 4}, {0.0f, 1.0f, 4.0f, 0.0f, 2.0f, 0.0f, 0.0f, 3.9f});
    const Histogram hist = code_histogram(h, 4);  // bins of width 1 over [0, 4]
    CHECK(hist.total == 8);
    CHECK(hist.zeros == 4);
    CHECK(hist.hi == 4.0f);
    CHECK(hist.counts == std::vector<float>{0, 1, 1, 2});  // 1 -> bin 1, 2 -> bin 2, 3.9 and 4 -> bin 3
    const Histogram empty = code_histogram(zeros({3, 2}), 5);
    CHECK(empty.zeros == 6);
    CHECK(empty.counts == std::vector<float>(5, 0.0f));

    CHECK(top_units(from_values({5}, {0.1f, 3.0f, 0.0f, 2.0f, 5.0f}), 3) == std::vector<int>{4, 1, 3});
    CHECK(top_units(from_values({2}, {1.0f, 2.0f}), 9) == std::vector<int>{1, 0});
    std::vector<int> uses;
    CHECK(units_by_use(h, &uses) == std::vector<int>{0, 1, 2, 3});  // each active once: ties by index
    CHECK(uses == std::vector<int>{1, 1, 1, 1});
    CHECK(units_by_use(from_values({3, 2}, {0, 1, 0, 1, 1, 0})) == std::vector<int>{1, 0});
}

TEST_CASE("regularized-ae lesson: the sparse run evaluates at step 0, every kEvalEvery steps and at the end") {
    Settings s;
    s.lambda = 1e-3f;
    lessons::LiveTraining t{110, 16, 6000, kEvalEvery};
    SparseState st;
    attach_sparse(t, st, dataset(), s);
    t.rebuild();
    REQUIRE(t.built());
    REQUIRE(st.held_out.size() == 1);
    CHECK(st.held_out[0].step == 0);
    CHECK(st.codes.shape() == (Shape{std::size_t(kEvalImages), 1024}));
    CHECK(st.ranked.size() == 1024);
    t.run().start();
    t.controls().budget_ms = 1e9f;
    t.advance();
    CHECK(t.run().state() == lessons::TrainingRun::State::finished);
    CHECK(st.mse.size() == 110);
    CHECK(st.active.size() == 110);
    REQUIRE(st.held_out.size() == 3);
    CHECK(st.held_out[1].step == 100);
    CHECK(st.held_out[2].step == 110);
    CHECK(t.run().losses().back() < 0.5f * t.run().losses().front());
    CHECK(st.active.back() < st.active.front());  // the penalty switches units off
    CHECK(st.held_out.back().eval.mse < st.held_out.front().eval.mse);
    const int builds = st.builds;
    t.rebuild();
    CHECK(st.builds == builds + 1);
    CHECK(st.mse.empty());
}

TEST_CASE("regularized-ae lesson: the sweep trains its networks in turn and evaluates them in lambda order") {
    lessons::LiveTraining t{int(sweep_lambdas().size()) * 8 + 3, 16, 6000, 0};
    t.run().explode_factor = 1e30f;
    SweepState st;
    attach_sweep(t, st, dataset());
    t.rebuild();
    REQUIRE(t.built());
    const std::size_t n = sweep_lambdas().size();
    CHECK(t.max_steps() == int(n) * 8);  // rounded down to whole networks
    CHECK(st.results.empty());
    t.run().start();
    t.controls().budget_ms = 1e9f;
    t.advance();
    update_sweep(t, st);
    CHECK(t.run().state() == lessons::TrainingRun::State::finished);
    REQUIRE(st.done());
    for (std::size_t i = 0; i < n; ++i) {
        CHECK(st.losses[i].size() == 8);
        CHECK(st.results[i].lambda == sweep_lambdas()[i]);
        CHECK(st.top_atoms[i].shape() == (Shape{std::size_t(kSweepAtoms), 1, 28, 28}));
    }
    // 8 steps are a start (the recipe's tests train longer): the largest lambda already has fewer
    // units on and a smaller code than lambda = 0.
    CHECK(st.results.back().eval.fraction_active < st.results.front().eval.fraction_active);
    CHECK(st.results.back().eval.l1 < 0.8 * st.results.front().eval.l1);
}

TEST_CASE("regularized-ae lesson: the sparse run on a second thread gives the inline run's numbers") {
    struct Run {
        Settings s;
        lessons::LiveTraining t{30, 16, 6000, 10};
        SparseState st;
    };
    auto run = [](Run& r, lessons::TrainerKind kind) {
        r.s.lambda = 1e-3f;
        r.t.set_trainer(kind);
        attach_sparse(r.t, r.st, dataset(), r.s);
        r.t.rebuild();
        REQUIRE(r.t.built());
        r.t.run().start();
        r.t.controls().budget_ms = 1e9f;
        for (int i = 0; i < 20000 && r.t.run().state() != lessons::TrainingRun::State::finished; ++i) {
            r.t.advance();
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        REQUIRE(r.t.run().state() == lessons::TrainingRun::State::finished);
    };
    Run a, b;
    run(a, lessons::TrainerKind::inline_page);
    run(b, lessons::TrainerKind::thread);
    CHECK(b.t.trainer() == test::trainer_for(lessons::TrainerKind::thread));
    CHECK(a.t.run().losses() == b.t.run().losses());
    CHECK(a.st.mse == b.st.mse);
    CHECK(a.st.active == b.st.active);
    REQUIRE(a.st.held_out.size() == 4);  // steps 0, 10, 20, 30
    REQUIRE(b.st.held_out.size() == 4);
    for (std::size_t i = 0; i < 4; ++i) {
        CHECK(a.st.held_out[i].step == b.st.held_out[i].step);
        CHECK(a.st.held_out[i].eval.mse == b.st.held_out[i].eval.mse);
        CHECK(a.st.held_out[i].eval.fraction_active == b.st.held_out[i].eval.fraction_active);
        CHECK(a.st.held_out[i].eval.atom_spread == b.st.held_out[i].eval.atom_spread);
    }
    CHECK(std::vector<float>(a.st.codes.begin(), a.st.codes.end()) == std::vector<float>(b.st.codes.begin(), b.st.codes.end()));
    CHECK(a.st.ranked == b.st.ranked);
    // The view copy holds the last weights: its own evaluation is the job's.
    Tensor codes;
    const SparseEval e = b.st.ae->evaluate(&codes);
    CHECK(e.mse == b.st.held_out.back().eval.mse);
    CHECK(std::vector<float>(codes.begin(), codes.end()) == std::vector<float>(b.st.codes.begin(), b.st.codes.end()));
}

TEST_CASE("regularized-ae lesson: the contractive pair's spectra") {
    Settings s;
    lessons::LiveTraining t{60, 64, 6000, kEvalEvery};
    t.controls().learning_rate = 3e-3f;
    ContractiveState st;
    attach_contractive(t, st, dataset(), s);
    t.rebuild();
    REQUIRE(t.built());
    t.run().start();
    t.controls().budget_ms = 1e9f;
    t.advance();
    CHECK(st.plain_losses.size() == 60);
    CHECK(st.penalties.size() == 60);
    REQUIRE(st.held_out.size() == 2);  // step 0 and the end
    const ContractiveEval& e = st.held_out.back().eval;
    CHECK(e.jacobian_fro_contractive < e.jacobian_fro_plain);
    Tensor x = dataset().image(Split::test, 3);
    const Spectra sp = jacobian_spectra(*st.recipe, x);
    REQUIRE(sp.plain.size() == 128);
    REQUIRE(sp.contractive.size() == 128);
    for (std::size_t i = 1; i < 128; ++i) CHECK(sp.contractive[i] <= sp.contractive[i - 1]);
    CHECK(sp.plain_large >= sp.contractive_large);
    CHECK(sp.contractive[0] < sp.plain[0]);
}

TEST_CASE("regularized-ae lesson: the PyTorch text") {
    SparseAeOptions so;
    so.lambda = 0.001f;
    const std::string sparse = pytorch_sparse(so);
    CHECK(sparse.find("nn.Linear(784, 1024)") != std::string::npos);
    CHECK(sparse.find("lam = 0.001") != std::string::npos);
    CHECK(sparse.find("h.abs().sum(dim=1).mean()") != std::string::npos);
    CHECK(sparse.find("dec.weight /= dec.weight.norm(dim=0, keepdim=True)") != std::string::npos);
    const std::string cae = pytorch_contractive(ContractiveOptions{});
    CHECK(cae.find("((h * (1 - h)) ** 2 * (W ** 2).sum(dim=1)).sum(dim=1)") != std::string::npos);
    CHECK(cae.find("torch.autograd.functional.jacobian") != std::string::npos);
    CHECK(cae.find("torch.linalg.svdvals(J)") != std::string::npos);
}

TEST_CASE("regularized-ae lesson: train=1 trains headless; status reports the figures") {
    platform::set_dataset_path(AELAB_TEST_DATASET);
    platform::clear_status();
    platform::set_params({{"lesson", "regularized-ae"}, {"train", "1"}, {"steps", "30"}, {"csteps", "30"}, {"open", "3"},
                          {"img", "5"}});
    test::HeadlessImGui gui;
    auto lesson = lessons::find_lesson("regularized-ae")->make();
    frames_until(gui, *lesson, [] { return status_int("step") >= 30 && status_int("c_step") >= 30; }, 400);
    CHECK(status_int("step") == 30);
    CHECK(status_int("c_step") == 30);
    for (const char* key : {"loss", "first_loss", "fraction_active", "mse", "c_loss", "c_first_loss",
                            "jacobian_fro_plain", "jacobian_fro_contractive", "sweep_step", "sweep_done"})
        CHECK_MESSAGE(platform::status().count(key), key);
    CHECK(std::stof(platform::status().at("loss")) < std::stof(platform::status().at("first_loss")));
    const double active = std::stod(platform::status().at("fraction_active"));
    CHECK(active > 0.0);
    CHECK(active < 1.0);
    CHECK(std::stod(platform::status().at("jacobian_fro_contractive")) < std::stod(platform::status().at("jacobian_fro_plain")));
    CHECK(status_int("sweep_step") == 0);  // the sweep waits for its own button
    gui.frame([&] { lesson->draw(); });
    CHECK(platform::param("train") == "0");

    // Without train=1 nothing trains.
    platform::clear_status();
    platform::set_params({{"lesson", "regularized-ae"}, {"open", "0"}});
    auto idle = lessons::find_lesson("regularized-ae")->make();
    for (int i = 0; i < 4; ++i) gui.frame([&] { idle->draw(); });
    CHECK(status_int("step") == 0);
    CHECK(status_int("c_step") == 0);
    platform::set_params({});
}

TEST_CASE("regularized-ae lesson: a huge learning rate stops the run with a message; bad URLs draw") {
    platform::set_dataset_path(AELAB_TEST_DATASET);
    platform::clear_status();
    platform::set_params({{"lesson", "regularized-ae"}, {"train", "1"}, {"lr", "0.1"}, {"lam", "0"}, {"open", "1"}});
    test::HeadlessImGui gui;
    auto lesson = lessons::find_lesson("regularized-ae")->make();
    for (int i = 0; i < 40; ++i) CHECK_NOTHROW(gui.frame([&] { lesson->draw(); }));
    const int stopped_at = status_int("step");
    CHECK(stopped_at < 40);
    gui.frame([&] { lesson->draw(); });
    CHECK(status_int("step") == stopped_at);  // stopped (diverged or finished), not still running
    // Embedded in a narrow page, every section open, odd values in the link.
    ImGui::GetIO().DisplaySize = ImVec2(700, 900);
    platform::set_params({{"lesson", "regularized-ae"}, {"img", "-4"}, {"lam", "abc"}, {"open", "7"}, {"ssteps", "60"}});
    auto odd = lessons::find_lesson("regularized-ae")->make();
    for (int i = 0; i < 3; ++i) CHECK_NOTHROW(gui.frame([&] { odd->draw(); }));
    platform::set_params({});
}
