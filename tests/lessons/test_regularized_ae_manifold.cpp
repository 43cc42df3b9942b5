// Tests for lessons/regularized_ae_manifold.cpp (regularized-ae, "The manifold picture on 2-D
// data"): drawn curves (strokes simplified and quantised, their URL text), the section's URL keys
// (round trip and fallbacks), headless frames that train the three autoencoders and publish the
// status (the denoiser's arrows point to the circle, the plain one's nearly vanish), a drawn
// curve starting new runs, a missing curve shown as an error instead of a crash, and a second
// thread giving the inline numbers.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <string>
#include <thread>

#include "headless.hpp"
#include "kit/platform.hpp"
#include "kit/url_state.hpp"
#include "regularized_ae_manifold.hpp"

using namespace aelab;
using namespace aelab::lessons::regularized_ae;

namespace {

// A section bound to its own URL keys, read from the page parameters.
struct Page {
    ManifoldSection section;
    kit::UrlState url;
    Page() {
        section.bind(url);
        url.read();
    }
};

void frame(test::HeadlessImGui& gui, ManifoldSection& s) {
    gui.frame([&] {
        s.advance();
        s.draw();
        s.report_status();
    });
}

double status_number(const std::string& key) {
    const auto& st = platform::status();
    const auto it = st.find(key);
    REQUIRE_MESSAGE(it != st.end(), "status key ", key);
    return std::stod(it->second);
}

}  // namespace

TEST_CASE("manifold section: strokes become quantised curves; their URL text round trips") {
    // A straight stroke from (-1, 0) to (1, 0) drawn as 41 mouse positions: length 2, so 21
    // vertices 0.1 apart (one per two quanta), on the 0.05 grid.
    std::vector<float> stroke;
    for (int i = 0; i <= 40; ++i) stroke.insert(stroke.end(), {-1.0f + 0.05f * i + 0.001f, 0.012f});
    const std::vector<float> c = simplify_stroke(stroke);
    REQUIRE(c.size() == 42);
    CHECK(c[0] == doctest::Approx(-1.0f));
    CHECK(c[1] == 0.0f);
    CHECK(c[2] == doctest::Approx(-0.9f));
    CHECK(c[40] == doctest::Approx(1.0f));
    const std::string text = drawn_curve_text(c);
    CHECK(text.substr(0, 12) == "-20,0,-18,0,");
    std::vector<float> back;
    REQUIRE(parse_drawn_curve(text, back));
    REQUIRE(back.size() == c.size());
    for (std::size_t i = 0; i < c.size(); ++i) CHECK(back[i] == doctest::Approx(c[i]));
    // A long scribble keeps at most kMaxDrawnPoints vertices, inside the view.
    std::vector<float> long_stroke;
    for (int i = 0; i < 2000; ++i) long_stroke.insert(long_stroke.end(), {3.0f * std::cos(0.01f * i), 3.0f * std::sin(0.01f * i)});
    const std::vector<float> l = simplify_stroke(long_stroke);
    CHECK(l.size() == std::size_t(2 * kMaxDrawnPoints));
    for (float v : l) CHECK(std::fabs(v) <= kDrawExtent + 1e-6f);
    // A click (or a tiny stroke) is not a curve.
    CHECK(simplify_stroke({0.5f, 0.5f}).empty());
    CHECK(simplify_stroke({0.0f, 0.0f, 0.1f, 0.1f}).empty());
    // Malformed texts are refused and leave the curve as it was.
    for (const char* bad : {"1,2,3", "1,2", "a,b,c,d", "0,0,51,0", "1,,2,3", "0,0,1,1,"}) {
        std::vector<float> keep = {9};
        INFO(bad);
        CHECK_FALSE(parse_drawn_curve(bad, keep));
        CHECK(keep.size() == 1);
    }
    std::string too_many;
    for (int i = 0; i < 2 * kMaxDrawnPoints + 2; ++i) too_many += (i ? ",1" : "1");
    CHECK_FALSE(parse_drawn_curve(too_many, back));
}

TEST_CASE("manifold section: the URL state round trip and fallbacks") {
    platform::set_params({{"mshape", "drawn"}, {"mcurve", "-30,0,0,30,30,0"}, {"mview", "contractive"},
                          {"mnoise", "0.45"}, {"mlam", "0.25"}, {"mdn", "0.1"}, {"mcode", "24"}, {"mtied", "0"},
                          {"mscale", "2"}, {"mseed", "7"}, {"mlr", "0.01"}, {"msteps", "1500"}});
    Page p;
    const ManifoldSettings& s = p.section.settings();
    CHECK(s.shape == ManifoldShape::drawn);
    REQUIRE(s.drawn.size() == 6);
    CHECK(s.drawn[0] == doctest::Approx(-1.5f));
    CHECK(s.drawn[3] == doctest::Approx(1.5f));
    CHECK(s.view == ManifoldView::contractive);
    CHECK(s.noise == doctest::Approx(0.45f));
    CHECK(s.lambda == doctest::Approx(0.25f));
    CHECK(s.data_noise == doctest::Approx(0.1f));
    CHECK(s.code == 24);
    CHECK_FALSE(s.tied);
    CHECK(s.arrow_scale == doctest::Approx(2.0f));
    const ManifoldOptions o = p.section.options();
    CHECK(o.seed == 7);
    CHECK(o.learning_rate == doctest::Approx(0.01f));
    CHECK(o.steps == 1500);
    CHECK(o.noise == doctest::Approx(0.45f));
    CHECK(o.code == 24);
    CHECK_FALSE(o.tied);
    const toy2d::Curve c = manifold_curve(s);
    REQUIRE(c.pieces.size() == 1);
    CHECK(c.pieces[0].size() == 6);

    platform::set_params({});
    p.url.write();
    CHECK(platform::param("mcurve") == "-30,0,0,30,30,0");
    CHECK(platform::param("mshape") == "drawn");
    const Page back;
    const ManifoldSettings& b = back.section.settings();
    CHECK(b.shape == s.shape);
    CHECK(b.drawn == s.drawn);
    CHECK(b.view == s.view);
    CHECK(b.noise == s.noise);
    CHECK(b.lambda == s.lambda);
    CHECK(b.data_noise == s.data_noise);
    CHECK(b.code == s.code);
    CHECK(b.tied == s.tied);
    CHECK(b.arrow_scale == s.arrow_scale);
    CHECK(back.section.options().seed == o.seed);
    CHECK(back.section.options().learning_rate == doctest::Approx(o.learning_rate));
    CHECK(back.section.options().steps == o.steps);

    platform::set_params({{"mshape", "square"}, {"mcurve", "1,2,3"}, {"mview", "x"}, {"mnoise", "5"}, {"mlam", "-1"},
                          {"mcode", "2"}, {"mtied", "maybe"}, {"mscale", "nan"}, {"mlr", "9"}, {"msteps", "5"}});
    const Page bad;
    const ManifoldSettings d;
    const ManifoldSettings& w = bad.section.settings();
    CHECK(w.shape == ManifoldShape::circle);
    CHECK(w.drawn.empty());
    CHECK(w.view == ManifoldView::all);
    CHECK(w.noise == d.noise);
    CHECK(w.lambda == d.lambda);
    CHECK(w.code == d.code);
    CHECK(w.tied);
    CHECK(w.arrow_scale == d.arrow_scale);
    CHECK(bad.section.options().learning_rate == doctest::Approx(ManifoldOptions{}.learning_rate));
    CHECK(bad.section.options().steps == ManifoldOptions{}.steps);
    platform::set_params({});
}

TEST_CASE("manifold section: headless frames train the three autoencoders and publish the figures") {
    platform::set_params({});
    platform::clear_status();
    test::HeadlessImGui gui;
    Page p;
    ManifoldSection& s = p.section;
    frame(gui, s);  // builds and starts at once
    REQUIRE(s.recipe() != nullptr);
    CHECK(s.training().run().running());
    // Paced for watching: at most 25 steps a frame.
    CHECK(s.training().run().step() >= 1);
    CHECK(s.training().run().step() <= 25);
    CHECK(status_number("mstep") == s.training().run().step());
    // The figures at step 0 (untrained): arrows everywhere, pointing anywhere.
    CHECK(s.cosine_history(ManifoldKind::denoising).size() == 1);

    // The rest of the default run (3000 steps) in a few frames.
    s.training().controls().max_steps_per_frame = 0;
    s.training().controls().budget_ms = 1e9f;
    for (int i = 0; i < 3 && s.training().run().running(); ++i) frame(gui, s);
    CHECK(s.training().run().state() == lessons::TrainingRun::State::finished);
    CHECK(status_number("mstep") == 3000);
    CHECK(status_number("mloss") < 0.5 * status_number("mfirst_loss"));
    // The same numbers as the core recipe's test on the circle (same options, same seed).
    CHECK(status_number("field_cosine") > 0.85);
    CHECK(status_number("field_cosine_denoising") == status_number("field_cosine"));
    CHECK(status_number("field_cosine_contractive") > 0.9);
    CHECK(status_number("arrow_length_plain") < 0.35 * status_number("arrow_length_denoising"));
    CHECK(s.cosine_history(ManifoldKind::plain).size() == 3000 / ManifoldSection::kEvalEvery + 1);

    // Each view draws (one plane, or all three) without error.
    for (ManifoldView v : {ManifoldView::plain, ManifoldView::denoising, ManifoldView::contractive, ManifoldView::all}) {
        s.settings().view = v;
        frame(gui, s);
    }
    // A changed setting starts the runs again with it.
    s.settings().noise = 0.6f;
    s.restart();
    CHECK(s.recipe()->options().noise == doctest::Approx(0.6f));
    CHECK(s.training().run().step() == 0);
    CHECK(s.training().run().running());
}

TEST_CASE("manifold section: a drawn stroke becomes the curve; no curve is an error, not a crash") {
    platform::set_params({{"mshape", "drawn"}});
    test::HeadlessImGui gui;
    Page p;
    ManifoldSection& s = p.section;
    frame(gui, s);
    CHECK(s.recipe() == nullptr);
    CHECK(s.training().error().find("no curve drawn") != std::string::npos);
    frame(gui, s);  // still draws (the drawing plane)

    // A stroke along y = x from (-1.5, -1.5) to (1.5, 1.5), fed as the plane would feed it.
    for (int i = 0; i <= 60; ++i) s.stroke_point(-1.5f + 0.05f * i, -1.5f + 0.05f * i);
    s.end_stroke();
    REQUIRE(s.recipe() != nullptr);
    CHECK(s.settings().shape == ManifoldShape::drawn);
    CHECK(s.settings().drawn.size() >= 4);
    CHECK(s.training().run().running());
    const toy2d::Curve& c = s.recipe()->curve();
    REQUIRE(c.pieces.size() == 1);
    CHECK(c.pieces[0].front() == doctest::Approx(-1.5f));
    CHECK(c.pieces[0].back() == doctest::Approx(1.5f));
    // The training points lie near that line.
    const Tensor& d = s.recipe()->data();
    double off = 0;
    for (std::size_t i = 0; i < d.shape()[0]; ++i) off += std::fabs(d.data()[2 * i] - d.data()[2 * i + 1]) / std::sqrt(2.0);
    CHECK(off / double(d.shape()[0]) < 0.1);
    frame(gui, s);
    CHECK(s.training().run().step() > 0);
    platform::set_params({});
}

TEST_CASE("manifold section: trained on a second thread, the same losses, figures and weights as inline") {
    platform::set_params({{"msteps", "150"}, {"mcode", "8"}});
    struct Result {
        std::vector<float> losses, cosines;
        Tensor field;
    };
    auto train = [](lessons::TrainerKind kind) {
        Page p;
        ManifoldSection& s = p.section;
        s.training().set_trainer(kind);
        s.training().controls().max_steps_per_frame = 0;
        s.training().controls().budget_ms = 1e9f;
        for (int i = 0; i < 20000 && (i == 0 || s.training().run().running()); ++i) {
            s.advance();
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        CHECK(s.training().trainer() == test::trainer_for(kind));
        CHECK(s.training().run().state() == lessons::TrainingRun::State::finished);
        Result r;
        r.losses = s.training().run().losses();
        r.cosines = s.cosine_history(ManifoldKind::denoising);
        REQUIRE(s.recipe() != nullptr);
        r.field = s.recipe()->field(ManifoldKind::contractive);  // the view copy's weights
        return r;
    };
    const Result inline_run = train(lessons::TrainerKind::inline_page), thread_run = train(lessons::TrainerKind::thread);
    CHECK(inline_run.losses.size() == 150);
    CHECK(thread_run.losses == inline_run.losses);
    CHECK(thread_run.cosines.size() == 3);  // steps 0, 100 and the end
    CHECK(thread_run.cosines == inline_run.cosines);
    CHECK(thread_run.field == inline_run.field);
    platform::set_params({});
}
