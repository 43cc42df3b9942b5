// Tests for lessons/widgets.cpp and lessons/registry.cpp in a headless ImGui frame: the step
// controller's logic, the colour maps, and every built lesson drawing frames without throwing.
#include <doctest/doctest.h>

#include <iterator>
#include <set>
#include <string>

#include "headless.hpp"
#include "lesson.hpp"
#include "kit/platform.hpp"
#include "kit/widgets.hpp"

using namespace aelab;

TEST_CASE("registry: fixed lesson ids, in teaching order, unique") {
    const char* ids[] = {"tensors", "convolution", "pooling", "transposed-conv", "pca-linear-ae", "autoencoder", "conv-autoencoder",
                         "rbm", "denoising", "regularized-ae", "ae-applications", "vae", "gan"};
    const auto& reg = lessons::registry();
    REQUIRE(reg.size() == std::size(ids));
    std::set<std::string> seen;
    for (std::size_t i = 0; i < reg.size(); ++i) {
        CHECK(std::string(reg[i].id) == ids[i]);
        CHECK(static_cast<bool>(reg[i].make));
        seen.insert(reg[i].id);
    }
    CHECK(seen.size() == std::size(ids));
    CHECK(lessons::find_lesson("tensors") == &reg[0]);
    CHECK(lessons::find_lesson("nope") == nullptr);
}

TEST_CASE("widgets: colour maps") {
    CHECK(ui::colormap(ui::Colormap::gray, 0.0f, 0.0f, 1.0f) == IM_COL32(0, 0, 0, 255));
    CHECK(ui::colormap(ui::Colormap::gray, 1.0f, 0.0f, 1.0f) == IM_COL32(255, 255, 255, 255));
    CHECK(ui::colormap(ui::Colormap::gray, 2.0f, 0.0f, 1.0f) == IM_COL32(255, 255, 255, 255));  // clamped
    CHECK(ui::colormap(ui::Colormap::diverging, 0.0f, -1.0f, 1.0f) == IM_COL32(255, 255, 255, 255));
    ImU32 neg = ui::colormap(ui::Colormap::diverging, -1.0f, -1.0f, 1.0f);
    ImU32 pos = ui::colormap(ui::Colormap::diverging, 1.0f, -1.0f, 1.0f);
    CHECK(((neg >> IM_COL32_B_SHIFT) & 0xFF) > ((neg >> IM_COL32_R_SHIFT) & 0xFF));  // blue below zero
    CHECK(((pos >> IM_COL32_R_SHIFT) & 0xFF) > ((pos >> IM_COL32_B_SHIFT) & 0xFF));  // red above
    CHECK(ui::colormap(ui::Colormap::gray, NAN, 0.0f, 1.0f) == IM_COL32(255, 0, 255, 255));
}

TEST_CASE("widgets: stepper plays at its speed and stops at the end") {
    test::HeadlessImGui gui;
    ui::Stepper s;
    s.reset(10);
    CHECK(s.step == 0);
    s.playing = true;
    s.steps_per_second = 4.0f;
    // 1 s of frames at 4 steps/s: 4 steps. Playing asks the host for each next frame (it draws
    // only when something changed).
    platform::take_frame_request();
    for (int i = 0; i < 10; ++i) gui.frame([&] { ui::step_controller("s", s); }, 0.1f);
    CHECK(s.step == 4);
    CHECK(platform::take_frame_request());
    for (int i = 0; i < 100; ++i) gui.frame([&] { ui::step_controller("s", s); }, 0.1f);
    CHECK(s.step == 9);
    CHECK_FALSE(s.playing);
    platform::take_frame_request();
    gui.frame([&] { ui::step_controller("s", s); }, 0.1f);
    CHECK_FALSE(platform::take_frame_request());  // stopped at the end: no more frames asked for
    s.reset(3);  // fewer steps: clamped
    CHECK(s.step == 2);
}

TEST_CASE("lessons: every built lesson draws frames headless without throwing") {
    platform::set_dataset_path(AELAB_TEST_DATASET);
    test::HeadlessImGui gui;
    for (const auto& info : lessons::registry()) {
        CAPTURE(info.id);
        auto lesson = info.make();
        for (int i = 0; i < 3; ++i) CHECK_NOTHROW(gui.frame([&] { lesson->draw(); }));
    }
    CHECK(platform::fashion_mnist_state() == platform::AssetState::ready);
}

TEST_CASE("widgets: numbers as students write them") {
    CHECK(ui::fmt_num(12.0f) == "12");
    CHECK(ui::fmt_num(-0.0f) == "0");
    CHECK(ui::fmt_num(-5.0f) == "-5");
    CHECK(ui::fmt_num(36.5f) == "36.5");
    CHECK(ui::fmt_num(0.5f) == "0.5");
    CHECK(ui::fmt_num(1.0f / 3.0f) == "0.333");
    CHECK(ui::fmt_num(2.0f / 3.0f + 1.0f) == "1.67");
    CHECK(ui::fmt_num(123.25f) == "123.2");
    CHECK(ui::fmt_num(NAN) == "nan");
}

TEST_CASE("widgets: printf into a std::string") {
    CHECK(ui::format("y[%d,%d] = %s", 1, 2, "17") == "y[1,2] = 17");
    CHECK(ui::format("%s", "") == "");
    CHECK(ui::format("%s", std::string(1000, 'a').c_str()).size() == 1000);  // no fixed buffer
}

TEST_CASE("platform: typed page parameters fall back on bad values") {
    platform::set_params({{"step", "7"}, {"bad", "x1"}, {"big", "999"}, {"f", "0.25"}});
    CHECK(platform::param_int("step", 0, 0, 100) == 7);
    CHECK(platform::param_int("bad", 3, 0, 100) == 3);
    CHECK(platform::param_int("big", 3, 0, 100) == 3);
    CHECK(platform::param_int("missing", 4, 0, 100) == 4);
    CHECK(platform::param_float("f", 1.0f, 0.0f, 1.0f) == 0.25f);
    platform::set_param("step", 9);
    CHECK(platform::param("step") == "9");
    platform::keep_only_params({"f"});
    CHECK(platform::param("step").empty());
    CHECK(platform::param("f") == "0.25");
    platform::set_params({});
}

TEST_CASE("platform: lists of numbers in the URL") {
    CHECK(platform::parse_floats("1,4,-2.5", 3) == std::vector<float>{1, 4, -2.5f});
    CHECK(platform::parse_floats("1,4", 3).empty());
    CHECK(platform::parse_floats("1,x,3", 3).empty());
    CHECK(platform::parse_floats("1,,3", 3).empty());
    CHECK(platform::parse_floats("1,nan,3", 3).empty());
    CHECK(platform::parse_floats("1,2000,3", 3).empty());
    CHECK(platform::parse_floats("", 1).empty());
    CHECK(platform::parse_floats("", 0).empty());
    CHECK(platform::floats_text({1, -0.5f, 12}) == "1,-0.5,12");
    platform::set_params({});
    platform::set_param("k", std::vector<float>{0.25f, 3});
    CHECK(platform::param_floats("k", 2) == std::vector<float>{0.25f, 3});
    platform::set_params({});
}
