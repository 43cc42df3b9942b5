// Tests for lessons/kit/theme.cpp: the WCAG 2.1 contrast ratio, and every theme's text, focus
// ring and palette against the backgrounds they are drawn on (WCAG 2.1 AA: 4.5:1 for text,
// 3:1 for the focus indicator and component borders).
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "headless.hpp"
#include "kit/palette.hpp"
#include "kit/theme.hpp"
#include "kit/widgets.hpp"

using namespace aelab;
using kit::contrast_ratio;

TEST_CASE("theme: WCAG contrast ratio, known values") {
    CHECK(contrast_ratio(IM_COL32_WHITE, IM_COL32_BLACK) == doctest::Approx(21.0f).epsilon(1e-4));
    CHECK(contrast_ratio(IM_COL32_BLACK, IM_COL32_WHITE) == doctest::Approx(21.0f).epsilon(1e-4));  // symmetric
    CHECK(contrast_ratio(IM_COL32(0x77, 0x77, 0x77, 255), IM_COL32_WHITE) == doctest::Approx(4.48f).epsilon(0.002));
    CHECK(contrast_ratio(IM_COL32(0x76, 0x76, 0x76, 255), IM_COL32_WHITE) >= 4.5f);  // the lightest gray that passes
    CHECK(contrast_ratio(IM_COL32(0, 0, 255, 255), IM_COL32_WHITE) == doctest::Approx(8.59f).epsilon(0.002));
    CHECK(contrast_ratio(IM_COL32(10, 20, 30, 255), IM_COL32(10, 20, 30, 255)) == doctest::Approx(1.0f));
    CHECK(kit::relative_luminance(IM_COL32(255, 0, 0, 255)) == doctest::Approx(0.2126f));
    // Alpha: half-transparent white over black is (128, 128, 128).
    CHECK(kit::blend_over(IM_COL32(255, 255, 255, 128), IM_COL32_BLACK) == IM_COL32(128, 128, 128, 255));
    CHECK(kit::text_on(IM_COL32(250, 250, 200, 255)) == IM_COL32_BLACK);
    CHECK(kit::text_on(IM_COL32(20, 40, 120, 255)) == IM_COL32_WHITE);
}

TEST_CASE("theme: names") {
    CHECK(kit::theme_from_name("light", kit::Theme::dark) == kit::Theme::light);
    CHECK(kit::theme_from_name("contrast", kit::Theme::dark) == kit::Theme::contrast);
    CHECK(kit::theme_from_name("high-contrast", kit::Theme::dark) == kit::Theme::contrast);
    CHECK(kit::theme_from_name("dark", kit::Theme::light) == kit::Theme::dark);
    CHECK(kit::theme_from_name("", kit::Theme::light) == kit::Theme::light);
    CHECK(kit::theme_from_name("sepia", kit::Theme::dark) == kit::Theme::dark);
    for (kit::Theme t : {kit::Theme::dark, kit::Theme::light, kit::Theme::contrast})
        CHECK(kit::theme_from_name(kit::theme_name(t), kit::Theme::dark) == t);
}

namespace {
struct Pair {
    std::string what;
    ImU32 fg, bg;
    float need;
};
}  // namespace

TEST_CASE("theme: text, focus ring and palette contrast in every theme") {
    test::HeadlessImGui ui;
    const bool print = std::getenv("AELAB_PRINT_CONTRAST") != nullptr;
    for (kit::Theme t : {kit::Theme::dark, kit::Theme::light, kit::Theme::contrast}) {
        kit::apply_theme(t, 1.0f);
        CHECK(kit::current_theme() == t);
        const ImGuiStyle& s = ImGui::GetStyle();
        auto col = [&](ImGuiCol c) { return ImGui::ColorConvertFloat4ToU32(s.Colors[c]); };
        // What each colour is drawn over: the window over the host's clear colour (WindowBg
        // itself), children and frames over the window.
        const ImU32 win = kit::blend_over(col(ImGuiCol_WindowBg), IM_COL32_BLACK);
        CHECK(col(ImGuiCol_WindowBg) == win);  // opaque: the host clears to it
        auto on_win = [&](ImGuiCol c) { return kit::blend_over(col(c), win); };
        const ImU32 text = col(ImGuiCol_Text), disabled = col(ImGuiCol_TextDisabled);
        std::vector<Pair> pairs = {
            {"Text / WindowBg", text, win, 4.5f},
            {"Text / ChildBg", text, on_win(ImGuiCol_ChildBg), 4.5f},
            {"Text / PopupBg", text, on_win(ImGuiCol_PopupBg), 4.5f},
            {"Text / FrameBg", text, on_win(ImGuiCol_FrameBg), 4.5f},
            {"Text / FrameBgHovered", text, on_win(ImGuiCol_FrameBgHovered), 4.5f},
            {"Text / FrameBgActive", text, on_win(ImGuiCol_FrameBgActive), 4.5f},
            {"Text / Button", text, on_win(ImGuiCol_Button), 4.5f},
            {"Text / ButtonHovered", text, on_win(ImGuiCol_ButtonHovered), 4.5f},
            {"Text / ButtonActive", text, on_win(ImGuiCol_ButtonActive), 4.5f},
            {"Text / Header", text, on_win(ImGuiCol_Header), 4.5f},
            {"Text / HeaderHovered", text, on_win(ImGuiCol_HeaderHovered), 4.5f},
            {"Text / HeaderActive", text, on_win(ImGuiCol_HeaderActive), 4.5f},
            {"Text / MenuBarBg", text, on_win(ImGuiCol_MenuBarBg), 4.5f},
            // A slider's value is drawn over its grab, on the frame.
            {"Text / SliderGrab", text, kit::blend_over(col(ImGuiCol_SliderGrab), on_win(ImGuiCol_FrameBg)), 4.5f},
            {"Text / SliderGrabActive", text, kit::blend_over(col(ImGuiCol_SliderGrabActive), on_win(ImGuiCol_FrameBgActive)), 4.5f},
            {"TextDisabled / WindowBg", disabled, win, 4.5f},
            {"TextDisabled / ChildBg", disabled, on_win(ImGuiCol_ChildBg), 4.5f},
            {"TextDisabled / PopupBg", disabled, on_win(ImGuiCol_PopupBg), 4.5f},
            {"TextDisabled / FrameBg", disabled, on_win(ImGuiCol_FrameBg), 4.5f},
            {"TextDisabled / MenuBarBg", disabled, on_win(ImGuiCol_MenuBarBg), 4.5f},
            {"NavHighlight / WindowBg", col(ImGuiCol_NavHighlight), win, 3.0f},
            {"NavHighlight / FrameBg", col(ImGuiCol_NavHighlight), on_win(ImGuiCol_FrameBg), 3.0f},
            {"Border / WindowBg", on_win(ImGuiCol_Border), win, 3.0f},
            {"Text / error_bg", text, kit::palette::error_bg, 4.5f},
            {"text_error / error_bg", kit::palette::text_error, kit::palette::error_bg, 4.5f},
        };
        struct Named {
            const char* name;
            ImU32 c;
        };
        // Palette colours lessons write text in, on the window, a child and a tooltip.
        std::vector<Named> texts = {{"text_warning", kit::palette::text_warning}, {"text_good", kit::palette::text_good},
                                    {"text_error", kit::palette::text_error},     {"text_accent", kit::palette::text_accent},
                                    {"error", kit::palette::error},               {"current", kit::palette::current},
                                    {"reference", kit::palette::reference}};
        static const char* const series_names[] = {"series[0]", "series[1]", "series[2]", "series[3]", "series[4]", "series[5]"};
        for (int i = 0; i < kit::palette::kSeriesCount; ++i) texts.push_back({series_names[i], kit::palette::series[i]});
        for (const Named& n : texts) {
            pairs.push_back({std::string(n.name) + " / WindowBg", n.c, win, 4.5f});
            pairs.push_back({std::string(n.name) + " / ChildBg", n.c, on_win(ImGuiCol_ChildBg), 4.5f});
            pairs.push_back({std::string(n.name) + " / PopupBg", n.c, on_win(ImGuiCol_PopupBg), 4.5f});
        }
        // Marks drawn as lines on plots: 3:1 against the window and the plot (FrameBg).
        for (const Named& n : {Named{"window", kit::palette::window}, Named{"done", kit::palette::done},
                               Named{"padding", kit::palette::padding}, Named{"argmax", kit::palette::argmax},
                               Named{"switches", kit::palette::switches}}) {
            pairs.push_back({std::string(n.name) + " / WindowBg", n.c, win, 3.0f});
            pairs.push_back({std::string(n.name) + " / FrameBg", n.c, on_win(ImGuiCol_FrameBg), 3.0f});
        }
        for (const Pair& p : pairs) {
            const float r = contrast_ratio(p.fg, p.bg);
            INFO(kit::theme_name(t), ": ", p.what, " = ", r);
            CHECK(r >= p.need);
            if (print) std::printf("%-9s %-28s %6.2f (need %.1f)\n", kit::theme_name(t), p.what.c_str(), double(r), double(p.need));
        }
    }
    kit::apply_theme(kit::Theme::dark, 1.0f);  // the other tests expect the default
}

TEST_CASE("theme: apply_theme scales sizes once, whatever the theme before") {
    test::HeadlessImGui ui;
    kit::apply_theme(kit::Theme::light, 2.0f);
    const float padding = ImGui::GetStyle().FramePadding.x;
    kit::apply_theme(kit::Theme::contrast, 2.0f);
    kit::apply_theme(kit::Theme::light, 2.0f);
    CHECK(ImGui::GetStyle().FramePadding.x == doctest::Approx(padding));
    CHECK(padding == doctest::Approx(2.0f * ImGuiStyle().FramePadding.x));
    CHECK(ImGui::GetStyle().FrameBorderSize == doctest::Approx(2.0f));  // whole pixels at the scale
    kit::apply_theme(kit::Theme::dark, 1.0f);
    CHECK(ImGui::GetStyle().FrameBorderSize == doctest::Approx(1.0f));
}

TEST_CASE("theme: black or white text on every colour of the diverging map reads at 4.5:1") {
    for (int i = 0; i <= 100; ++i) {
        const ImU32 bg = ui::colormap(ui::Colormap::diverging, -1.0f + 0.02f * float(i), -1.0f, 1.0f);
        INFO("v = ", -1.0f + 0.02f * float(i));
        CHECK(contrast_ratio(kit::text_on(bg), bg) >= 4.5f);
    }
}

TEST_CASE("widgets: a diverging heatmap marks signs in big cells, not in small ones") {
    test::HeadlessImGui ui;
    const float signed_values[4] = {-1.0f, 1.0f, 0.05f, 0.0f}, zeros[4] = {0, 0, 0, 0};
    auto vertices = [&](const float* data, float zoom) {
        int n = 0;
        ui.frame([&] {
            ImDrawList* dl = ImGui::GetWindowDrawList();
            ui::HeatmapStyle hs;
            hs.cmap = ui::Colormap::diverging;
            hs.vmin = -1, hs.vmax = 1;
            hs.zoom = zoom;
            const int before = dl->VtxBuffer.Size;
            ui::heatmap("h", data, 2, 2, hs);
            n = dl->VtxBuffer.Size - before;
        });
        return n;
    };
    // -1 gets a minus (one bar), +1 a plus (two bars): 3 more quads of 4 vertices than zeros.
    CHECK(vertices(signed_values, 16.0f) - vertices(zeros, 16.0f) == 3 * 4);
    CHECK(vertices(signed_values, 4.0f) - vertices(zeros, 4.0f) == 0);  // too small: legend and tooltip
}

// Touch sizes (issue 13, phones and tablets): every control reaches at least 44 px to a finger,
// and neighbouring controls' reach does not overlap.
TEST_CASE("theme: touch sizes make buttons, checkboxes, sliders and headers 44 px to a finger") {
    test::HeadlessImGui imgui;
    for (float scale : {1.0f, 2.0f}) {
        kit::apply_theme(kit::Theme::light, scale);
        const float font = ImGui::GetFontSize();  // the headless font (13 px), not the host's 15 px
        kit::set_touch(true, font, scale);
        const ImGuiStyle& s = ImGui::GetStyle();
        const float target = kit::kTouchTarget * scale;
        CHECK(s.TouchExtraPadding.y > 0.0f);
        CHECK(font + 2 * s.FramePadding.y + 2 * s.TouchExtraPadding.y >= target);
        CHECK(font + 2 * s.FramePadding.y + 2 * s.TouchExtraPadding.y <= target + 2);  // not needlessly big
        CHECK(s.ItemSpacing.y >= 2 * s.TouchExtraPadding.y);  // the reach of two rows does not overlap
        CHECK(s.ItemSpacing.x >= 2 * s.TouchExtraPadding.x);
        // Real items: their rectangles plus the reach on both sides.
        std::vector<ImVec2> sizes;
        float row_gap = 0;
        imgui.frame([&] {
            bool b = false;
            float v = 0.5f;
            ImGui::Button("<");
            sizes.push_back(ImGui::GetItemRectSize());
            const float y0 = ImGui::GetItemRectMax().y;
            ImGui::Checkbox("box", &b);
            sizes.push_back(ImGui::GetItemRectSize());
            row_gap = ImGui::GetItemRectMin().y - y0;
            ImGui::SliderFloat("slider", &v, 0, 1);
            sizes.push_back(ImVec2(ImGui::GetItemRectSize().x, ImGui::GetItemRectSize().y));
            ImGui::CollapsingHeader("header");
            sizes.push_back(ImGui::GetItemRectSize());
            kit::push_touch_rows();  // a list of lessons
            ImGui::Selectable("one");
            const float a = ImGui::GetItemRectMin().y;
            ImGui::Selectable("two");
            sizes.push_back(ImVec2(100, ImGui::GetItemRectMin().y - a - 2 * ImGui::GetStyle().TouchExtraPadding.y));
            CHECK(ImGui::GetStyle().TouchExtraPadding.y == 0.0f);  // rows touch: no overlapping reach
            kit::pop_touch_rows();
        });
        for (const ImVec2& sz : sizes) {
            CHECK(sz.y + 2 * s.TouchExtraPadding.y >= target - 0.5f);
        }
        CHECK(sizes[0].x + 2 * s.TouchExtraPadding.x >= target - 0.5f);  // a one-glyph button is wide enough
        CHECK(row_gap >= 2 * s.TouchExtraPadding.y);
        CHECK(ImGui::GetStyle().TouchExtraPadding.y == s.TouchExtraPadding.y);  // restored after the rows
        // A theme switch keeps the touch sizes.
        const float padding = s.FramePadding.y;
        kit::apply_theme(kit::Theme::contrast, scale);
        CHECK(ImGui::GetStyle().FramePadding.y == padding);
        CHECK(kit::touch());
        kit::set_touch(false, font, scale);
        CHECK(ImGui::GetStyle().FramePadding.y == kit::theme_style(kit::Theme::contrast, scale).FramePadding.y);
        CHECK(ImGui::GetStyle().TouchExtraPadding.y == 0.0f);
    }
    kit::apply_theme(kit::Theme::dark, 1.0f);
}

TEST_CASE("widgets: same_line_if_fits keeps what fits on the line and wraps the rest") {
    test::HeadlessImGui imgui;
    ImGui::GetIO().DisplaySize = ImVec2(320, 600);
    float y_a = 0, y_b = 0, y_c = 0, x_b = 0;
    bool fit_b = false, fit_c = true;
    imgui.frame([&] {
        ImGui::Button("a", ImVec2(100, 0));
        y_a = ImGui::GetItemRectMin().y;
        fit_b = ui::same_line_if_fits(100);
        ImGui::Button("b", ImVec2(100, 0));
        y_b = ImGui::GetItemRectMin().y;
        x_b = ImGui::GetItemRectMin().x;
        fit_c = ui::same_line_if_fits(150);  // 8 + 100 + 8 + 100 + 8 + 150 > 320 - 16
        ImGui::Button("c", ImVec2(150, 0));
        y_c = ImGui::GetItemRectMin().y;
    });
    CHECK(fit_b);
    CHECK(y_b == y_a);
    CHECK(x_b > 100);
    CHECK_FALSE(fit_c);
    CHECK(y_c > y_b);
}
