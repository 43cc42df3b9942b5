// aelab lessons: the shared widgets every lesson is built from.
//   heatmap        a tensor plane as an image (grayscale or diverging), nearest zoom,
//                  highlighted windows, hover shows [row, col] = value; diverging maps
//                  carry the sign as marks in big cells and a legend (diverging_legend)
//   rgb_image      a (3, H, W) tensor as a colour image
//   number_grid    a tensor plane as a grid of numbers with highlighted cells
//   Stepper        first / previous / next / last / play with speed, arrow keys
//   line_plot      loss curves and other series
//   help_marker    a "(?)" that explains on hover
//   fmt_num, format  numbers as students write them, printf into a std::string
//   error_panel    a message in place of a result that could not be computed
// Images are drawn through textures the host provides (set_texture_backend), so lessons stay
// free of OpenGL; without a backend (tests) nothing is drawn.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <imgui.h>

#include "aelab/tensor.hpp"

namespace aelab::ui {

// --- Textures, provided by the host ---------------------------------------------------------
struct TextureBackend {
    ImTextureID (*create)(int width, int height);
    void (*update)(ImTextureID tex, const std::uint8_t* rgba, int width, int height);
    void (*destroy)(ImTextureID tex);
};
void set_texture_backend(const TextureBackend& backend);
// Called by the host once per frame, after rendering: frees textures no widget used lately.
void collect_textures();

// --- Colour maps -------------------------------------------------------------------------------
enum class Colormap { gray, diverging, red, green, blue };
// Maps v in [vmin, vmax] to a colour. diverging: blue (negative) - white (0) - red (positive)
// with vmin = -vmax expected.
ImU32 colormap(Colormap cmap, float v, float vmin, float vmax);

// A rectangle of elements [row0, row1) x [col0, col1) outlined on a heatmap or grid.
struct Highlight {
    int row0, col0, row1, col1;
    ImU32 color = IM_COL32(255, 200, 0, 255);
};

struct Hover {
    bool active = false;
    int row = -1, col = -1;
    bool clicked = false;  // left click on that element this frame
};

struct HeatmapStyle {
    Colormap cmap = Colormap::gray;
    float vmin = 0.0f, vmax = 1.0f;
    bool auto_range = false;  // use the data's min/max (symmetric around 0 for diverging)
    float zoom = 8.0f;        // screen pixels per element (nearest filtering)
    float value_scale = 1.0f; // hover shows value * value_scale (e.g. 255 for pixel levels)
    const char* value_format = "%.3g";
    // diverging: a colour-scale bar "-max 0 +max" under the image when it is at least 96 px
    // wide. Cells of 10 px and more also get a "+" / "-" mark (|value| > 15% of the range),
    // and the hover readout names the sign: the sign is never told by colour alone.
    bool legend = true;
};

// Draws a (rows, cols) row-major plane. Returns what the mouse is over.
Hover heatmap(const char* id, const float* data, int rows, int cols, const HeatmapStyle& style,
              const std::vector<Highlight>& highlights = {});

// The diverging map's colour scale: a bar from blue (-vmax) through white (0) to red (+vmax),
// `width` px wide (at most 220), with the numbers under it (times `value_scale`).
void diverging_legend(float vmax, float width, float value_scale = 1.0f);

// An (H, W) image with values in [0, 1] in gray, `zoom` screen pixels per pixel.
Hover gray_image(const char* id, const Tensor& plane, float zoom);

// Draws a (3, rows, cols) plane-major RGB image with values in [0, 1].
Hover rgb_image(const char* id, const float* chw, int rows, int cols, float zoom,
                const std::vector<Highlight>& highlights = {});

struct GridStyle {
    const char* format = "%.0f";
    float value_scale = 1.0f;         // shows value * value_scale
    bool shade = true;                // tint cells by value (gray or diverging, auto range)
    Colormap cmap = Colormap::gray;
    float min_cell_width = 0.0f;
};
struct CellMark {
    int row, col;
    ImU32 color;
};
// Draws a (rows, cols) plane as numbers. Marked cells get a coloured fill and border.
Hover number_grid(const char* id, const float* data, int rows, int cols, const GridStyle& style,
                  const std::vector<CellMark>& marks = {}, const std::vector<Highlight>& highlights = {});

// --- Step controller ---------------------------------------------------------------------------
struct Stepper {
    int step = 0;
    int count = 1;          // steps are 0 .. count-1
    bool playing = false;
    float steps_per_second = 2.0f;
    double carry = 0.0;     // time accumulated towards the next automatic step
    // Sets the number of steps, clamping the current one.
    void reset(int new_count);
    bool at_end() const { return step >= count - 1; }
};
// Buttons |< < > >| and Play/Pause with a speed slider. Left/Right/Home/End/Space act on it
// while the window holding it is focused. Returns true when the step changed this frame.
bool step_controller(const char* id, Stepper& s);

// --- Plots ---------------------------------------------------------------------------------------
struct Series {
    const char* label;
    const float* values;
    int count;
    ImU32 color;
    float x0 = 0.0f, dx = 1.0f;  // x of values[i] = x0 + i * dx
};
struct PlotStyle {
    ImVec2 size = ImVec2(0, 160);  // 0 width: fill the available width
    bool log_y = false;
    const char* x_label = "step";
    const char* y_format = "%.4g";
};
void line_plot(const char* id, const std::vector<Series>& series, const PlotStyle& style = {});

// --- Lesson furniture ------------------------------------------------------------------------
// A number as students write it: whole numbers without decimals, others with up to 3
// significant decimals ("12", "-0.5", "36.5", "0.333").
std::string fmt_num(float v);
// printf into a std::string of any length: ui::format("y[%d,%d] = %s", r, c, ...).
std::string format(const char* fmt, ...) IM_FMTARGS(1);
// The "In PyTorch" panel: the torch.nn.functional call for the current parameters, with a
// copy button.
void pytorch_panel(const char* id, const std::string& code);
// Buttons that save tensors as .npy (a download in the browser, a file natively) and the
// outcome of the last one. `files` pairs a file name with a tensor.
struct NpyExport {
    std::string name;
    const Tensor* tensor;
};
void export_buttons(const char* id, const std::vector<NpyExport>& files);
// A small matrix of editable numbers (e.g. a kernel the student types in). Returns true when
// a value changed this frame.
bool edit_grid(const char* id, float* data, int rows, int cols, float speed = 0.05f);

// --- ImGui widgets whose role ImGui cannot report to the text view (a11y.hpp) ------------------------
// Same signatures and behaviour as ImGui's; they tell the text view "radio button, checked" or
// "combo box" for the item.
bool radio_button(const char* label, bool active);
bool radio_button(const char* label, int* v, int v_button);
bool begin_combo(const char* label, const char* preview, ImGuiComboFlags flags = 0);
bool combo(const char* label, int* current, const char* const items[], int count);

// --- Layout ----------------------------------------------------------------------------------------
// Instead of ImGui::SameLine() between figures or controls side by side: the next item stays on
// this line when `next_width` px (plus the item spacing) still fit before the right edge of the
// window or column, and starts a new line otherwise, so a phone gets them one under the other.
// Returns whether it stayed on the line.
bool same_line_if_fits(float next_width);
// The width of a slider or input `item_width` wide with its label on the right, for same_line_if_fits.
float labeled_width(float item_width, const char* label);
// The width of a button, and of a checkbox or radio button with its label.
float button_width(const char* label);
float check_width(const char* label);
// A figure (or any group of items) that sits beside the previous one when it fits and goes under
// it otherwise, using its width from the previous frame. `first`: the first of a row, never beside.
//   ui::begin_flow("x", true); ...input grid...; ui::end_flow();
//   ui::begin_flow("y"); ...output grid...; ui::end_flow();
void begin_flow(const char* id, bool first = false, float spacing = -1.0f);
void end_flow();
// ImGui::SmallButton, but full size (kit::kTouchTarget) on a touch screen.
bool small_button(const char* label);

// --- Text ----------------------------------------------------------------------------------------
void help_marker(const char* text);
// A bullet point whose text wraps at the window's edge (ImGui::BulletText does not wrap).
void bullet(const std::string& text);
// A framed message in place of a result that could not be computed (bad input, missing data).
void error_panel(const char* title, const std::string& message);
// Text in a framed, monospace-looking block (formulas, code, shapes).
void code_block(const char* id, const std::string& text);
// Shows the asset's state: "Loading..." or an error panel with a retry button. Returns true
// when the dataset is ready to use.
bool dataset_ready();

}  // namespace aelab::ui
