#include "palette.hpp"

#include "a11y.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace aelab::kit {

// The dark theme's palette (apply_theme overwrites it for the others).
namespace palette {
ImU32 window = IM_COL32(255, 200, 0, 255);
ImU32 current = IM_COL32(255, 110, 40, 255);
ImU32 done = IM_COL32(80, 200, 120, 255);
ImU32 padding = IM_COL32(90, 140, 255, 255);
ImU32 argmax = IM_COL32(255, 80, 60, 255);
ImU32 switches = IM_COL32(0, 200, 255, 255);
ImU32 series[kSeriesCount] = {IM_COL32(255, 150, 30, 255),  IM_COL32(0, 190, 255, 255),  IM_COL32(120, 220, 120, 255),
                              IM_COL32(220, 120, 220, 255), IM_COL32(240, 230, 90, 255), IM_COL32(200, 200, 200, 255)};
ImU32 reference = IM_COL32(200, 200, 200, 255);
ImU32 error = IM_COL32(255, 80, 60, 255);
ImU32 error_bg = IM_COL32(80, 18, 18, 255);
ImU32 text_warning = IM_COL32(255, 191, 77, 255);
ImU32 text_good = IM_COL32(128, 230, 128, 255);
ImU32 text_error = IM_COL32(255, 140, 130, 255);
ImU32 text_accent = IM_COL32(235, 215, 140, 255);
}  // namespace palette

ImU32 palette::class_color(int label) {
    static const ImU32 colors[10] = {IM_COL32(31, 119, 180, 255),  IM_COL32(255, 127, 14, 255), IM_COL32(44, 160, 44, 255),
                                     IM_COL32(214, 39, 40, 255),   IM_COL32(148, 103, 189, 255), IM_COL32(140, 86, 75, 255),
                                     IM_COL32(227, 119, 194, 255), IM_COL32(127, 127, 127, 255), IM_COL32(188, 189, 34, 255),
                                     IM_COL32(23, 190, 207, 255)};
    return colors[std::clamp(label, 0, 9)];
}

void class_legend(const std::vector<std::string>& class_names) {
    for (std::size_t c = 0; c < class_names.size(); ++c) {
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const float h = ImGui::GetTextLineHeight();
        ImGui::GetWindowDrawList()->AddCircleFilled(ImVec2(p.x + h * 0.5f, p.y + h * 0.5f), h * 0.3f,
                                                    palette::class_color(int(c)));
        ImGui::Dummy(ImVec2(h, h));
        ImGui::SameLine();
        ImGui::Text("%zu %s", c, class_names[c].c_str());
    }
}

namespace {
constexpr float kPad = 8.0f;
}

ImVec2 ScatterFrame::to_screen(float x, float y) const {
    return ImVec2(origin.x + kPad + (x - xmin) / (xmax - xmin) * (size - 2 * kPad),
                  origin.y + size - kPad - (y - ymin) / (ymax - ymin) * (size - 2 * kPad));
}

void ScatterFrame::to_data(ImVec2 s, float& x, float& y) const {
    x = xmin + (s.x - origin.x - kPad) / (size - 2 * kPad) * (xmax - xmin);
    y = ymin + (origin.y + size - kPad - s.y) / (size - 2 * kPad) * (ymax - ymin);
}

ScatterHover class_scatter(const char* id, const std::vector<ClassPoint>& points, const std::vector<std::string>& class_names,
                           const ScatterStyle& style, void (*overlay)(ImDrawList*, const ScatterFrame&, void*),
                           void* overlay_data) {
    ScatterHover out;
    ImGui::PushID(id);
    const float size = style.size;
    ScatterFrame f{ImGui::GetCursorScreenPos(), size, -style.extent, style.extent, -style.extent, style.extent};
    ImGui::InvisibleButton("scatter", ImVec2(size, size));
    const ImVec2 o = f.origin, end(o.x + size, o.y + size);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(o, end, style.light_background ? IM_COL32(250, 250, 250, 255) : ImGui::GetColorU32(ImGuiCol_FrameBg));
    // On the light background the labels are a fixed dark gray (6.6:1 on it), else the theme's.
    const ImU32 label = style.light_background ? IM_COL32(90, 90, 90, 255) : ImGui::GetColorU32(ImGuiCol_TextDisabled);
    if (style.extent <= 0) {
        f.xmin = f.ymin = INFINITY, f.xmax = f.ymax = -INFINITY;
        for (const auto& p : points)
            if (std::isfinite(p.x) && std::isfinite(p.y)) {
                f.xmin = std::min(f.xmin, p.x), f.xmax = std::max(f.xmax, p.x);
                f.ymin = std::min(f.ymin, p.y), f.ymax = std::max(f.ymax, p.y);
            }
        if (!(f.xmin <= f.xmax)) {
            dl->AddText(ImVec2(o.x + kPad, o.y + kPad), label, "no finite points");
            ImGui::PopID();
            return out;
        }
        f.xmax = std::max(f.xmax, f.xmin + 1e-6f), f.ymax = std::max(f.ymax, f.ymin + 1e-6f);
    }
    const ImU32 axis = style.light_background ? IM_COL32(200, 200, 200, 255) : IM_COL32(110, 110, 110, 160);
    dl->PushClipRect(o, end, true);  // an untrained model's points can lie far outside a fixed range
    if (f.xmin < 0 && f.xmax > 0) dl->AddLine(ImVec2(f.to_screen(0, 0).x, o.y), ImVec2(f.to_screen(0, 0).x, end.y), axis);
    if (f.ymin < 0 && f.ymax > 0) dl->AddLine(ImVec2(o.x, f.to_screen(0, 0).y), ImVec2(end.x, f.to_screen(0, 0).y), axis);
    for (const auto& p : points)
        if (std::isfinite(p.x) && std::isfinite(p.y)) dl->AddCircleFilled(f.to_screen(p.x, p.y), 2.4f, palette::class_color(p.label), 8);
    if (overlay) overlay(dl, f, overlay_data);
    dl->PopClipRect();
    dl->AddRect(o, end, ImGui::GetColorU32(ImGuiCol_Border));
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s -> %g .. %g", style.x_label, double(f.xmin), double(f.xmax));
    dl->AddText(ImVec2(o.x + 4, end.y - ImGui::GetTextLineHeight() - 2), label, buf);
    std::snprintf(buf, sizeof buf, "%s ^ %g .. %g", style.y_label, double(f.ymin), double(f.ymax));
    dl->AddText(ImVec2(o.x + 4, o.y + 2), label, buf);
    if (ImGui::IsItemHovered() || ImGui::IsItemActive()) {
        const ImVec2 m = ImGui::GetIO().MousePos;
        f.to_data(m, out.x, out.y);
        out.pressed = ImGui::IsItemActive();
        float best_d = 64.0f;  // within 8 pixels
        for (std::size_t i = 0; i < points.size(); ++i) {
            const ImVec2 s = f.to_screen(points[i].x, points[i].y);
            const float d = (s.x - m.x) * (s.x - m.x) + (s.y - m.y) * (s.y - m.y);
            if (d < best_d) best_d = d, out.point = int(i);
        }
        if (out.point >= 0 && !out.pressed) {
            const ClassPoint& p = points[std::size_t(out.point)];
            dl->AddCircle(f.to_screen(p.x, p.y), 5.0f, style.light_background ? IM_COL32_BLACK : ImGui::GetColorU32(ImGuiCol_Text));
            const bool named = p.label >= 0 && p.label < int(class_names.size());
            ImGui::SetTooltip("test image %d: %s\n%s = %.3g, %s = %.3g", out.point,
                              named ? class_names[std::size_t(p.label)].c_str() : "?", style.x_label, p.x, style.y_label, p.y); a11y::resume();
        }
    }
    ImGui::PopID();
    return out;
}

}  // namespace aelab::kit
