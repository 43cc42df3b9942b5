#include "theme.hpp"

#include <algorithm>
#include <cmath>

#include "palette.hpp"

namespace aelab::kit {

namespace {

Theme g_theme = Theme::dark;
bool g_touch = false;
float g_touch_font_px = 15.0f;
float g_touch_scale = 1.0f;
ImVec2 g_saved_touch_padding;
int g_touch_rows = 0;

ImVec4 lerp(const ImVec4& a, const ImVec4& b, float t) {
    return ImVec4(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t, a.z + (b.z - a.z) * t, a.w + (b.w - a.w) * t);
}

ImVec4 rgb(int r, int g, int b, float a = 1.0f) { return ImVec4(r / 255.0f, g / 255.0f, b / 255.0f, a); }

// ImGui's dark look, with the states text sits on darkened to 4.5:1 for white text, opaque
// backgrounds, brighter disabled text and frame borders (inputs visible at 3:1).
void dark_colors(ImGuiStyle& s) {
    ImGui::StyleColorsDark(&s);
    ImVec4* c = s.Colors;
    c[ImGuiCol_TextDisabled] = ImVec4(0.60f, 0.60f, 0.60f, 1.00f);
    c[ImGuiCol_WindowBg] = ImVec4(0.06f, 0.06f, 0.06f, 1.00f);
    c[ImGuiCol_PopupBg] = ImVec4(0.08f, 0.08f, 0.08f, 1.00f);
    c[ImGuiCol_Border] = ImVec4(0.43f, 0.43f, 0.50f, 1.00f);
    c[ImGuiCol_ButtonHovered] = ImVec4(0.18f, 0.42f, 0.78f, 1.00f);
    c[ImGuiCol_ButtonActive] = ImVec4(0.10f, 0.34f, 0.70f, 1.00f);
    c[ImGuiCol_HeaderHovered] = ImVec4(0.20f, 0.46f, 0.82f, 0.80f);
    c[ImGuiCol_HeaderActive] = ImVec4(0.16f, 0.40f, 0.76f, 1.00f);
    c[ImGuiCol_FrameBgActive] = ImVec4(0.26f, 0.59f, 0.98f, 0.50f);
    c[ImGuiCol_SliderGrab] = ImVec4(0.20f, 0.44f, 0.80f, 1.00f);  // a slider's number is drawn over its grab
    c[ImGuiCol_SliderGrabActive] = ImVec4(0.16f, 0.40f, 0.76f, 1.00f);
    c[ImGuiCol_Separator] = c[ImGuiCol_Border];
    c[ImGuiCol_TabHovered] = c[ImGuiCol_HeaderHovered];
    c[ImGuiCol_TabActive] = lerp(c[ImGuiCol_HeaderActive], c[ImGuiCol_TitleBgActive], 0.60f);
    c[ImGuiCol_NavHighlight] = ImVec4(0.26f, 0.59f, 0.98f, 1.00f);
}

// ImGui's light look, with darker disabled text, borders and focus ring.
void light_colors(ImGuiStyle& s) {
    ImGui::StyleColorsLight(&s);
    ImVec4* c = s.Colors;
    c[ImGuiCol_TextDisabled] = ImVec4(0.36f, 0.36f, 0.36f, 1.00f);
    c[ImGuiCol_PopupBg] = ImVec4(1.00f, 1.00f, 1.00f, 1.00f);
    c[ImGuiCol_Border] = ImVec4(0.00f, 0.00f, 0.00f, 0.50f);
    c[ImGuiCol_Separator] = ImVec4(0.39f, 0.39f, 0.39f, 1.00f);
    c[ImGuiCol_NavHighlight] = ImVec4(0.00f, 0.30f, 0.75f, 1.00f);
    c[ImGuiCol_PlotLines] = ImVec4(0.30f, 0.30f, 0.30f, 1.00f);
}

// High contrast: black backgrounds, white text and borders, yellow focus, blue states.
void contrast_colors(ImGuiStyle& s) {
    ImGui::StyleColorsDark(&s);
    ImVec4* c = s.Colors;
    const ImVec4 black(0, 0, 0, 1), white(1, 1, 1, 1), yellow(1, 1, 0, 1);
    const ImVec4 hover = rgb(0, 64, 140), active = rgb(0, 90, 180);
    c[ImGuiCol_Text] = white;
    c[ImGuiCol_TextDisabled] = rgb(191, 191, 191);
    c[ImGuiCol_WindowBg] = black;
    c[ImGuiCol_ChildBg] = black;
    c[ImGuiCol_PopupBg] = black;
    c[ImGuiCol_Border] = white;
    c[ImGuiCol_BorderShadow] = ImVec4(0, 0, 0, 0);
    c[ImGuiCol_FrameBg] = rgb(26, 26, 26);
    c[ImGuiCol_FrameBgHovered] = hover;
    c[ImGuiCol_FrameBgActive] = active;
    c[ImGuiCol_TitleBg] = black;
    c[ImGuiCol_TitleBgActive] = rgb(0, 50, 110);
    c[ImGuiCol_TitleBgCollapsed] = black;
    c[ImGuiCol_MenuBarBg] = black;
    c[ImGuiCol_ScrollbarBg] = black;
    c[ImGuiCol_ScrollbarGrab] = rgb(170, 170, 170);
    c[ImGuiCol_ScrollbarGrabHovered] = white;
    c[ImGuiCol_ScrollbarGrabActive] = yellow;
    c[ImGuiCol_CheckMark] = yellow;
    c[ImGuiCol_SliderGrab] = rgb(0, 100, 220);  // a slider's number is drawn over its grab: not yellow
    c[ImGuiCol_SliderGrabActive] = rgb(0, 70, 170);
    c[ImGuiCol_Button] = rgb(26, 26, 26);
    c[ImGuiCol_ButtonHovered] = hover;
    c[ImGuiCol_ButtonActive] = active;
    c[ImGuiCol_Header] = rgb(40, 40, 40);
    c[ImGuiCol_HeaderHovered] = hover;
    c[ImGuiCol_HeaderActive] = active;
    c[ImGuiCol_Separator] = white;
    c[ImGuiCol_SeparatorHovered] = yellow;
    c[ImGuiCol_SeparatorActive] = yellow;
    c[ImGuiCol_ResizeGrip] = rgb(170, 170, 170);
    c[ImGuiCol_ResizeGripHovered] = white;
    c[ImGuiCol_ResizeGripActive] = yellow;
    c[ImGuiCol_Tab] = rgb(40, 40, 40);
    c[ImGuiCol_TabHovered] = hover;
    c[ImGuiCol_TabActive] = active;
    c[ImGuiCol_TabUnfocused] = rgb(40, 40, 40);
    c[ImGuiCol_TabUnfocusedActive] = hover;
    c[ImGuiCol_PlotLines] = white;
    c[ImGuiCol_PlotLinesHovered] = yellow;
    c[ImGuiCol_PlotHistogram] = yellow;
    c[ImGuiCol_PlotHistogramHovered] = white;
    c[ImGuiCol_TableHeaderBg] = rgb(40, 40, 40);
    c[ImGuiCol_TableBorderStrong] = white;
    c[ImGuiCol_TableBorderLight] = rgb(150, 150, 150);
    c[ImGuiCol_TableRowBg] = ImVec4(0, 0, 0, 0);
    c[ImGuiCol_TableRowBgAlt] = ImVec4(1, 1, 1, 0.08f);
    c[ImGuiCol_TextSelectedBg] = ImVec4(0.0f, 0.35f, 0.70f, 1.0f);
    c[ImGuiCol_DragDropTarget] = yellow;
    c[ImGuiCol_NavHighlight] = yellow;
    c[ImGuiCol_NavWindowingHighlight] = yellow;
    c[ImGuiCol_NavWindowingDimBg] = ImVec4(0, 0, 0, 0.6f);
    c[ImGuiCol_ModalWindowDimBg] = ImVec4(0, 0, 0, 0.7f);
}

void set_palette(Theme t) {
    namespace p = palette;
    switch (t) {
        case Theme::dark:
            p::window = IM_COL32(255, 200, 0, 255), p::current = IM_COL32(255, 110, 40, 255);
            p::done = IM_COL32(80, 200, 120, 255), p::padding = IM_COL32(90, 140, 255, 255);
            p::argmax = IM_COL32(255, 80, 60, 255), p::switches = IM_COL32(0, 200, 255, 255);
            p::series[0] = IM_COL32(255, 150, 30, 255), p::series[1] = IM_COL32(0, 190, 255, 255);
            p::series[2] = IM_COL32(120, 220, 120, 255), p::series[3] = IM_COL32(220, 120, 220, 255);
            p::series[4] = IM_COL32(240, 230, 90, 255), p::series[5] = IM_COL32(200, 200, 200, 255);
            p::reference = IM_COL32(200, 200, 200, 255);
            p::error = IM_COL32(255, 80, 60, 255), p::error_bg = IM_COL32(80, 18, 18, 255);
            p::text_warning = IM_COL32(255, 191, 77, 255), p::text_good = IM_COL32(128, 230, 128, 255);
            p::text_error = IM_COL32(255, 140, 130, 255), p::text_accent = IM_COL32(235, 215, 140, 255);
            break;
        case Theme::light:  // the same hues, deep enough for a light background
            p::window = IM_COL32(175, 120, 0, 255), p::current = IM_COL32(180, 60, 0, 255);
            p::done = IM_COL32(0, 140, 60, 255), p::padding = IM_COL32(40, 90, 220, 255);
            p::argmax = IM_COL32(200, 30, 20, 255), p::switches = IM_COL32(0, 125, 190, 255);
            p::series[0] = IM_COL32(170, 75, 0, 255), p::series[1] = IM_COL32(0, 100, 185, 255);
            p::series[2] = IM_COL32(20, 120, 40, 255), p::series[3] = IM_COL32(150, 40, 150, 255);
            p::series[4] = IM_COL32(115, 105, 0, 255), p::series[5] = IM_COL32(95, 95, 95, 255);
            p::reference = IM_COL32(95, 95, 95, 255);
            p::error = IM_COL32(190, 20, 20, 255), p::error_bg = IM_COL32(253, 226, 226, 255);
            p::text_warning = IM_COL32(145, 75, 0, 255), p::text_good = IM_COL32(0, 115, 40, 255);
            p::text_error = IM_COL32(180, 20, 20, 255), p::text_accent = IM_COL32(0, 85, 175, 255);
            break;
        case Theme::contrast:  // saturated and bright on black
            p::window = IM_COL32(255, 230, 0, 255), p::current = IM_COL32(255, 130, 60, 255);
            p::done = IM_COL32(90, 230, 130, 255), p::padding = IM_COL32(120, 170, 255, 255);
            p::argmax = IM_COL32(255, 90, 70, 255), p::switches = IM_COL32(0, 220, 255, 255);
            p::series[0] = IM_COL32(255, 160, 40, 255), p::series[1] = IM_COL32(0, 200, 255, 255);
            p::series[2] = IM_COL32(120, 240, 120, 255), p::series[3] = IM_COL32(240, 140, 240, 255);
            p::series[4] = IM_COL32(255, 255, 100, 255), p::series[5] = IM_COL32(220, 220, 220, 255);
            p::reference = IM_COL32(220, 220, 220, 255);
            p::error = IM_COL32(255, 100, 90, 255), p::error_bg = IM_COL32(60, 0, 0, 255);
            p::text_warning = IM_COL32(255, 200, 60, 255), p::text_good = IM_COL32(110, 255, 110, 255);
            p::text_error = IM_COL32(255, 150, 140, 255), p::text_accent = IM_COL32(255, 255, 0, 255);
            break;
    }
}

float linear(float c) { return c <= 0.04045f ? c / 12.92f : std::pow((c + 0.055f) / 1.055f, 2.4f); }

}  // namespace

Theme theme_from_name(const std::string& name, Theme fallback) {
    if (name == "dark") return Theme::dark;
    if (name == "light") return Theme::light;
    if (name == "contrast" || name == "high-contrast" || name == "hc") return Theme::contrast;
    return fallback;
}

const char* theme_name(Theme t) {
    switch (t) {
        case Theme::dark: return "dark";
        case Theme::light: return "light";
        case Theme::contrast: return "contrast";
    }
    return "dark";
}

ImGuiStyle theme_style(Theme t, float ui_scale) {
    ImGuiStyle s;  // default sizes
    switch (t) {
        case Theme::dark: dark_colors(s); break;
        case Theme::light: light_colors(s); break;
        case Theme::contrast: contrast_colors(s); break;
    }
    // Borders around inputs and buttons: their edges are what shows where they are. Border
    // sizes are not scaled by ScaleAllSizes: whole pixels at the UI scale.
    const float px = std::max(1.0f, std::floor(ui_scale + 0.25f));
    s.FrameBorderSize = px;
    if (t == Theme::contrast) {
        s.FrameBorderSize = 2 * px;
        s.WindowBorderSize = s.ChildBorderSize = s.PopupBorderSize = 2 * px;
        s.TabBorderSize = px;
    }
    s.ScaleAllSizes(ui_scale);  // once, after everything is set
    return s;
}

void apply_theme(Theme t, float ui_scale) {
    ImGui::GetStyle() = theme_style(t, ui_scale);
    if (g_touch) touch_sizes(ImGui::GetStyle(), g_touch_font_px, g_touch_scale);
    set_palette(t);
    g_theme = t;
}

void touch_sizes(ImGuiStyle& s, float font_px, float ui_scale) {
    const float target = kTouchTarget * ui_scale;
    const float extra = std::floor(4.0f * ui_scale);  // reach beyond the frame on each side
    s.TouchExtraPadding = ImVec2(extra, extra);
    // frame height = font + 2 * FramePadding.y; with the extra reach it is the target.
    s.FramePadding.y = std::ceil((target - 2.0f * extra - font_px) * 0.5f);
    // One-glyph buttons ("<", "+") as wide as they are tall.
    s.FramePadding.x = std::max(s.FramePadding.x, std::ceil((target - 2.0f * extra - 0.6f * font_px) * 0.5f));
    s.ItemSpacing = ImVec2(std::max(s.ItemSpacing.x, 2.0f * extra + 2.0f), std::max(s.ItemSpacing.y, 2.0f * extra));
    s.ItemInnerSpacing = ImVec2(std::max(s.ItemInnerSpacing.x, 8.0f * ui_scale), s.ItemInnerSpacing.y);
    s.GrabMinSize = std::max(s.GrabMinSize, 24.0f * ui_scale);
    s.ScrollbarSize = std::max(s.ScrollbarSize, 18.0f * ui_scale);
    s.IndentSpacing = std::max(s.IndentSpacing, s.FramePadding.x + font_px);
}

void set_touch(bool on, float font_px, float ui_scale) {
    g_touch = on;
    g_touch_font_px = font_px;
    g_touch_scale = ui_scale;
    apply_theme(g_theme, ui_scale);
}

bool touch() { return g_touch; }

void push_touch_rows() {
    ImGuiStyle& s = ImGui::GetStyle();
    if (g_touch_rows++ == 0) g_saved_touch_padding = s.TouchExtraPadding;
    if (!g_touch) return;
    // A Selectable reaches half the item spacing above and below its text line.
    const float font = ImGui::GetFontSize();
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing,
                        ImVec2(s.ItemSpacing.x, std::max(s.ItemSpacing.y, kTouchTarget * g_touch_scale - font)));
    s.TouchExtraPadding = ImVec2(s.TouchExtraPadding.x, 0.0f);  // rows touch each other: no overlap
}

void pop_touch_rows() {
    if (g_touch_rows <= 0) return;
    if (--g_touch_rows == 0) ImGui::GetStyle().TouchExtraPadding = g_saved_touch_padding;
    if (g_touch) ImGui::PopStyleVar();
}

Theme current_theme() { return g_theme; }

float relative_luminance(ImU32 c) {
    const float r = ((c >> IM_COL32_R_SHIFT) & 0xFF) / 255.0f, g = ((c >> IM_COL32_G_SHIFT) & 0xFF) / 255.0f,
                b = ((c >> IM_COL32_B_SHIFT) & 0xFF) / 255.0f;
    return 0.2126f * linear(r) + 0.7152f * linear(g) + 0.0722f * linear(b);
}

float contrast_ratio(ImU32 a, ImU32 b) {
    const float la = relative_luminance(a), lb = relative_luminance(b);
    return (std::max(la, lb) + 0.05f) / (std::min(la, lb) + 0.05f);
}

ImU32 blend_over(ImU32 top, ImU32 below) {
    const float a = ((top >> IM_COL32_A_SHIFT) & 0xFF) / 255.0f;
    auto mix = [&](int shift) {
        const float t = float((top >> shift) & 0xFF), u = float((below >> shift) & 0xFF);
        return ImU32(std::lround(t * a + u * (1 - a))) << shift;
    };
    return mix(IM_COL32_R_SHIFT) | mix(IM_COL32_G_SHIFT) | mix(IM_COL32_B_SHIFT) | IM_COL32_A_MASK;
}

ImU32 text_on(ImU32 bg) {
    return contrast_ratio(IM_COL32_BLACK, bg) >= contrast_ratio(IM_COL32_WHITE, bg) ? IM_COL32_BLACK : IM_COL32_WHITE;
}

}  // namespace aelab::kit
