// aelab lesson kit: one palette for every lesson, so a colour means the same thing on every page
// (the current window is always yellow, padding always blue, ...), and the class colours and
// class scatter/legend widgets of the pages that plot Fashion-MNIST codes.
#pragma once
#include <string>
#include <vector>

#include <imgui.h>

namespace aelab::kit {

namespace palette {
// The palette follows the theme: apply_theme (theme.hpp) sets these values; before it is
// called they hold the dark theme's. Colours that lessons also use for text (current, error,
// series, reference and the text_* colours) have at least 4.5:1 contrast against the theme's
// window, child and popup backgrounds; the others are drawn over images and grids, with a dark
// outline, or as lines (at least 3:1 against the window).
// Stepped computations.
extern ImU32 window;    // the taps / window of the current step
extern ImU32 current;   // the output element or copy of this step
extern ImU32 done;      // elements already visited
extern ImU32 padding;   // padded zeros and other implicit values
extern ImU32 argmax;    // the element a max picked
extern ImU32 switches;  // remembered positions (max-unpool switches)
// Curves, in the order a plot uses them: first, second, ... series; a reference line.
constexpr int kSeriesCount = 6;
extern ImU32 series[kSeriesCount];
extern ImU32 reference;
// What cannot work (the first failing layer of an architecture, an invalid value).
extern ImU32 error;
// The background of error panels (ui::error_panel); text and text_error are readable on it.
extern ImU32 error_bg;
// Coloured text, readable (>= 4.5:1) on the window, child and popup backgrounds:
extern ImU32 text_warning;  // caveats, "float rounding", a missing lesson
extern ImU32 text_good;     // a check that passed, a correct value
extern ImU32 text_error;    // a wrong value, a failure
extern ImU32 text_accent;   // notes that stand out from the explanation (preset notes)
// As ImVec4 for ImGui::TextColored(palette::text(palette::text_good), ...).
inline ImVec4 text(ImU32 c) { return ImGui::ColorConvertU32ToFloat4(c); }
// The ten classes (Matplotlib's tab10).
ImU32 class_color(int label);
}  // namespace palette

// One dot per class colour with "<label> <name>" beside it, one class per line.
void class_legend(const std::vector<std::string>& class_names);

// A square scatter plot of 2-D points coloured by class, drawn with ImDrawList.
struct ClassPoint {
    float x, y;
    int label;
};
struct ScatterFrame {  // maps data coordinates to the screen
    ImVec2 origin;
    float size;
    float xmin, xmax, ymin, ymax;
    ImVec2 to_screen(float x, float y) const;
    void to_data(ImVec2 screen, float& x, float& y) const;
};
struct ScatterStyle {
    float size = 300.0f;
    // Fixed data range [-extent, extent] on both axes; 0: fit the finite points.
    float extent = 0.0f;
    const char* x_label = "z1";
    const char* y_label = "z2";
    bool light_background = false;
};
struct ScatterHover {
    int point = -1;        // the point under the mouse (within 8 px), or -1
    bool pressed = false;  // the left button is down on the plot (click or drag)
    float x = 0, y = 0;    // the mouse in data coordinates while pressed or hovered
};
// Non-finite points are skipped (a diverged model gives NaN). `overlay`, when given, draws on
// top (e.g. a marker) with the same frame. Hovering a point shows its class and coordinates.
ScatterHover class_scatter(const char* id, const std::vector<ClassPoint>& points, const std::vector<std::string>& class_names,
                           const ScatterStyle& style = {}, void (*overlay)(ImDrawList*, const ScatterFrame&, void*) = nullptr,
                           void* overlay_data = nullptr);

}  // namespace aelab::kit
