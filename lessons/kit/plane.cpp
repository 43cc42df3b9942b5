// aelab lesson kit: a square view of the plane (see plane.hpp).
#include "plane.hpp"

#include <algorithm>
#include <cmath>

namespace aelab::kit {

PlaneCanvas::PlaneCanvas(const char* id, const PlaneRange& range, float size) : range_(range) {
    if (!(range_.xmax > range_.xmin)) range_.xmax = range_.xmin + 1;
    if (!(range_.ymax > range_.ymin)) range_.ymax = range_.ymin + 1;
    size_ = size > 0 ? size : std::clamp(ImGui::GetContentRegionAvail().x, 160.0f, 480.0f);
    ImGui::PushID(id);
    origin_ = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("plane", ImVec2(size_, size_));
    hovered_ = ImGui::IsItemHovered();
    pressed_ = ImGui::IsItemActive() && ImGui::IsMouseDown(ImGuiMouseButton_Left);
    mouse_ = to_data(ImGui::GetIO().MousePos);
    dl_ = ImGui::GetWindowDrawList();
    dl_->AddRectFilled(origin_, ImVec2(origin_.x + size_, origin_.y + size_), ImGui::GetColorU32(ImGuiCol_FrameBg));
    dl_->PushClipRect(origin_, ImVec2(origin_.x + size_, origin_.y + size_), true);
    // The axes through the origin, when in view.
    const ImU32 axis = IM_COL32(128, 128, 128, 90);
    if (range_.xmin < 0 && range_.xmax > 0)
        dl_->AddLine(to_screen(0, range_.ymin), to_screen(0, range_.ymax), axis);
    if (range_.ymin < 0 && range_.ymax > 0)
        dl_->AddLine(to_screen(range_.xmin, 0), to_screen(range_.xmax, 0), axis);
}

PlaneCanvas::~PlaneCanvas() {
    dl_->PopClipRect();
    dl_->AddRect(origin_, ImVec2(origin_.x + size_, origin_.y + size_), ImGui::GetColorU32(ImGuiCol_Border));
    if (hovered_) {
        const std::string at = ui::format("(%.2f, %.2f)", mouse_.x, mouse_.y);
        dl_->AddText(ImVec2(origin_.x + 4, origin_.y + size_ - ImGui::GetTextLineHeight() - 2),
                     ImGui::GetColorU32(ImGuiCol_Text), at.c_str());
    }
    ImGui::PopID();
}

ImVec2 PlaneCanvas::to_screen(float x, float y) const {
    return ImVec2(origin_.x + (x - range_.xmin) / (range_.xmax - range_.xmin) * size_,
                  origin_.y + (range_.ymax - y) / (range_.ymax - range_.ymin) * size_);
}

ImVec2 PlaneCanvas::to_data(ImVec2 s) const {
    return ImVec2(range_.xmin + (s.x - origin_.x) / size_ * (range_.xmax - range_.xmin),
                  range_.ymax - (s.y - origin_.y) / size_ * (range_.ymax - range_.ymin));
}

void PlaneCanvas::field(const float* values, int rows, int cols, ui::Colormap cmap, float vmin, float vmax, float alpha) {
    if (rows < 1 || cols < 1) return;
    const float cw = size_ / cols, ch = size_ / rows;
    const int a = std::clamp(static_cast<int>(alpha * 255.0f + 0.5f), 0, 255);
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) {
            const float v = values[std::size_t(r) * cols + c];
            if (!std::isfinite(v)) continue;
            const ImU32 col = (ui::colormap(cmap, v, vmin, vmax) & ~IM_COL32_A_MASK) | (ImU32(a) << IM_COL32_A_SHIFT);
            const ImVec2 p0(origin_.x + c * cw, origin_.y + r * ch);
            dl_->AddRectFilled(p0, ImVec2(p0.x + cw + 0.5f, p0.y + ch + 0.5f), col);
        }
}

void PlaneCanvas::points(const float* xy, std::size_t n, ImU32 color, float radius) {
    for (std::size_t i = 0; i < n; ++i)
        if (std::isfinite(xy[2 * i]) && std::isfinite(xy[2 * i + 1]))
            dl_->AddCircleFilled(to_screen(xy[2 * i], xy[2 * i + 1]), radius, color, 8);
}

void PlaneCanvas::arrows(const float* from_xy, const float* d_xy, std::size_t n, ImU32 color, float scale,
                         float max_length_px) {
    for (std::size_t i = 0; i < n; ++i) {
        const float x = from_xy[2 * i], y = from_xy[2 * i + 1];
        const float dx = d_xy[2 * i] * scale, dy = d_xy[2 * i + 1] * scale;
        if (!std::isfinite(x) || !std::isfinite(y) || !std::isfinite(dx) || !std::isfinite(dy)) continue;
        const ImVec2 a = to_screen(x, y);
        ImVec2 b = to_screen(x + dx, y + dy);
        float vx = b.x - a.x, vy = b.y - a.y, len = std::hypot(vx, vy);
        if (len < 0.5f) {
            dl_->AddCircleFilled(a, 1.0f, color, 4);
            continue;
        }
        if (max_length_px > 0 && len > max_length_px) {
            vx *= max_length_px / len, vy *= max_length_px / len, len = max_length_px;
            b = ImVec2(a.x + vx, a.y + vy);
        }
        dl_->AddLine(a, b, color, 1.3f);
        // The head: two short strokes back from the tip.
        const float ux = vx / len, uy = vy / len, h = std::min(5.0f, 0.4f * len);
        dl_->AddLine(b, ImVec2(b.x - h * (ux - 0.5f * uy), b.y - h * (uy + 0.5f * ux)), color, 1.3f);
        dl_->AddLine(b, ImVec2(b.x - h * (ux + 0.5f * uy), b.y - h * (uy - 0.5f * ux)), color, 1.3f);
    }
}

void PlaneCanvas::curve(const float* xy, std::size_t n, ImU32 color, bool closed, float thickness) {
    if (n == 0) return;
    if (n == 1) return marker(xy[0], xy[1], color, thickness + 1);
    std::vector<ImVec2> pts;
    pts.reserve(n);
    for (std::size_t i = 0; i < n; ++i) pts.push_back(to_screen(xy[2 * i], xy[2 * i + 1]));
    dl_->AddPolyline(pts.data(), static_cast<int>(pts.size()), color, closed ? ImDrawFlags_Closed : 0, thickness);
}

void PlaneCanvas::marker(float x, float y, ImU32 color, float radius) {
    dl_->AddCircle(to_screen(x, y), radius, color, 16, 2.0f);
}

}  // namespace aelab::kit
