// aelab lesson kit: one palette for every lesson, so a colour means the same thing on every page
// (the current window is always yellow, padding always blue, ...), and the class colours and
// class scatter/legend widgets of the pages that plot Fashion-MNIST codes.
#pragma once
#include <string>
#include <vector>

#include <imgui.h>

namespace aelab::kit {

namespace palette {
// Stepped computations.
constexpr ImU32 window = IM_COL32(255, 200, 0, 255);    // the taps / window of the current step
constexpr ImU32 current = IM_COL32(255, 110, 40, 255);  // the output element or copy of this step
constexpr ImU32 done = IM_COL32(80, 200, 120, 255);     // elements already visited
constexpr ImU32 padding = IM_COL32(90, 140, 255, 255);  // padded zeros and other implicit values
constexpr ImU32 argmax = IM_COL32(255, 80, 60, 255);    // the element a max picked
constexpr ImU32 switches = IM_COL32(0, 200, 255, 255);  // remembered positions (max-unpool switches)
// Curves, in the order a plot uses them: first, second, third series; a reference line.
constexpr ImU32 series[3] = {IM_COL32(255, 150, 30, 255), IM_COL32(0, 190, 255, 255), IM_COL32(120, 220, 120, 255)};
constexpr ImU32 reference = IM_COL32(200, 200, 200, 255);
// What cannot work (the first failing layer of an architecture, an invalid value).
constexpr ImU32 error = IM_COL32(255, 80, 60, 255);
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
