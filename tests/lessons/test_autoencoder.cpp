// Tests for lessons/autoencoder.cpp: the URL state (round trip, fallbacks), the options each
// training gets, the four trainings driven through LiveTraining (the toy learns its code, the
// side-by-side networks evaluate on schedule, the stacked run fits its probes when it
// finishes), the seed survey, the PyTorch text and headless drawing with train=1.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>

#include "aelab/dataset.hpp"
#include "autoencoder.hpp"
#include "headless.hpp"
#include "kit/platform.hpp"
#include "lesson.hpp"
#include "core/test_util.hpp"

using namespace aelab;
using namespace aelab::lessons::autoencoder;

namespace {

using testutil::dataset;

// The page's URL keys over fresh settings, sections and trainings, read from the params.
struct UrlPage {
    Settings s;
    kit::Sections sections{31};
    Trainings t;
    kit::UrlState url = url_state(s, sections, t);
    UrlPage() { url.read(); }
};

void run_to_end(lessons::LiveTraining& t) {
    t.run().start();
    t.controls().budget_ms = 1e9f;
    t.controls().max_steps_per_frame = 0;
    t.advance();
}

}  // namespace

TEST_CASE("autoencoder lesson: the URL state round trip and fallbacks") {
    platform::set_params({{"loss", "squared-error"}, {"seed", "7"}, {"lr", "0.5"}, {"steps", "3000"}, {"train", "1"},
                          {"code", "300"}, {"img", "12"}, {"nseed", "4"}, {"bseed", "2"}, {"blr", "0.002"},
                          {"bsteps", "500"}, {"dcode", "32"}, {"dseed", "3"}, {"dlr", "0.003"}, {"dsteps", "700"},
                          {"sseed", "5"}, {"slr", "0.004"}, {"ssteps", "900"}, {"open", "5"}});
    UrlPage p;
    CHECK(p.s.toy_loss == ToyLoss::squared_error);
    CHECK(p.t.toy.controls().seed == 7);
    CHECK(p.t.toy.controls().learning_rate == doctest::Approx(0.5f));
    CHECK(p.t.toy.max_steps() == 3000);
    CHECK(p.t.toy.wants_training());
    CHECK(p.s.code == 300);
    CHECK(p.s.image == 12);
    CHECK(p.s.noise_seed == 4);
    CHECK(p.t.bottleneck.controls().seed == 2);
    CHECK(p.t.bottleneck.controls().learning_rate == doctest::Approx(0.002f));
    CHECK(p.t.bottleneck.max_steps() == 500);
    CHECK(p.s.depth_code == 32);
    CHECK(p.t.depth.controls().seed == 3);
    CHECK(p.t.depth.controls().learning_rate == doctest::Approx(0.003f));
    CHECK(p.t.depth.max_steps() == 700);
    CHECK(p.t.stacked.controls().seed == 5);
    CHECK(p.t.stacked.controls().learning_rate == doctest::Approx(0.004f));
    CHECK(p.t.stacked.max_steps() == 900);
    CHECK(p.sections.open == 5);

    const Toy838Options toy = toy_options(p.s, p.t.toy);
    CHECK(toy.loss == ToyLoss::squared_error);
    CHECK(toy.seed == 7);
    CHECK(toy.steps == 3000);
    CHECK(toy.learning_rate == doctest::Approx(0.5f));
    const SideBySideOptions b = side_by_side_options(p.t.bottleneck);
    CHECK(b.seed == 2);
    CHECK(b.steps == 500);
    const StackedOptions so = stacked_options(p.t.stacked);
    CHECK(so.seed == 5);
    CHECK(so.total_steps() == 900);
    CHECK(so.stage1_steps == 300);
    CHECK(so.learning_rate == doctest::Approx(0.004f));
    const auto specs = bottleneck_specs(p.s);
    REQUIRE(specs.size() == 2);
    CHECK(specs[0].code == kNarrowCode);
    CHECK(specs[1].code == 300);

    platform::set_params({});
    p.url.write();
    const UrlPage back;
    CHECK(back.s.toy_loss == p.s.toy_loss);
    CHECK(back.t.toy.controls().seed == 7);
    CHECK(back.t.toy.max_steps() == 3000);
    CHECK(back.t.toy.wants_training());
    CHECK(back.s.code == 300);
    CHECK(back.s.noise_seed == 4);
    CHECK(back.t.bottleneck.controls().learning_rate == doctest::Approx(0.002f));
    CHECK(back.s.depth_code == 32);
    CHECK(back.t.depth.max_steps() == 700);
    CHECK(back.t.stacked.controls().seed == 5);
    CHECK(back.t.stacked.max_steps() == 900);
    CHECK(back.sections.open == 5);
    CHECK(platform::param("loss") == "squared-error");

    platform::set_params({{"loss", "hinge"}, {"code", "1"}, {"dcode", "500"}, {"lr", "1000"}, {"blr", "1"},
                          {"ssteps", "2"}, {"steps", "0"}, {"open", "99"}, {"train", "yes"}, {"nseed", "x"}});
    const UrlPage bad;
    const Settings d;
    CHECK(bad.s.toy_loss == ToyLoss::cross_entropy);
    CHECK(bad.s.code == d.code);
    CHECK(bad.s.depth_code == d.depth_code);
    CHECK(bad.t.toy.controls().learning_rate == Toy838Options{}.learning_rate);
    CHECK(bad.t.bottleneck.controls().learning_rate == doctest::Approx(1e-3f));
    CHECK(bad.t.stacked.max_steps() == StackedOptions{}.total_steps());
    CHECK(bad.t.toy.max_steps() == Toy838Options{}.steps);
    CHECK(bad.sections.open == 31);
    CHECK_FALSE(bad.t.toy.wants_training());
    CHECK(bad.s.noise_seed == d.noise_seed);
    platform::set_params({});
}

TEST_CASE("autoencoder lesson: the toy's live training learns the code; the seed survey") {
    Settings s;
    Trainings t;
    ToyState st;
    attach_toy(t.toy, st, s);
    t.toy.rebuild();
    REQUIRE(t.toy.built());
    CHECK_FALSE(st.toy->all_correct());
    run_to_end(t.toy);
    CHECK(t.toy.run().state() == lessons::TrainingRun::State::finished);
    CHECK(t.toy.run().step() == Toy838Options{}.steps);
    CHECK(t.toy.run().losses().back() < 0.1f * t.toy.run().losses().front());
    CHECK(st.toy->all_correct());

    // A new loss and Reset: a fresh toy at step 0.
    s.toy_loss = ToyLoss::squared_error;
    t.toy.rebuild();
    CHECK(st.toy->options().loss == ToyLoss::squared_error);
    CHECK(st.toy->step() == 0);

    const SeedSurvey survey = survey_seeds(toy_options(s, t.toy), 1);
    CHECK(survey.first_seed == 1);
    CHECK(survey.steps == Toy838Options{}.steps);
    CHECK(survey.cross_entropy >= 9);  // 10 natively
    CHECK(survey.squared_error < survey.cross_entropy);
}

TEST_CASE("autoencoder lesson: side-by-side networks evaluate at step 0, every kEvalEvery steps and the end") {
    lessons::LiveTraining t{120, 64, 6000, kEvalEvery};
    SideBySideState st;
    attach_side_by_side(t, st, dataset(), [] { return std::vector<MlpAeSpec>{bottleneck_spec(4), bottleneck_spec(16)}; });
    t.rebuild();
    REQUIRE(t.built());
    REQUIRE(st.held_out.size() == 1);
    CHECK(st.held_out[0].mse.size() == 2);
    run_to_end(t);
    CHECK(t.run().step() == 120);
    CHECK(st.losses[0].size() == 120);  // the second network's curve, as long as the run's
    REQUIRE(st.held_out.size() == 3);
    CHECK(st.held_out[1].step == 100);
    CHECK(st.held_out[2].step == 120);
    CHECK(st.held_out[2].mse[1] < st.held_out[0].mse[1]);
    t.rebuild();
    CHECK(st.losses[0].empty());
    CHECK(st.held_out.size() == 1);
}

TEST_CASE("autoencoder lesson: the stacked run plots its held-out MSE and fits the probes when it finishes") {
    lessons::LiveTraining t{StackedOptions{}.total_steps(), 64, 6000, kEvalEvery};
    t.set_max_steps(120);
    StackedState st;
    attach_stacked(t, st, dataset());
    t.rebuild();
    REQUIRE(t.built());
    CHECK(st.held_out_greedy.size() == 1);
    CHECK_FALSE(st.probes.fitted);
    run_to_end(t);
    CHECK(st.job->stage() == StackedStage::done);
    CHECK(st.end_to_end.size() == 120);
    CHECK(st.held_out_greedy.size() == 2);  // steps 0 and 100
    CHECK(st.held_out_end_to_end.size() == 2);
    REQUIRE(st.probes.fitted);
    CHECK(st.probes.step == 120);
    REQUIRE(st.probes.greedy.size() == 3);
    CHECK(st.probes.end_to_end.size() == 3);
    CHECK(st.probes.greedy[2].labels == 1000);
    CHECK(st.probes.greedy[2].accuracy_pixels > 0.7);
    CHECK(st.probes.greedy[2].accuracy_codes > 0.2);
    // The job fitted them in the trainer; the page's button fits them on its view copy: the same numbers.
    const ProbeResult job_probes = st.probes;
    fit_probes(st, dataset());
    CHECK(st.probes.step == 120);
    for (std::size_t i = 0; i < 3; ++i) {
        CHECK(st.probes.greedy[i].accuracy_codes == job_probes.greedy[i].accuracy_codes);
        CHECK(st.probes.greedy[i].accuracy_pixels == job_probes.greedy[i].accuracy_pixels);
        CHECK(st.probes.end_to_end[i] == job_probes.end_to_end[i]);
    }
}

TEST_CASE("autoencoder lesson: the side-by-side run on a second thread gives the inline run's numbers") {
    struct Run {
        lessons::LiveTraining t{60, 64, 6000, 25};
        SideBySideState st;
    };
    auto run = [](Run& r, lessons::TrainerKind kind) {
        r.t.set_trainer(kind);
        attach_side_by_side(r.t, r.st, dataset(), [] { return std::vector<MlpAeSpec>{bottleneck_spec(4), bottleneck_spec(16)}; });
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
    CHECK(a.st.losses[0] == b.st.losses[0]);
    REQUIRE(a.st.held_out.size() == 4);  // steps 0, 25, 50, 60
    REQUIRE(b.st.held_out.size() == a.st.held_out.size());
    for (std::size_t i = 0; i < a.st.held_out.size(); ++i) {
        CHECK(a.st.held_out[i].step == b.st.held_out[i].step);
        CHECK(a.st.held_out[i].mse == b.st.held_out[i].mse);
    }
    CHECK(b.st.job->step() == 60);  // the view copy holds the last weights
    CHECK(b.st.recipe->evaluate() == b.st.held_out.back().mse);
}

TEST_CASE("autoencoder lesson: the PyTorch text") {
    CHECK(pytorch_mlp(depth_specs(16)[2]) ==
          "nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 64), nn.ReLU(), "
          "nn.Linear(64, 16), nn.Linear(16, 784), nn.Sigmoid(), nn.Unflatten(1, (1, 28, 28)))");
    Toy838Options o;
    const std::string ce = pytorch_toy(o);
    CHECK(ce.find("F.binary_cross_entropy_with_logits(logits, x)") != std::string::npos);
    CHECK(ce.find("lr=1., momentum=0.9") != std::string::npos);
    CHECK(ce.find("range(1000)") != std::string::npos);
    o.loss = ToyLoss::squared_error;
    CHECK(pytorch_toy(o).find("F.mse_loss(torch.sigmoid(logits), x)") != std::string::npos);
    const std::string side = pytorch_side_by_side(bottleneck_specs(Settings{}), SideBySideOptions{});
    CHECK(side.find("'K = 1024': nn.Sequential(nn.Flatten(), nn.Linear(784, 1024), nn.Linear(1024, 784)") !=
          std::string::npos);
    const std::string stacked = pytorch_stacked(StackedOptions{});
    CHECK(stacked.find("dec1(enc1(x)), x), 1000)") != std::string::npos);
    CHECK(stacked.find("codes_loss, 500)") != std::string::npos);
    CHECK(stacked.find("x), 1500)") != std::string::npos);
    CHECK(pytorch_probe().find("F.cross_entropy(probe(train_f), train_y[:n])") != std::string::npos);
}

TEST_CASE("autoencoder lesson: train=1 trains the toy live; status reports the loss") {
    platform::set_dataset_path(AELAB_TEST_DATASET);
    platform::clear_status();
    platform::set_params({{"lesson", "autoencoder"}, {"train", "1"}, {"steps", "300"}, {"open", "1"}});
    test::HeadlessImGui gui;
    auto lesson = lessons::find_lesson("autoencoder")->make();
    auto step = [] {
        auto it = platform::status().find("step");
        return it == platform::status().end() ? 0 : std::stoi(it->second);
    };
    gui.frame([&] { lesson->draw(); });  // builds the toy (its section draws after the trainings advance)
    gui.frame([&] { lesson->draw(); });
    CHECK(step() > 0);
    CHECK(step() <= 10);  // paced: the table fills in over many frames
    for (int i = 0; i < 600 && step() < 300; ++i) gui.frame([&] { lesson->draw(); });
    CHECK(step() == 300);
    REQUIRE(platform::status().count("loss"));
    CHECK(std::stof(platform::status().at("loss")) < std::stof(platform::status().at("first_loss")));
    CHECK(std::stol(platform::status().at("examples_per_s")) > 0);  // 8 examples a step
    gui.frame([&] { lesson->draw(); });
    CHECK(platform::param("train") == "0");
    platform::set_params({});
}

TEST_CASE("autoencoder lesson: draws every section headless, bad URLs included") {
    platform::set_dataset_path(AELAB_TEST_DATASET);
    test::HeadlessImGui gui;
    for (const char* loss : {"cross-entropy", "squared-error"}) {
        CAPTURE(loss);
        platform::set_params({{"loss", loss}, {"open", "31"}, {"code", "16"}, {"img", "999"}, {"ssteps", "30"},
                              {"train", "1"}, {"steps", "50"}});
        auto lesson = lessons::find_lesson("autoencoder")->make();
        for (int i = 0; i < 4; ++i) CHECK_NOTHROW(gui.frame([&] { lesson->draw(); }));
    }
    platform::set_params({{"loss", "x"}, {"open", "31"}, {"code", "-4"}, {"img", "-1"}, {"lr", "nan"}, {"dcode", "9999"}});
    auto lesson = lessons::find_lesson("autoencoder")->make();
    for (int i = 0; i < 3; ++i) CHECK_NOTHROW(gui.frame([&] { lesson->draw(); }));
    platform::set_params({});
}
