// Tests for lessons/ae_applications.cpp: the URL state (round trip and fallbacks), the runs'
// jobs (what each evaluates, the pixel curve in chunks equal to the core's, a second thread giving
// the inline numbers), and the page
// headless: train=1 trains, the status keys the browser test reads, every section drawn.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>

#include "ae_applications.hpp"
#include "headless.hpp"
#include "lesson.hpp"
#include "kit/platform.hpp"
#include "core/test_util.hpp"

using namespace aelab;
using namespace aelab::lessons::ae_applications;

namespace {

using testutil::dataset;

struct UrlPage {
    Settings s;
    kit::Sections sections{1};
    Trainings t;
    kit::UrlState url = url_state(s, sections, t);
    UrlPage() { url.read(); }
};

int status_int(const char* key) {
    auto it = platform::status().find(key);
    return it == platform::status().end() ? -1 : std::stoi(it->second);
}

}  // namespace

TEST_CASE("ae-applications lesson: the URL state round trip and fallbacks") {
    platform::set_params({{"q", "17"}, {"hold", "8"}, {"p", "0.3"}, {"iimg", "5"}, {"hole", "2,3,10,27"},
                          {"open", "21"}, {"seed", "4"}, {"lr", "0.002"}, {"steps", "300"}, {"train", "1"},
                          {"vseed", "5"}, {"vsteps", "400"}, {"alr", "0.003"}, {"asteps", "50"}, {"iseed", "9"}});
    UrlPage p;
    CHECK(p.s.query == 17);
    CHECK(p.s.holdout == 8);
    CHECK(p.s.mask_p == doctest::Approx(0.3f));
    CHECK(p.s.inpaint_image == 5);
    CHECK(p.s.hole.row0 == 2);
    CHECK(p.s.hole.col1 == 27);
    CHECK(p.sections.open == 21);
    CHECK(p.t.retrieval.controls().seed == 4);
    CHECK(p.t.retrieval.max_steps() == 300);
    CHECK(p.t.retrieval.wants_training());
    CHECK(p.t.visual.controls().seed == 5);
    CHECK(p.t.visual.max_steps() == 400);
    CHECK(p.t.anomaly.controls().learning_rate == doctest::Approx(0.003f));
    CHECK(p.t.inpaint.controls().seed == 9);
    const CodeAeOptions a = anomaly_options(p.s, p.t.anomaly);
    CHECK(a.holdout == 8);
    CHECK(a.steps == 50);
    CHECK(a.spec.code == anomaly_spec().code);
    const DenoisingRecipeOptions i = inpaint_options(p.s, p.t.inpaint);
    CHECK(i.corruption == Corruption::masking);
    CHECK(i.level == doctest::Approx(0.3f));
    CHECK(i.seed == 9);
    CHECK(retrieval_options(p.t.retrieval).seed == 4);
    CHECK(visual_options(p.t.visual).spec.code == 2);

    platform::set_params({});
    p.url.write();
    const UrlPage back;
    CHECK(back.s.query == 17);
    CHECK(back.s.holdout == 8);
    CHECK(back.s.mask_p == doctest::Approx(0.3f));
    CHECK(back.s.inpaint_image == 5);
    CHECK(back.s.hole.row0 == 2);
    CHECK(back.s.hole.col0 == 3);
    CHECK(back.s.hole.row1 == 10);
    CHECK(back.s.hole.col1 == 27);
    CHECK(back.sections.open == 21);
    CHECK(back.t.visual.max_steps() == 400);
    CHECK(back.t.anomaly.controls().learning_rate == doctest::Approx(0.003f));
    CHECK(back.t.retrieval.wants_training());
    CHECK(platform::param("hole") == "2,3,10,27");

    platform::set_params({{"q", "1000"}, {"hold", "10"}, {"p", "2"}, {"hole", "1,2,3"}, {"vsteps", "-1"},
                          {"lr", "nan"}, {"open", "99"}, {"train", "2"}});
    const UrlPage bad;
    const Settings d;
    CHECK(bad.s.query == d.query);
    CHECK(bad.s.holdout == d.holdout);
    CHECK(bad.s.mask_p == d.mask_p);
    CHECK(bad.s.hole.row0 == d.hole.row0);
    CHECK(bad.t.visual.max_steps() == 3000);
    CHECK(bad.t.retrieval.controls().learning_rate == doctest::Approx(1e-3f));
    CHECK(bad.sections.open == 1);
    CHECK_FALSE(bad.t.retrieval.wants_training());
    platform::set_params({});
}

TEST_CASE("ae-applications lesson: the runs' hooks evaluate what the page shows") {
    Settings s;
    s.holdout = 1;
    Trainings t;
    for (lessons::LiveTraining* r : t.all()) r->set_max_steps(30), r->controls().budget_ms = 1e9f;
    RetrievalState ret;
    VisualState vis;
    AnomalyState ano;
    InpaintState inp;
    attach(t, ret, vis, ano, inp, dataset(), s);
    for (lessons::LiveTraining* r : t.all()) {
        r->rebuild();
        REQUIRE(r->built());
        r->run().start();
        r->advance();
        CHECK(r->run().step() == 30);
        CHECK(r->run().losses().back() < r->run().losses().front());
    }
    // Retrieval: evaluated at the end; curves for k = 1 .. 50.
    CHECK(ret.evaluated_step == 30);
    REQUIRE(ret.codes.size() == std::size_t(kRetrievalKMax));
    CHECK(ret.bits[9] > 0.2);
    CHECK(ret.ae_rate.size() == std::size_t(kMaxQuantBits));
    // The pixel curve in chunks of 20 equals the core's in one go (the first 100 queries).
    for (int i = 0; i < 5; ++i) advance_pixels(ret, 20);
    CHECK(ret.pixel_queries == 100);
    const std::vector<double> direct = retrieval_precision(RetrievalSpace::pixels, ret.features, 0, 100);
    CHECK(ret.pixels()[9] == doctest::Approx(direct[9]));
    CHECK_FALSE(ret.pixels_done());
    // Visualisation: 1000 two-D codes and their k-NN accuracy.
    CHECK(vis.codes.shape() == Shape{kVisualisationPoints, 2});
    CHECK(vis.knn_ae > 0.1);
    // Anomalies: evaluated at build and at the end; one AUC per evaluation.
    CHECK(ano.auc_curve.size() == 2);
    CHECK(ano.eval.scores.size() == 1000);
    CHECK(inp.plain_losses.size() == 30);
    CHECK(pytorch_anomaly(3).find("y_test == 3") != std::string::npos);
    CHECK(pytorch_retrieval().find("nn.Linear(256, 32)") != std::string::npos);
}

TEST_CASE("ae-applications lesson: the visual and inpainting runs on a second thread give the inline numbers") {
    struct Result {
        std::vector<float> visual_losses, inpaint_losses, plain_losses, codes;
        double knn = 0;
        int evaluated_step = -1;
        Tensor filled;
    };
    auto train = [](lessons::TrainerKind kind) {
        Settings s;
        Trainings t;
        RetrievalState ret;
        VisualState vis;
        AnomalyState ano;
        InpaintState inp;
        attach(t, ret, vis, ano, inp, dataset(), s);
        for (lessons::LiveTraining* r : {&t.visual, &t.inpaint}) {
            r->set_trainer(kind);
            r->set_max_steps(12);
            r->controls().budget_ms = 1e9f;
            r->rebuild();
            REQUIRE(r->built());
            r->run().start();
        }
        for (int i = 0; i < 20000 && (t.visual.run().running() || t.inpaint.run().running()); ++i) {
            t.visual.advance();
            t.inpaint.advance();
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        CHECK(t.visual.trainer() == test::trainer_for(kind));
        CHECK(t.visual.run().state() == lessons::TrainingRun::State::finished);
        CHECK(t.inpaint.run().state() == lessons::TrainingRun::State::finished);
        Result r;
        r.visual_losses = t.visual.run().losses();
        r.inpaint_losses = t.inpaint.run().losses();
        r.plain_losses = inp.plain_losses;
        r.codes.assign(vis.codes.data(), vis.codes.data() + vis.codes.size());
        r.knn = vis.knn_ae;
        r.evaluated_step = vis.evaluated_step;
        REQUIRE(inp.recipe != nullptr);
        r.filled = inpaint(*inp.recipe, dataset().image(Split::test, 0), Rect{}).filled;  // the view copy's weights
        return r;
    };
    const Result inline_run = train(lessons::TrainerKind::inline_page), thread_run = train(lessons::TrainerKind::thread);
    CHECK(inline_run.visual_losses.size() == 12);
    CHECK(thread_run.visual_losses == inline_run.visual_losses);
    CHECK(thread_run.inpaint_losses == inline_run.inpaint_losses);
    CHECK(thread_run.plain_losses.size() == 12);
    CHECK(thread_run.plain_losses == inline_run.plain_losses);
    CHECK(thread_run.evaluated_step == 12);
    CHECK(thread_run.codes == inline_run.codes);
    CHECK(thread_run.knn == inline_run.knn);
    CHECK(thread_run.filled == inline_run.filled);
}

TEST_CASE("ae-applications lesson: train=1 trains every opened run headless; status keys for the browser test") {
    platform::set_dataset_path(AELAB_TEST_DATASET);
    platform::clear_status();
    platform::set_params({{"lesson", "ae-applications"}, {"train", "1"}, {"steps", "40"}, {"open", "31"},
                          {"vsteps", "20"}, {"asteps", "20"}, {"isteps", "20"}});
    test::HeadlessImGui gui;
    auto lesson = lessons::find_lesson("ae-applications")->make();
    for (int i = 0; i < 400 && (status_int("step") < 40 || status_int("anomaly_step") < 20 ||
                                status_int("visual_step") < 20 || status_int("inpaint_step") < 20 ||
                                !platform::status().count("precision_at_10_pixels"));
         ++i)
        gui.frame([&] { lesson->draw(); });
    CHECK(status_int("step") == 40);
    CHECK(status_int("visual_step") == 20);
    CHECK(status_int("anomaly_step") == 20);
    CHECK(status_int("inpaint_step") == 20);
    const auto& st = platform::status();
    REQUIRE(st.count("loss"));
    CHECK(std::stof(st.at("loss")) < std::stof(st.at("first_loss")));
    for (const char* key : {"precision_at_10_pixels", "precision_at_10_codes", "precision_at_10_bits", "knn_2d_ae",
                            "knn_2d_pca", "auc", "psnr_ae_128_bits", "psnr_pca_128_bits"}) {
        CAPTURE(key);
        REQUIRE(st.count(key));
        const double v = std::stod(st.at(key));
        CHECK(v > 0.0);
    }
    // The pixels' precision@10 over all 1000 test images, as `aelab-cli train retrieval` prints it.
    CHECK(std::stod(st.at("precision_at_10_pixels")) == doctest::Approx(0.7481).epsilon(0.001));
    CHECK(std::stod(st.at("knn_2d_pca")) > 0.3);
    gui.frame([&] { lesson->draw(); });
    CHECK(platform::param("train") == "0");  // finished

    // Without train=1 nothing trains, and closed sections build nothing.
    platform::clear_status();
    platform::set_params({{"lesson", "ae-applications"}, {"open", "0"}});
    auto idle = lessons::find_lesson("ae-applications")->make();
    for (int i = 0; i < 5; ++i) gui.frame([&] { idle->draw(); });
    CHECK(status_int("step") == 0);
    CHECK(status_int("visual_step") == -1);
    platform::set_params({});
}

TEST_CASE("ae-applications lesson: draws every section headless with odd settings, no throw") {
    platform::set_dataset_path(AELAB_TEST_DATASET);
    test::HeadlessImGui gui;
    // Every section once (PCA is computed once per page), then the inpainting section alone with
    // a reversed rectangle.
    for (const char* open_hole : {"31 0,0,28,28", "8 20,20,3,3"}) {
        CAPTURE(open_hole);
        const std::string text = open_hole, open = text.substr(0, text.find(' ')), hole = text.substr(text.find(' ') + 1);
        platform::set_params({{"open", open}, {"hole", hole}, {"hold", "9"}, {"q", "999"}, {"iimg", "999"},
                              {"train", "1"}, {"steps", "1000"}, {"vsteps", "3"}, {"asteps", "3"}, {"isteps", "3"}});
        auto lesson = lessons::find_lesson("ae-applications")->make();
        for (int i = 0; i < 8; ++i) CHECK_NOTHROW(gui.frame([&] { lesson->draw(); }));
    }
    // A huge learning rate stops the inpainting run (collapse or divergence) without throwing.
    platform::set_params({{"open", "8"}, {"train", "1"}, {"ilr", "0.1"}, {"isteps", "300"}});
    auto lesson = lessons::find_lesson("ae-applications")->make();
    for (int i = 0; i < 30; ++i) CHECK_NOTHROW(gui.frame([&] { lesson->draw(); }));
    platform::set_params({});
}
