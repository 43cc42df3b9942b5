#include "figure_export.hpp"

#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>

#include "a11y.hpp"
#include "aelab/error.hpp"
#include "aelab/png_write.hpp"
#include "platform.hpp"

namespace aelab::ui {

// --- Pixels ------------------------------------------------------------------------------------------
namespace {
void check_size(const char* what, int rows, int cols, int scale) {
    if (rows <= 0 || cols <= 0) throw Error(std::string(what) + ": nothing to save (an empty figure)");
    if (scale < 1 || scale > 64) throw Error(std::string(what) + ": scale " + std::to_string(scale) + " is not from 1 to 64");
    const std::int64_t w = std::int64_t(cols) * scale, h = std::int64_t(rows) * scale;
    if (w > kMaxPngSide || h > kMaxPngSide || w * h > kMaxPngPixels)
        throw Error(std::string(what) + ": " + std::to_string(w) + " x " + std::to_string(h) + " pixels is too large for a PNG");
}

// Repeats each pixel of a cols x rows RGBA image `scale` x `scale` times.
Raster scaled(const std::vector<std::uint8_t>& px, int rows, int cols, int scale) {
    Raster r;
    r.width = cols * scale;
    r.height = rows * scale;
    r.rgba.resize(std::size_t(r.width) * r.height * 4);
    for (int y = 0; y < r.height; ++y)
        for (int x = 0; x < r.width; ++x)
            std::memcpy(&r.rgba[(std::size_t(y) * r.width + x) * 4], &px[(std::size_t(y / scale) * cols + x / scale) * 4], 4);
    return r;
}
}  // namespace

Raster heatmap_raster(const float* data, int rows, int cols, const HeatmapStyle& style, int scale) {
    check_size("heat map", rows, cols, scale);
    if (!data) throw Error("heat map: no values");
    float lo, hi;
    heatmap_range(data, rows, cols, style, lo, hi);
    std::vector<std::uint8_t> px(std::size_t(rows) * cols * 4);
    for (std::size_t i = 0; i < std::size_t(rows) * cols; ++i) {
        const ImU32 c = colormap(style.cmap, data[i], lo, hi);
        px[i * 4 + 0] = std::uint8_t((c >> IM_COL32_R_SHIFT) & 0xFF);
        px[i * 4 + 1] = std::uint8_t((c >> IM_COL32_G_SHIFT) & 0xFF);
        px[i * 4 + 2] = std::uint8_t((c >> IM_COL32_B_SHIFT) & 0xFF);
        px[i * 4 + 3] = std::uint8_t((c >> IM_COL32_A_SHIFT) & 0xFF);
    }
    return scaled(px, rows, cols, scale);
}

Raster rgb_raster(const float* chw, int rows, int cols, int scale) {
    check_size("image", rows, cols, scale);
    if (!chw) throw Error("image: no values");
    const std::size_t plane = std::size_t(rows) * cols;
    auto u8 = [](float x) { return static_cast<std::uint8_t>(std::lround(std::clamp(std::isfinite(x) ? x : 0.0f, 0.0f, 1.0f) * 255.0f)); };
    std::vector<std::uint8_t> px(plane * 4);
    for (std::size_t i = 0; i < plane; ++i) {
        px[i * 4 + 0] = u8(chw[i]);
        px[i * 4 + 1] = u8(chw[plane + i]);
        px[i * 4 + 2] = u8(chw[2 * plane + i]);
        px[i * 4 + 3] = 255;
    }
    return scaled(px, rows, cols, scale);
}

Raster grid_raster(const std::vector<Raster>& cells, int per_row, int gap, ImU32 background) {
    if (cells.empty()) throw Error("image grid: nothing to save (no images)");
    per_row = std::max(1, std::min(per_row, int(cells.size())));
    gap = std::clamp(gap, 0, 64);
    const int grid_rows = (int(cells.size()) + per_row - 1) / per_row;
    std::vector<int> col_w(std::size_t(per_row), 0), row_h(std::size_t(grid_rows), 0);
    for (std::size_t i = 0; i < cells.size(); ++i) {
        col_w[i % per_row] = std::max(col_w[i % per_row], cells[i].width);
        row_h[i / per_row] = std::max(row_h[i / per_row], cells[i].height);
    }
    std::int64_t w = std::int64_t(gap) * (per_row - 1), h = std::int64_t(gap) * (grid_rows - 1);
    for (int v : col_w) w += v;
    for (int v : row_h) h += v;
    if (w < 1 || h < 1 || w > kMaxPngSide || h > kMaxPngSide || w * h > kMaxPngPixels)
        throw Error("image grid: " + std::to_string(w) + " x " + std::to_string(h) + " pixels is too large for a PNG");
    Raster r;
    r.width = int(w);
    r.height = int(h);
    r.rgba.resize(std::size_t(w) * h * 4);
    const std::uint8_t bg[4] = {std::uint8_t(background >> IM_COL32_R_SHIFT), std::uint8_t(background >> IM_COL32_G_SHIFT),
                                std::uint8_t(background >> IM_COL32_B_SHIFT), std::uint8_t(background >> IM_COL32_A_SHIFT)};
    for (std::size_t i = 0; i < r.rgba.size(); i += 4) std::memcpy(&r.rgba[i], bg, 4);
    int y0 = 0;
    for (int gr = 0; gr < grid_rows; ++gr) {
        int x0 = 0;
        for (int gc = 0; gc < per_row; ++gc) {
            const std::size_t k = std::size_t(gr) * per_row + gc;
            if (k < cells.size()) {
                const Raster& c = cells[k];
                for (int y = 0; y < c.height; ++y)
                    std::memcpy(&r.rgba[(std::size_t(y0 + y) * r.width + x0) * 4], &c.rgba[std::size_t(y) * c.width * 4],
                                std::size_t(c.width) * 4);
            }
            x0 += col_w[std::size_t(gc)] + gap;
        }
        y0 += row_h[std::size_t(gr)] + gap;
    }
    return r;
}

int figure_scale(float zoom) { return std::clamp(static_cast<int>(std::lround(std::isfinite(zoom) ? zoom : 1.0f)), 1, 64); }

std::vector<std::uint8_t> png_bytes(const Raster& r) {
    return encode_png(r.rgba, r.width, r.height, 4);
}

namespace {
std::string safe_name(const std::string& s) {
    std::string out;
    for (char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (ok) out += c;
        else if (!out.empty() && out.back() != '-') out += '-';
        if (out.size() >= 60) break;
    }
    while (!out.empty() && out.back() == '-') out.pop_back();
    return out;
}

// A widget id as a name: "##input" and "input##2" both give "input".
std::string figure_name(const char* id) {
    std::string s = id ? id : "";
    while (!s.empty() && s[0] == '#') s.erase(0, 1);
    const auto hashes = s.find("##");
    if (hashes != std::string::npos) s.erase(hashes);
    return s.empty() ? std::string("figure") : s;
}

struct Status {
    std::string message;
    double shown_at = -100.0;
};
Status& status() {
    static Status s;
    return s;
}

void report(const std::string& message, bool failed) {
    status().message = message;
    status().shown_at = ImGui::GetCurrentContext() ? ImGui::GetTime() : 0.0;
    a11y::announce(message, failed);
}

// An image grid being drawn (image_grid): its cells' names and its "whole grid" menu item.
struct GridContext {
    std::string name;
    int index = 0;
    bool save_whole = false;
};
GridContext* g_grid = nullptr;

std::string current_figure_name(const char* id) {
    if (g_grid) return g_grid->name + "-" + std::to_string(g_grid->index + 1);
    return figure_name(id);
}
}  // namespace

std::string figure_file_name(const std::string& figure) {
    std::string lesson = safe_name(platform::param("lesson"));
    std::string fig = safe_name(figure);
    if (fig.empty()) fig = "figure";
    return (lesson.empty() ? std::string("aelab") : lesson) + "-" + fig + ".png";
}

std::string save_png(const std::string& figure, const Raster& r) {
    std::string name = figure_file_name(figure);
    try {
        const std::vector<std::uint8_t> bytes = png_bytes(r);
#ifdef __EMSCRIPTEN__
        const bool files_on_disk = false;  // a download: the browser names duplicates itself
#else
        const bool files_on_disk = true;
#endif
        if (files_on_disk) {  // natively, never overwrite an earlier figure
            const std::string stem = name.substr(0, name.size() - 4);
            for (int n = 2; n < 1000 && std::ifstream(name).good(); ++n) name = stem + "-" + std::to_string(n) + ".png";
        }
        std::string where = platform::save_file(name, bytes);
        where += " (" + std::to_string(r.width) + " x " + std::to_string(r.height) + " pixels)";
        report("Figure " + where, false);
        return status().message;
    } catch (const std::exception& e) {
        report("Could not save " + name + ": " + e.what(), true);
        return status().message;
    }
}

// --- Hooks around figures ---------------------------------------------------------------------------
void figure_item_label(const char* id) {
    if (platform::hidden("export") || !a11y::capturing()) return;
    a11y::next_item(a11y::Role::button, false, "Save " + current_figure_name(id) + " as PNG");
}

void figure_item_menu(const char* id, float zoom, const RasterMaker& make) {
    if (platform::hidden("export")) return;
    const ImGuiID item = ImGui::GetItemID();
    const std::string name = current_figure_name(id);
    const int scale = figure_scale(zoom);
    auto save = [&](int s) {
        try {
            save_png(name, make(s));
        } catch (const std::exception& e) {  // the raster itself (sizes): a message, no crash
            report("Could not save " + figure_file_name(name) + ": " + e.what(), true);
        }
    };
    if (item != 0 && GImGui->NavActivateId == item) save(scale);  // Space / Enter, or the text view
    if (ImGui::IsItemFocused() && !GImGui->NavDisableHighlight && !capture_pending())
        ImGui::SetTooltip("Space: save %s as PNG (right-click for more)", name.c_str());
    if (ImGui::BeginPopupContextItem("figure-menu")) {
        ImGui::TextDisabled("%s", name.c_str());
        if (ImGui::MenuItem(format("Save as PNG (as shown, %d px per value)", scale).c_str())) save(scale);
        if (scale != 1 && ImGui::MenuItem("Save as PNG, 1 pixel per value")) save(1);
        if (g_grid && ImGui::MenuItem(format("Save the whole %s grid as PNG", g_grid->name.c_str()).c_str()))
            g_grid->save_whole = true;
        ImGui::EndPopup();
        a11y::resume();
    }
}

// --- Screen captures ------------------------------------------------------------------------------------
namespace {
struct Capture {
    bool pending = false;
    std::string name;
    ImGuiID item = 0;         // 0: the whole view
    ImRect rect;              // logical pixels, updated while the item is drawn
    int frames_to_wait = 0;   // frames rendered before the one read (a closing menu must be gone)
    int last_seen_frame = -1;
};
Capture& capture() {
    static Capture c;
    return c;
}
}  // namespace

bool capture_pending() { return capture().pending; }

void request_view_capture() {
    Capture& c = capture();
    c = Capture{};
    c.pending = true;
    c.name = "view";
    c.frames_to_wait = 2;
}

void plot_item_menu(const char* id) {
    if (platform::hidden("export")) return;
    const ImGuiID item = ImGui::GetItemID();
    const std::string name = current_figure_name(id);
    Capture& c = capture();
    auto request = [&] {
        c = Capture{};
        c.pending = true;
        c.name = name;
        c.item = item;
        c.frames_to_wait = 2;
    };
    if (c.pending && c.item == item) {  // where it is on screen in the frame that will be read
        ImRect r(ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
        r.ClipWith(ImGui::GetCurrentWindow()->ClipRect);  // scrolled partly out of view: the part in view
        c.rect = r;
        c.last_seen_frame = ImGui::GetFrameCount();
    }
    if (item != 0 && GImGui->NavActivateId == item) request();
    if (ImGui::IsItemFocused() && !GImGui->NavDisableHighlight && !capture_pending())
        ImGui::SetTooltip("Space: save %s as PNG (right-click for the menu)", name.c_str());
    if (ImGui::BeginPopupContextItem("figure-menu")) {
        ImGui::TextDisabled("%s", name.c_str());
        if (ImGui::MenuItem("Save as PNG (as shown on screen)")) request();
        ImGui::EndPopup();
        a11y::resume();
    }
}

void after_render(FramebufferReader read, int fb_width, int fb_height) {
    Capture& c = capture();
    if (!c.pending) return;
    if (c.frames_to_wait-- > 0) return;
    c.pending = false;
    if (!read || fb_width <= 0 || fb_height <= 0) {
        report("Could not save the " + c.name + ": no picture to read", true);
        return;
    }
    ImRect r(0, 0, float(fb_width), float(fb_height));  // the whole view
    if (c.item != 0) {
        if (c.last_seen_frame != ImGui::GetFrameCount()) {
            report("Could not save " + c.name + ": it is no longer on screen", true);
            return;
        }
        const ImVec2 k = ImGui::GetIO().DisplayFramebufferScale;
        r = ImRect(std::floor(c.rect.Min.x * k.x), std::floor(c.rect.Min.y * k.y), std::ceil(c.rect.Max.x * k.x),
                   std::ceil(c.rect.Max.y * k.y));
        r.ClipWith(ImRect(0, 0, float(fb_width), float(fb_height)));
    }
    const int w = int(r.GetWidth()), h = int(r.GetHeight());
    if (w <= 0 || h <= 0) {
        report("Could not save " + c.name + ": it is not in view (scroll to it first)", true);
        return;
    }
    if (w > kMaxPngSide || h > kMaxPngSide) {
        report("Could not save " + c.name + ": the window is too large for a PNG", true);
        return;
    }
    Raster out;
    out.width = w;
    out.height = h;
    std::vector<std::uint8_t> px(std::size_t(w) * h * 4);
    read(int(r.Min.x), fb_height - int(r.Max.y), w, h, px.data());  // GL rows go bottom up
    out.rgba.resize(px.size());
    for (int y = 0; y < h; ++y)
        std::memcpy(&out.rgba[std::size_t(y) * w * 4], &px[std::size_t(h - 1 - y) * w * 4], std::size_t(w) * 4);
    for (std::size_t i = 3; i < out.rgba.size(); i += 4) out.rgba[i] = 255;  // what was seen: opaque
    save_png(c.name, out);
}

void draw_figure_status() {
    const Status& s = status();
    if (s.message.empty() || capture_pending() || ImGui::GetTime() - s.shown_at > 4.0) return;
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImDrawList* dl = ImGui::GetForegroundDrawList();
    const ImVec2 pad(8, 5), size = ImGui::CalcTextSize(s.message.c_str());
    const ImVec2 a(vp->WorkPos.x + 8, vp->WorkPos.y + vp->WorkSize.y - size.y - 2 * pad.y - 8);
    const ImVec2 b(a.x + size.x + 2 * pad.x, a.y + size.y + 2 * pad.y);
    dl->AddRectFilled(a, b, ImGui::GetColorU32(ImGuiCol_PopupBg), 4.0f);
    dl->AddRect(a, b, ImGui::GetColorU32(ImGuiCol_Border), 4.0f);
    dl->AddText(ImVec2(a.x + pad.x, a.y + pad.y), ImGui::GetColorU32(ImGuiCol_Text), s.message.c_str());
}

const std::string& last_figure_message() { return status().message; }

// --- Image grids --------------------------------------------------------------------------------------
void image_grid(const char* id, const float* data, int count, int rows, int cols, float zoom, bool diverging,
                int per_row, const std::vector<std::string>& captions) {
    HeatmapStyle hs;
    hs.zoom = zoom;
    if (diverging) hs.cmap = Colormap::diverging, hs.auto_range = true;
    per_row = std::max(1, per_row);
    GridContext grid;
    grid.name = figure_name(id);
    GridContext* outer = g_grid;
    g_grid = &grid;
    ImGui::PushID(id);
    for (int i = 0; i < count; ++i) {
        if (i % per_row) ImGui::SameLine();
        ImGui::BeginGroup();
        ImGui::PushID(i);
        grid.index = i;
        heatmap("img", data + std::size_t(i) * rows * cols, rows, cols, hs);
        if (std::size_t(i) < captions.size()) ImGui::TextDisabled("%s", captions[std::size_t(i)].c_str());
        ImGui::PopID();
        ImGui::EndGroup();
    }
    g_grid = outer;
    if (count > 1 && !platform::hidden("export")) {
        a11y::next_item(a11y::Role::button, false, "Save the whole " + grid.name + " grid as PNG");
        if (small_button("Save grid PNG")) grid.save_whole = true;
        if (ImGui::IsItemHovered()) {
            ImGui::SetTooltip("All %d images in one PNG, as shown (%d px per value)", count, figure_scale(zoom));
            a11y::resume();
        }
    }
    ImGui::PopID();
    if (grid.save_whole) {
        try {
            std::vector<Raster> cells;
            for (int i = 0; i < count; ++i)
                cells.push_back(heatmap_raster(data + std::size_t(i) * rows * cols, rows, cols, hs, figure_scale(zoom)));
            save_png(grid.name + "-grid", grid_raster(cells, per_row, 2));
        } catch (const std::exception& e) {
            report("Could not save " + figure_file_name(grid.name + "-grid") + ": " + e.what(), true);
        }
    }
}

}  // namespace aelab::ui
