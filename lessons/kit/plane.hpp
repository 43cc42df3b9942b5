// aelab lesson kit: a square view of the plane for the 2-D lessons (a regularised autoencoder's
// field around a curve, a GAN's samples and discriminator). In data coordinates it draws a
// scalar field as coloured cells behind everything, point sets, arrows (a vector field or
// gradients), curves, and reports the mouse (hover, a press or drag that draws data).
//
//     kit::PlaneCanvas plane("field", {-2.5f, 2.5f, -2.5f, 2.5f});
//     plane.field(prob.data(), 32, 32, ui::Colormap::diverging, -1, 1);
//     plane.points(real.data(), n, kit::palette::series[1]);
//     plane.arrows(grid.data(), delta.data(), m, kit::palette::window);
//     if (plane.pressed()) stroke.push_back(plane.mouse());
//
// The canvas is drawn as it is built and finished (its frame and axes) by the destructor.
#pragma once
#include <cstddef>

#include <imgui.h>

#include "widgets.hpp"

namespace aelab::kit {

struct PlaneRange {
    float xmin = -2.5f, xmax = 2.5f, ymin = -2.5f, ymax = 2.5f;
};

class PlaneCanvas {
public:
    // `size` in pixels; 0 fits the available width (at most 480 px, at least 160 px).
    PlaneCanvas(const char* id, const PlaneRange& range, float size = 0.0f);
    ~PlaneCanvas();
    PlaneCanvas(const PlaneCanvas&) = delete;
    PlaneCanvas& operator=(const PlaneCanvas&) = delete;

    ImVec2 to_screen(float x, float y) const;
    ImVec2 to_data(ImVec2 screen) const;
    float size() const { return size_; }
    const PlaneRange& range() const { return range_; }

    // rows x cols values at the cell centres of a grid over the range (toy2d::grid_points' order:
    // row 0 at the top), coloured by `cmap` over [vmin, vmax] with opacity `alpha`.
    void field(const float* values, int rows, int cols, ui::Colormap cmap, float vmin, float vmax, float alpha = 1.0f);
    // n points given as x,y pairs. Non-finite points are skipped.
    void points(const float* xy, std::size_t n, ImU32 color, float radius = 2.5f);
    // n arrows from (x, y) to (x + scale * dx, y + scale * dy), each at most max_length_px long on
    // screen (0: no limit).
    void arrows(const float* from_xy, const float* d_xy, std::size_t n, ImU32 color, float scale = 1.0f,
                float max_length_px = 0.0f);
    // A polyline of n x,y vertices.
    void curve(const float* xy, std::size_t n, ImU32 color, bool closed = false, float thickness = 2.0f);
    void marker(float x, float y, ImU32 color, float radius = 6.0f);

    bool hovered() const { return hovered_; }
    // The left button is down on the canvas (pressed here, possibly dragging) this frame.
    bool pressed() const { return pressed_; }
    // The mouse in data coordinates (valid while hovered or pressed).
    ImVec2 mouse() const { return mouse_; }

private:
    PlaneRange range_;
    ImVec2 origin_;
    float size_;
    bool hovered_ = false, pressed_ = false;
    ImVec2 mouse_;
    ImDrawList* dl_;
};

}  // namespace aelab::kit
