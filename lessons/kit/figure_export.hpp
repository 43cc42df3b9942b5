// aelab lesson kit: figures saved as PNG.
//
// Every heat map, image (gray_image, rgb_image), image grid and line plot of the kit can be saved:
//   - right-click on the figure: a menu with "Save as PNG" (the size shown on screen) and, for
//     images, "Save as PNG, 1 pixel per value" (and "Save the whole grid as PNG" in a grid);
//   - keyboard and text view: the figure is a button "Save <name> as PNG" (arrow keys to it,
//     Space or Enter; the text view lists it and presses it the same way).
// Heat maps and images are saved from their own values, not from the screen: each value becomes
// exactly the colour the heat map shows (colormap() over the same range), repeated `scale` x
// `scale` times (the on-screen zoom rounded to a whole number). Overlays drawn on top (cell
// borders, "+"/"-" marks, highlighted windows) are not part of the file. Line plots, with their
// text, are read back from the screen: their rectangle of the framebuffer after the frame is
// drawn (the host reads it), as is the whole lesson view (View > Save view as PNG).
// Files go through platform::save_file: a download in the browser, a file in the current folder
// natively ("<lesson>-<figure>.png"; an existing file is not overwritten: "-2", "-3", ...).
// &hide=export hides all of it, as it hides the .npy export buttons.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <imgui.h>

#include "widgets.hpp"

namespace aelab::ui {

// RGBA8 pixels, top row first.
struct Raster {
    int width = 0, height = 0;
    std::vector<std::uint8_t> rgba;
};

// The colour range the heat map uses for these values (style.vmin/vmax, or the data's range
// with auto_range). Lives in widgets.cpp beside heatmap() so both use the same one.
void heatmap_range(const float* data, int rows, int cols, const HeatmapStyle& style, float& lo, float& hi);
// The heat map's pixels: colormap(style.cmap, value, lo, hi) for every value, `scale` x `scale`
// pixels each (scale 1 to 64). Throws aelab::Error for an empty or too large figure.
Raster heatmap_raster(const float* data, int rows, int cols, const HeatmapStyle& style, int scale = 1);
// A (3, rows, cols) plane-major image with values in [0, 1], as rgb_image shows it.
Raster rgb_raster(const float* chw, int rows, int cols, int scale = 1);
// Cells side by side, `per_row` to a row, `gap` pixels of `background` between them (transparent:
// no colour of a heat map or image can be mistaken for the gaps).
Raster grid_raster(const std::vector<Raster>& cells, int per_row, int gap = 2, ImU32 background = IM_COL32(0, 0, 0, 0));
// The on-screen zoom as a whole number of pixels per value (1 to 64).
int figure_scale(float zoom);
// The PNG file's bytes (core encode_png).
std::vector<std::uint8_t> png_bytes(const Raster& r);
// "<lesson>-<figure>.png" with only letters, digits, '-' and '_' ("tensors-input.png").
std::string figure_file_name(const std::string& figure);
// Encodes and saves; returns what happened ("downloaded as x.png", "saved to x.png" or
// "Could not save x.png: ..."), which is also shown for a few seconds and announced.
std::string save_png(const std::string& figure, const Raster& r);

// --- Hooks around a figure's item (the kit's widgets call them) ------------------------------------
using RasterMaker = std::function<Raster(int scale)>;
// Before the figure's ImGui item: its name for the text view ("Save input as PNG").
void figure_item_label(const char* id);
// After it: the right-click menu, and a keyboard / text view press saves at the shown size.
void figure_item_menu(const char* id, float zoom, const RasterMaker& make);
// After a line plot's item: the same, saving the plot's rectangle of the screen.
void plot_item_menu(const char* id);

// `count` images of rows x cols values from `data` (one after another), `per_row` to a row, with
// optional captions: heat maps (gray in [0, 1], or diverging with an automatic symmetric range)
// whose menus also save the whole grid as one PNG.
void image_grid(const char* id, const float* data, int count, int rows, int cols, float zoom, bool diverging,
                int per_row, const std::vector<std::string>& captions = {});

// --- Screen captures (the host) ------------------------------------------------------------------
// Saves the whole window as it will look once the menu that asked has closed.
void request_view_capture();
// Whether a capture waits for the next frames (widgets then leave out hover lines).
bool capture_pending();
// Reads a rectangle of the framebuffer (GL convention: x, y from the bottom left) as RGBA.
using FramebufferReader = void (*)(int x, int y, int width, int height, std::uint8_t* rgba);
// The host calls it every frame after rendering and before the buffer swap.
void after_render(FramebufferReader read, int framebuffer_width, int framebuffer_height);
// The last save's message for a few seconds, at the bottom of the window (the host calls it
// once per frame, after the lesson).
void draw_figure_status();
// The last message (tests).
const std::string& last_figure_message();

}  // namespace aelab::ui
