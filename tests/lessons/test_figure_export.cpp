// Tests for lessons/kit/figure_export.cpp: a saved heat map PNG holds exactly the heat map's
// pixels (the colours colormap() gives, the texture the widget draws), images and grids keep
// their pixels, and the figure's button in the text view saves the file.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include "../core/png_test_decode.hpp"
#include "headless.hpp"
#include "kit/a11y.hpp"
#include "kit/figure_export.hpp"
#include "kit/platform.hpp"
#include "kit/widgets.hpp"

using namespace aelab;

namespace {
void rgba_of(ImU32 c, std::uint8_t out[4]) {
    out[0] = std::uint8_t(c >> IM_COL32_R_SHIFT);
    out[1] = std::uint8_t(c >> IM_COL32_G_SHIFT);
    out[2] = std::uint8_t(c >> IM_COL32_B_SHIFT);
    out[3] = std::uint8_t(c >> IM_COL32_A_SHIFT);
}

// A texture backend that keeps what the widgets upload: the pixels drawn on screen.
std::vector<std::uint8_t> g_uploaded;
int g_up_w = 0, g_up_h = 0;
ImTextureID fake_create(int, int) { return reinterpret_cast<ImTextureID>(std::intptr_t(1)); }
void fake_update(ImTextureID, const std::uint8_t* rgba, int w, int h) {
    g_uploaded.assign(rgba, rgba + std::size_t(w) * h * 4);
    g_up_w = w, g_up_h = h;
}
void fake_destroy(ImTextureID) {}
}  // namespace

TEST_CASE("figures: a saved 3x3 diverging heat map PNG has exactly the heat map's colours") {
    const float v[9] = {-2.0f, -1.0f, -0.25f, 0.0f, 0.5f, 1.0f, 1.5f, 2.0f, -0.75f};
    ui::HeatmapStyle st;
    st.cmap = ui::Colormap::diverging;
    st.auto_range = true;  // symmetric: -2 .. 2
    const auto png = ui::png_bytes(ui::heatmap_raster(v, 3, 3, st, 1));
    const auto d = test::decode_png(png);
    REQUIRE(d.ok);
    REQUIRE(d.width == 3);
    REQUIRE(d.height == 3);
    for (int i = 0; i < 9; ++i) {
        CAPTURE(i);
        std::uint8_t want[4];
        rgba_of(ui::colormap(ui::Colormap::diverging, v[i], -2.0f, 2.0f), want);
        for (int k = 0; k < 4; ++k) CHECK(d.rgba[std::size_t(i) * 4 + k] == want[k]);
    }
    // Spot values of the map itself: -2 is the full blue, 0 white, 2 the full red.
    CHECK(d.rgba[0] == 59);  // round(0.23 * 255)
    CHECK(d.rgba[2] == 191);
    CHECK(d.rgba[3 * 4 + 0] == 255);
    CHECK(d.rgba[3 * 4 + 1] == 255);
    CHECK(d.rgba[7 * 4 + 0] == 181);
    CHECK(d.rgba[7 * 4 + 1] == 5);
}

TEST_CASE("figures: the PNG equals the texture the heat map widget draws, at any whole zoom") {
    test::HeadlessImGui gui;
    ui::set_texture_backend({fake_create, fake_update, fake_destroy});
    const float v[6] = {0.0f, 0.2f, 0.4f, 0.6f, 0.8f, 1.0f};
    ui::HeatmapStyle st;  // gray 0..1
    st.zoom = 3.0f;
    gui.frame([&] { ui::heatmap("h", v, 2, 3, st); });
    ui::set_texture_backend({});
    REQUIRE(g_up_w == 3);
    REQUIRE(g_up_h == 2);
    const auto native = test::decode_png(ui::png_bytes(ui::heatmap_raster(v, 2, 3, st, 1)));
    REQUIRE(native.ok);
    CHECK(native.rgba == g_uploaded);
    CHECK(native.rgba[4 * 4 + 0] == 204);  // 0.8 * 255
    // "As shown": 3 px per value, each value a 3 x 3 block of its colour.
    const auto big = test::decode_png(ui::png_bytes(ui::heatmap_raster(v, 2, 3, st, ui::figure_scale(st.zoom))));
    REQUIRE(big.ok);
    REQUIRE(big.width == 9);
    REQUIRE(big.height == 6);
    for (int y = 0; y < 6; ++y)
        for (int x = 0; x < 9; ++x)
            for (int k = 0; k < 4; ++k)
                CHECK(big.rgba[(std::size_t(y) * 9 + x) * 4 + k] == g_uploaded[(std::size_t(y / 3) * 3 + x / 3) * 4 + k]);
}

TEST_CASE("figures: RGB images and grids keep their pixels; bad sizes give messages") {
    const float chw[3 * 2] = {0.0f, 1.0f, 0.5f, 0.0f, 1.0f, 0.25f};  // (3, 1, 2)
    const auto d = test::decode_png(ui::png_bytes(ui::rgb_raster(chw, 1, 2, 1)));
    REQUIRE(d.ok);
    const std::vector<std::uint8_t> want = {0, 128, 255, 255, 255, 0, 64, 255};
    CHECK(d.rgba == want);

    ui::HeatmapStyle st;
    const float a[4] = {0, 1, 1, 0}, b[4] = {1, 1, 1, 1};
    const auto g = ui::grid_raster({ui::heatmap_raster(a, 2, 2, st), ui::heatmap_raster(b, 2, 2, st)}, 2, 1);
    CHECK(g.width == 5);
    CHECK(g.height == 2);
    CHECK(g.rgba[(0 * 5 + 2) * 4 + 3] == 0);    // the gap is transparent
    CHECK(g.rgba[(1 * 5 + 1) * 4 + 0] == 0);    // a[1][1] = 0: black
    CHECK(g.rgba[(1 * 5 + 4) * 4 + 0] == 255);  // b[1][1] = 1: white

    CHECK_THROWS_WITH_AS(ui::heatmap_raster(a, 0, 2, st), doctest::Contains("empty"), Error);
    CHECK_THROWS_WITH_AS(ui::heatmap_raster(a, 2, 2, st, 0), doctest::Contains("scale 0"), Error);
    static std::vector<float> wide(20000, 0.5f);
    CHECK_THROWS_WITH_AS(ui::heatmap_raster(wide.data(), 1, 20000, st, 1), doctest::Contains("too large"), Error);
    CHECK(ui::figure_scale(2.6f) == 3);
    CHECK(ui::figure_scale(0.3f) == 1);
    CHECK(ui::figure_scale(NAN) == 1);
}

TEST_CASE("figures: file names are safe and name the lesson") {
    platform::set_params({{"lesson", "pca-linear-ae"}});
    CHECK(ui::figure_file_name("components-3") == "pca-linear-ae-components-3.png");
    CHECK(ui::figure_file_name("x/../y z") == "pca-linear-ae-x-y-z.png");
    CHECK(ui::figure_file_name("") == "pca-linear-ae-figure.png");
    platform::set_params({});
    CHECK(ui::figure_file_name("input") == "aelab-input.png");
}

TEST_CASE("figures: the text view lists 'Save <figure> as PNG' and pressing it writes the file") {
    test::HeadlessImGui gui;
    ImGui::GetIO().ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
    platform::set_params({{"lesson", "figtest"}});
    const float v[4] = {0.0f, 1.0f, 0.5f, 0.25f};
    ui::HeatmapStyle st;
    st.zoom = 2.0f;
    auto body = [&] { ui::heatmap("##weights", v, 2, 2, st); };
    auto captured = [&] {
        a11y::before_new_frame();
        gui.frame([&] {
            a11y::begin_capture();
            body();
            a11y::end_capture();
        });
    };
    captured();
    const std::uint32_t id = a11y::find_control("Save weights as PNG");
    REQUIRE(id != 0);
    // The file goes to the current folder natively: remove any earlier one first.
    std::remove("figtest-weights.png");
    a11y::press(id);
    captured();
    CHECK(ui::last_figure_message().find("figtest-weights.png") != std::string::npos);
    std::ifstream f("figtest-weights.png", std::ios::binary);
    REQUIRE(f.good());
    const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    f.close();
    std::remove("figtest-weights.png");
    const auto d = test::decode_png(bytes);
    REQUIRE(d.ok);
    CHECK(d.width == 4);  // 2 px per value, as shown
    CHECK(d.height == 4);
    CHECK(d.rgba[(0 * 4 + 2) * 4 + 0] == 255);  // v[0][1] = 1: white
    CHECK(d.rgba[(2 * 4 + 0) * 4 + 0] == 128);  // v[1][0] = 0.5
    // &hide=export: no button.
    platform::set_params({{"hide", "export"}});
    captured();
    CHECK(a11y::find_control("Save weights as PNG") == 0);
    platform::set_params({});
}
