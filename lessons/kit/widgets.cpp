#include "widgets.hpp"

#include "a11y.hpp"

#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <unordered_map>

#include "aelab/npy.hpp"
#include "clipboard.hpp"      // clipboard: Copy reaches the system clipboard in the browser
#include "figure_export.hpp"  // figures saved as PNG (hooks marked "figures:")
#include "palette.hpp"
#include "platform.hpp"
#include "theme.hpp"

namespace aelab::ui {

// --- Textures ------------------------------------------------------------------------------------
namespace {
struct CachedTexture {
    ImTextureID id = nullptr;
    int width = 0, height = 0;
    int last_used_frame = 0;
};
TextureBackend g_backend{};
std::unordered_map<ImGuiID, CachedTexture> g_textures;
std::vector<std::uint8_t> g_pixels;  // scratch RGBA buffer, reused across frames

// The texture for widget `id`, (re)created at the right size and filled with g_pixels.
ImTextureID upload(ImGuiID id, int width, int height) {
    if (!g_backend.create) return nullptr;
    CachedTexture& t = g_textures[id];
    if (t.id && (t.width != width || t.height != height)) {
        g_backend.destroy(t.id);
        t.id = nullptr;
    }
    if (!t.id) {
        t.id = g_backend.create(width, height);
        t.width = width;
        t.height = height;
    }
    g_backend.update(t.id, g_pixels.data(), width, height);
    t.last_used_frame = ImGui::GetFrameCount();
    return t.id;
}
}  // namespace

void set_texture_backend(const TextureBackend& backend) { g_backend = backend; }

void collect_textures() {
    const int now = ImGui::GetFrameCount();
    for (auto it = g_textures.begin(); it != g_textures.end();) {
        if (now - it->second.last_used_frame > 120) {
            if (g_backend.destroy) g_backend.destroy(it->second.id);
            it = g_textures.erase(it);
        } else {
            ++it;
        }
    }
}

// --- Colour maps -------------------------------------------------------------------------------
ImU32 colormap(Colormap cmap, float v, float vmin, float vmax) {
    float t = vmax > vmin ? (v - vmin) / (vmax - vmin) : 0.5f;
    if (!std::isfinite(t)) return IM_COL32(255, 0, 255, 255);  // NaN/Inf stand out in magenta
    t = std::clamp(t, 0.0f, 1.0f);
    auto u8 = [](float x) { return static_cast<int>(std::lround(std::clamp(x, 0.0f, 1.0f) * 255.0f)); };
    switch (cmap) {
        case Colormap::gray: return IM_COL32(u8(t), u8(t), u8(t), 255);
        case Colormap::red: return IM_COL32(u8(t), 0, 0, 255);
        case Colormap::green: return IM_COL32(0, u8(t), 0, 255);
        case Colormap::blue: return IM_COL32(0, 0, u8(t), 255);
        case Colormap::diverging: {
            // Blue (0.23, 0.30, 0.75) -> white -> red (0.71, 0.02, 0.15), linear in each half.
            float s = 2.0f * t - 1.0f;
            if (s < 0) {
                float a = -s;
                return IM_COL32(u8(1 - a * 0.77f), u8(1 - a * 0.70f), u8(1 - a * 0.25f), 255);
            }
            return IM_COL32(u8(1 - s * 0.29f), u8(1 - s * 0.98f), u8(1 - s * 0.85f), 255);
        }
    }
    return IM_COL32_WHITE;
}

namespace {
void data_range(const float* data, int n, const HeatmapStyle& style, float& lo, float& hi) {
    lo = style.vmin;
    hi = style.vmax;
    if (!style.auto_range) return;
    lo = INFINITY;
    hi = -INFINITY;
    for (int i = 0; i < n; ++i)
        if (std::isfinite(data[i])) lo = std::min(lo, data[i]), hi = std::max(hi, data[i]);
    if (lo > hi) lo = hi = 0;
    if (style.cmap == Colormap::diverging) {
        float m = std::max(std::fabs(lo), std::fabs(hi));
        lo = -m;
        hi = m;
    }
    if (lo == hi) lo -= 1, hi += 1;
}
}  // namespace

// figures: the same range for saved heat maps (figure_export.hpp)
void heatmap_range(const float* data, int rows, int cols, const HeatmapStyle& style, float& lo, float& hi) {
    data_range(data, rows * cols, style, lo, hi);
}

namespace {

void draw_highlights(ImVec2 origin, float cw, float ch, const std::vector<Highlight>& highlights) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    for (const auto& h : highlights) {
        ImVec2 a(origin.x + h.col0 * cw, origin.y + h.row0 * ch), b(origin.x + h.col1 * cw, origin.y + h.row1 * ch);
        dl->AddRect(ImVec2(a.x - 1, a.y - 1), ImVec2(b.x + 1, b.y + 1), IM_COL32(0, 0, 0, 200), 0, 0, 4.0f);
        dl->AddRect(a, b, h.color, 0, 0, 2.0f);
    }
}

Hover item_hover(int rows, int cols, float cw, float ch) {
    Hover h;
    if (!ImGui::IsItemHovered()) return h;
    ImVec2 m = ImGui::GetIO().MousePos, o = ImGui::GetItemRectMin();
    h.row = std::clamp(static_cast<int>((m.y - o.y) / ch), 0, rows - 1);
    h.col = std::clamp(static_cast<int>((m.x - o.x) / cw), 0, cols - 1);
    h.active = true;
    h.clicked = ImGui::IsMouseClicked(ImGuiMouseButton_Left);
    return h;
}

// An image-sized item: the texture if there is a backend, a blank area otherwise (tests).
void image_item(const char* id, ImTextureID tex, ImVec2 size) {
    ImVec2 pos = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton(id, size);
    if (tex) ImGui::GetWindowDrawList()->AddImage(tex, pos, ImVec2(pos.x + size.x, pos.y + size.y));
    ImGui::GetWindowDrawList()->AddRect(ImVec2(pos.x - 1, pos.y - 1), ImVec2(pos.x + size.x + 1, pos.y + size.y + 1),
                                        ImGui::GetColorU32(ImGuiCol_Border));
}
// --- Words for the text view (a11y.hpp) -------------------------------------------------------------
// A widget id as a name: "##input" and "input" both give "input".
std::string shown_name(const char* id) {
    std::string s = id ? id : "";
    while (!s.empty() && s[0] == '#') s.erase(0, 1);
    return s.empty() ? std::string("image") : s;
}

void describe_plane(const char* id, const float* data, int rows, int cols, const HeatmapStyle& style, float lo, float hi) {
    float mn = INFINITY, mx = -INFINITY;
    for (int i = 0; i < rows * cols; ++i)
        if (std::isfinite(data[i])) mn = std::min(mn, data[i]), mx = std::max(mx, data[i]);
    const float k = style.value_scale;
    std::string what = style.cmap == Colormap::gray ? "gray image" : style.cmap == Colormap::diverging ? "heat map, blue negative, red positive" : "heat map";
    std::string text = format("%s: %s, %d x %d", shown_name(id).c_str(), what.c_str(), rows, cols);
    if (mn <= mx) text += ", values from " + fmt_num(mn * k) + " to " + fmt_num(mx * k);
    text += ", colour scale " + fmt_num(lo * k) + " to " + fmt_num(hi * k);
    if (rows * cols <= 64) {  // small enough to read out in full
        std::vector<std::vector<std::string>> cells;
        for (int r = 0; r < rows; ++r) {
            cells.emplace_back();
            for (int c = 0; c < cols; ++c) cells.back().push_back(fmt_num(data[r * cols + c] * k));
        }
        a11y::table(text, cells);
    } else {
        a11y::image(text);
    }
}

void describe_grid(const char* id, const std::vector<std::string>& texts, int rows, int cols, const std::vector<CellMark>& marks) {
    std::string caption = format("%s: %d x %d numbers", shown_name(id).c_str(), rows, cols);
    for (const auto& m : marks)
        if (m.row >= 0 && m.row < rows && m.col >= 0 && m.col < cols)
            caption += format(", marked [%d, %d] = %s", m.row, m.col, texts[std::size_t(m.row) * cols + m.col].c_str());
    if (rows * cols > 400) {  // a 28 x 28 image: the size and the marked cells, not 784 numbers
        a11y::image(caption);
        return;
    }
    std::vector<std::vector<std::string>> cells;
    for (int r = 0; r < rows; ++r) cells.emplace_back(texts.begin() + std::ptrdiff_t(r) * cols, texts.begin() + std::ptrdiff_t(r + 1) * cols);
    a11y::table(caption, cells);
}
}  // namespace

Hover heatmap(const char* id, const float* data, int rows, int cols, const HeatmapStyle& style,
              const std::vector<Highlight>& highlights) {
    if (rows <= 0 || cols <= 0) {
        ImGui::TextDisabled("(empty)");
        return {};
    }
    ImGui::PushID(id);
    float lo, hi;
    data_range(data, rows * cols, style, lo, hi);
    g_pixels.resize(std::size_t(rows) * cols * 4);
    for (int i = 0; i < rows * cols; ++i) {
        ImU32 c = colormap(style.cmap, data[i], lo, hi);
        std::memcpy(&g_pixels[std::size_t(i) * 4], &c, 4);  // ImU32 is RGBA in memory order
    }
    ImTextureID tex = upload(ImGui::GetID("tex"), cols, rows);
    const float z = style.zoom;
    figure_item_label(id);  // figures: the save button's name for the text view
    image_item("img", tex, ImVec2(cols * z, rows * z));
    figure_item_menu(id, z, [&](int scale) { return heatmap_raster(data, rows, cols, style, scale); });  // figures
    ImVec2 origin = ImGui::GetItemRectMin();
    if (z >= 14.0f) {  // cell borders help once cells are big enough to count
        ImDrawList* dl = ImGui::GetWindowDrawList();
        for (int r = 1; r < rows; ++r)
            dl->AddLine(ImVec2(origin.x, origin.y + r * z), ImVec2(origin.x + cols * z, origin.y + r * z), IM_COL32(128, 128, 128, 90));
        for (int c = 1; c < cols; ++c)
            dl->AddLine(ImVec2(origin.x + c * z, origin.y), ImVec2(origin.x + c * z, origin.y + rows * z), IM_COL32(128, 128, 128, 90));
    }
    const bool diverging = style.cmap == Colormap::diverging;
    if (diverging && z >= 10.0f) {
        // Signed values are not told by colour alone: a "+" or "-" in every cell whose |value|
        // is over 15% of the range, black or white, whichever reads on the cell.
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const float m = std::max(std::fabs(lo), std::fabs(hi)), arm = std::floor(z * 0.22f), w = std::max(1.0f, std::floor(z / 9.0f));
        for (int r = 0; r < rows; ++r)
            for (int c = 0; c < cols; ++c) {
                const float v = data[r * cols + c];
                if (!(std::fabs(v) > 0.15f * m)) continue;  // also skips NaN
                const ImU32 ink = kit::text_on(colormap(style.cmap, v, lo, hi));
                const float cx = std::floor(origin.x + (c + 0.5f) * z), cy = std::floor(origin.y + (r + 0.5f) * z);
                dl->AddRectFilled(ImVec2(cx - arm, cy - w * 0.5f), ImVec2(cx + arm, cy + w * 0.5f), ink);
                if (v > 0) dl->AddRectFilled(ImVec2(cx - w * 0.5f, cy - arm), ImVec2(cx + w * 0.5f, cy + arm), ink);
            }
    }
    draw_highlights(origin, z, z, highlights);
    if (a11y::capturing()) describe_plane(id, data, rows, cols, style, lo, hi);
    Hover h = item_hover(rows, cols, z, z);
    if (h.active) {
        char value[64];
        const float v = data[h.row * cols + h.col];
        std::snprintf(value, sizeof value, style.value_format, v * style.value_scale);
        if (diverging)  // the sign in words as well as in the number
            ImGui::SetTooltip("[%d, %d] = %s (%s)", h.row, h.col, value, v > 0 ? "positive" : v < 0 ? "negative" : "zero");
        else
            ImGui::SetTooltip("[%d, %d] = %s", h.row, h.col, value);
        a11y::resume();
    }
    if (diverging && style.legend && cols * z >= 96.0f) diverging_legend(std::max(std::fabs(lo), std::fabs(hi)), cols * z, style.value_scale);
    ImGui::PopID();
    return h;
}

void diverging_legend(float vmax, float width, float value_scale) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float bar_h = std::max(4.0f, std::floor(ImGui::GetTextLineHeight() * 0.4f)), line = ImGui::GetTextLineHeight();
    width = std::min(width, 220.0f);
    const ImVec2 o = ImGui::GetCursorScreenPos();
    ImGui::Dummy(ImVec2(width, bar_h + 2 + line));
    const ImU32 neg = colormap(Colormap::diverging, -1, -1, 1), mid = colormap(Colormap::diverging, 0, -1, 1),
                pos = colormap(Colormap::diverging, 1, -1, 1);
    const float half = std::floor(width * 0.5f);
    dl->AddRectFilledMultiColor(o, ImVec2(o.x + half, o.y + bar_h), neg, mid, mid, neg);
    dl->AddRectFilledMultiColor(ImVec2(o.x + half, o.y), ImVec2(o.x + width, o.y + bar_h), mid, pos, pos, mid);
    dl->AddRect(ImVec2(o.x - 1, o.y - 1), ImVec2(o.x + width + 1, o.y + bar_h + 1), ImGui::GetColorU32(ImGuiCol_Border));
    const std::string m = fmt_num(vmax * value_scale);
    const std::string lo_text = "-" + m, hi_text = "+" + m;
    const ImU32 ink = ImGui::GetColorU32(ImGuiCol_Text);
    const float y = o.y + bar_h + 2;
    dl->AddText(ImVec2(o.x, y), ink, lo_text.c_str());
    const float side_w = std::max(ImGui::CalcTextSize(lo_text.c_str()).x, ImGui::CalcTextSize(hi_text.c_str()).x);
    if (side_w + 8 < half - ImGui::CalcTextSize("0").x) dl->AddText(ImVec2(o.x + half - ImGui::CalcTextSize("0").x * 0.5f, y), ink, "0");
    dl->AddText(ImVec2(o.x + width - ImGui::CalcTextSize(hi_text.c_str()).x, y), ink, hi_text.c_str());
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Colour scale: blue below zero, white at zero, red above; the strongest colours at -%s and +%s.",
                          m.c_str(), m.c_str());
    a11y::resume();  // a tooltip ends ImGui's text log (harmless when none was shown)
}

Hover gray_image(const char* id, const Tensor& plane, float zoom) {
    HeatmapStyle st;
    st.zoom = zoom;
    return heatmap(id, plane.data(), int(plane.shape()[0]), int(plane.shape()[1]), st);
}

Hover rgb_image(const char* id, const float* chw, int rows, int cols, float zoom,
                const std::vector<Highlight>& highlights) {
    ImGui::PushID(id);
    const std::size_t plane = std::size_t(rows) * cols;
    g_pixels.resize(plane * 4);
    auto u8 = [](float x) { return static_cast<std::uint8_t>(std::lround(std::clamp(x, 0.0f, 1.0f) * 255.0f)); };
    for (std::size_t i = 0; i < plane; ++i) {
        g_pixels[i * 4 + 0] = u8(chw[i]);
        g_pixels[i * 4 + 1] = u8(chw[plane + i]);
        g_pixels[i * 4 + 2] = u8(chw[2 * plane + i]);
        g_pixels[i * 4 + 3] = 255;
    }
    ImTextureID tex = upload(ImGui::GetID("tex"), cols, rows);
    figure_item_label(id);  // figures
    image_item("img", tex, ImVec2(cols * zoom, rows * zoom));
    figure_item_menu(id, zoom, [&](int scale) { return rgb_raster(chw, rows, cols, scale); });  // figures
    draw_highlights(ImGui::GetItemRectMin(), zoom, zoom, highlights);
    if (a11y::capturing()) a11y::image(format("%s: colour image, %d x %d pixels, 3 channels (RGB)", shown_name(id).c_str(), rows, cols));
    Hover h = item_hover(rows, cols, zoom, zoom);
    if (h.active) {
        std::size_t k = std::size_t(h.row) * cols + h.col;
        ImGui::SetTooltip("[%d, %d] = [%d, %d, %d]", h.row, h.col, int(std::lround(chw[k] * 255)),
                          int(std::lround(chw[plane + k] * 255)), int(std::lround(chw[2 * plane + k] * 255))); a11y::resume();
    }
    ImGui::PopID();
    return h;
}

Hover number_grid(const char* id, const float* data, int rows, int cols, const GridStyle& style,
                  const std::vector<CellMark>& marks, const std::vector<Highlight>& highlights) {
    if (rows <= 0 || cols <= 0) {
        ImGui::TextDisabled("(empty)");
        return {};
    }
    ImGui::PushID(id);
    std::vector<std::string> texts(std::size_t(rows) * cols);
    float widest = ImGui::CalcTextSize("0").x;
    float lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < rows * cols; ++i) {
        char buf[48];
        std::snprintf(buf, sizeof buf, style.format, data[i] * style.value_scale);
        texts[i] = buf;
        widest = std::max(widest, ImGui::CalcTextSize(buf).x);
        if (std::isfinite(data[i])) lo = std::min(lo, data[i]), hi = std::max(hi, data[i]);
    }
    if (style.cmap == Colormap::diverging) {
        float m = std::max(std::fabs(lo), std::fabs(hi));
        lo = -m, hi = m;
    }
    const float cw = std::max(widest + 10.0f, style.min_cell_width);
    const float ch = ImGui::GetTextLineHeight() + 8.0f;
    ImVec2 o = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("grid", ImVec2(cols * cw, rows * ch));
    ImDrawList* dl = ImGui::GetWindowDrawList();
    // A marked cell is tinted with its mark's colour; the number is then black or white,
    // whichever reads better on the cell as drawn (WCAG 4.5:1 on any colour).
    std::vector<int> mark_of(std::size_t(rows) * cols, -1);
    for (std::size_t k = 0; k < marks.size(); ++k) {
        const CellMark& m = marks[k];
        if (m.row >= 0 && m.row < rows && m.col >= 0 && m.col < cols) mark_of[std::size_t(m.row) * cols + m.col] = int(k);
    }
    const ImU32 window_bg = kit::blend_over(ImGui::GetColorU32(ImGuiCol_WindowBg), IM_COL32_BLACK);
    const ImU32 cell_line = ImGui::GetColorU32(ImGuiCol_Border);
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) {
            ImVec2 a(o.x + c * cw, o.y + r * ch), b(a.x + cw, a.y + ch);
            ImU32 bg = kit::blend_over(ImGui::GetColorU32(ImGuiCol_FrameBg), window_bg);
            if (style.shade) bg = colormap(style.cmap, data[r * cols + c], lo, hi);
            const int mk = mark_of[std::size_t(r) * cols + c];
            if (mk >= 0) bg = kit::blend_over((marks[std::size_t(mk)].color & ~IM_COL32_A_MASK) | (ImU32(90) << IM_COL32_A_SHIFT), bg);
            dl->AddRectFilled(a, b, bg);
            dl->AddRect(a, b, cell_line);
            const std::string& t = texts[r * cols + c];
            ImVec2 ts = ImGui::CalcTextSize(t.c_str());
            const ImU32 ink = style.shade || mk >= 0 ? kit::text_on(bg) : ImGui::GetColorU32(ImGuiCol_Text);
            dl->AddText(ImVec2(a.x + (cw - ts.x) * 0.5f, a.y + (ch - ts.y) * 0.5f), ink, t.c_str());
        }
    for (const auto& m : marks) {
        if (m.row < 0 || m.row >= rows || m.col < 0 || m.col >= cols) continue;
        ImVec2 a(o.x + m.col * cw, o.y + m.row * ch), b(a.x + cw, a.y + ch);
        dl->AddRect(a, b, m.color, 0, 0, 2.5f);
    }
    draw_highlights(o, cw, ch, highlights);
    if (a11y::capturing()) describe_grid(id, texts, rows, cols, marks);
    Hover h = item_hover(rows, cols, cw, ch);
    if (h.active) ImGui::SetTooltip("[%d, %d] = %s", h.row, h.col, texts[h.row * cols + h.col].c_str());
    a11y::resume();
    ImGui::PopID();
    return h;
}

// --- Stepper ---------------------------------------------------------------------------------------
void Stepper::reset(int new_count) {
    count = std::max(1, new_count);
    step = std::clamp(step, 0, count - 1);
    if (at_end()) playing = false;
}

namespace {
ImGuiID g_keyboard_owner = 0;
int g_owner_seen_frame = -10;
}  // namespace

bool step_controller(const char* id, Stepper& s) {
    ImGui::PushID(id);
    const ImGuiID me = ImGui::GetID("stepper");
    const int frame = ImGui::GetFrameCount();
    // Arrow keys go to one stepper: the last one clicked, else the first drawn.
    if (g_keyboard_owner == 0 || g_owner_seen_frame < frame - 1) g_keyboard_owner = me;
    const int before = s.step;
    bool clicked = false;
    std::vector<ImGuiID> own_ids;  // its buttons and slider: keyboard focus on one of them gives it the keys
    auto button = [&](const char* label, bool enabled, const char* name) {
        if (!own_ids.empty()) ImGui::SameLine();
        if (!enabled) ImGui::BeginDisabled();
        a11y::next_item(a11y::Role::button, false, name);
        bool b = ImGui::Button(label);
        own_ids.push_back(ImGui::GetItemID());
        if (!enabled) ImGui::EndDisabled();
        clicked |= b;
        return b;
    };
    if (button("|<", s.step > 0, "First step")) s.step = 0, s.playing = false;
    if (button(" < ", s.step > 0, "Previous step")) s.step--, s.playing = false;
    if (button(" > ", !s.at_end(), "Next step")) s.step++, s.playing = false;
    if (button(">|", !s.at_end(), "Last step")) s.step = s.count - 1, s.playing = false;
    if (button(s.playing ? "Pause" : "Play ", true, s.playing ? "Pause" : "Play")) {
        if (!s.playing && s.at_end()) s.step = 0;
        s.playing = !s.playing;
        s.carry = 0;
    }
    // On a phone the speed and the step count go under the buttons.
    const float speed_w = 120.0f * ImGui::GetFontSize() / 15.0f;
    same_line_if_fits(speed_w);
    ImGui::SetNextItemWidth(speed_w);
    a11y::next_item(a11y::Role::value, false, "playback speed (steps per second)");
    ImGui::SliderFloat("##speed", &s.steps_per_second, 0.5f, 30.0f, "%.1f steps/s", ImGuiSliderFlags_Logarithmic);
    own_ids.push_back(ImGui::GetItemID());
    char count[48];
    std::snprintf(count, sizeof count, "step %d / %d", s.step + 1, s.count);
    same_line_if_fits(ImGui::CalcTextSize(count).x);
    ImGui::TextUnformatted(count);
    if (clicked) g_keyboard_owner = me;
    if (g_keyboard_owner == me) {
        g_owner_seen_frame = frame;
        ImGuiIO& io = ImGui::GetIO();
        bool focused = ImGui::IsWindowFocused(ImGuiFocusedFlags_RootAndChildWindows) && !io.WantTextInput &&
                       !ImGui::IsAnyItemActive();
        // Keyboard navigation also uses the arrows: the step keys act while no focus ring shows
        // (mouse use) or while the ring is on this controller, and then the ring does not move.
        // A first arrow press with no ring (page just opened, or mouse use) steps and keeps the
        // ring hidden: ImGui's move and its "find a first item" request are cancelled.
        ImGuiContext& g = *ImGui::GetCurrentContext();
        const bool ring_hidden = g.NavDisableHighlight || g.NavId == 0;
        const bool ring_here = !ring_hidden && std::find(own_ids.begin(), own_ids.end(), g.NavId) != own_ids.end();
        if (focused && (ring_hidden || ring_here)) {
            auto key = [&](ImGuiKey k, bool repeat) {
                if (!ImGui::IsKeyPressed(ImGui::GetKeyIndex(k), repeat)) return false;
                ImGui::NavMoveRequestCancel();
                if (ring_hidden) {
                    g.NavInitRequest = g.NavInitRequestFromMove = false;
                    g.NavInitResultId = 0;
                    g.NavDisableHighlight = true;
                }
                return true;
            };
            if (key(ImGuiKey_RightArrow, true)) s.step++, s.playing = false;
            if (key(ImGuiKey_LeftArrow, true)) s.step--, s.playing = false;
            if (key(ImGuiKey_Home, false)) s.step = 0, s.playing = false;
            if (key(ImGuiKey_End, false)) s.step = s.count - 1, s.playing = false;
            // With the ring on a button, Space presses that button (ImGui's own activation).
            if (ring_hidden && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space), false)) {
                if (!s.playing && s.at_end()) s.step = 0;
                s.playing = !s.playing;
            }
        }
        ImGui::SameLine();
        ImGui::TextDisabled("(arrow keys)");
    }
    if (s.playing) {
        s.carry += ImGui::GetIO().DeltaTime * s.steps_per_second;
        while (s.carry >= 1.0 && !s.at_end()) s.carry -= 1.0, s.step++;
        if (s.at_end()) s.playing = false;
        else platform::request_frame();  // the next step comes with time, not input
    }
    s.step = std::clamp(s.step, 0, s.count - 1);
    ImGui::PopID();
    // Screen readers hear a step the student took (not every step of a playback).
    if (s.step != before && !s.playing) a11y::announce(format("Step %d of %d", s.step + 1, s.count));
    return s.step != before;
}

// --- Line plot ---------------------------------------------------------------------------------
namespace {
// A plot in words: each series' last value, its range and where it went over the last tenth.
void describe_plot(const char* id, const std::vector<Series>& series, const PlotStyle& style) {
    std::string summary;
    for (const auto& s : series) {
        int last = s.count - 1;
        while (last >= 0 && !std::isfinite(s.values[last])) --last;
        if (!summary.empty()) summary += "; ";
        if (last < 0) {
            summary += std::string(s.label) + ": no values yet";
            continue;
        }
        float lo = INFINITY, hi = -INFINITY;
        for (int i = 0; i <= last; ++i)
            if (std::isfinite(s.values[i])) lo = std::min(lo, s.values[i]), hi = std::max(hi, s.values[i]);
        const int back = std::max(0, last - std::max(1, s.count / 10));
        const float before = std::isfinite(s.values[back]) ? s.values[back] : s.values[last];
        const float change = s.values[last] - before, scale = std::max(1e-12f, hi - lo);
        const char* trend = change < -0.02f * scale ? "falling" : change > 0.02f * scale ? "rising" : "flat";
        summary += format("%s: last value %.4g at %s %g, lowest %.4g, highest %.4g, %s", s.label, s.values[last],
                          style.x_label, s.x0 + last * s.dx, lo, hi, trend);
    }
    a11y::plot(format("%s: line plot over %s", shown_name(id).c_str(), style.x_label), summary);
}
}  // namespace

void line_plot(const char* id, const std::vector<Series>& series, const PlotStyle& style) {
    ImGui::PushID(id);
    ImVec2 size = style.size;
    if (size.x <= 0) size.x = std::max(100.0f, ImGui::GetContentRegionAvail().x);
    ImVec2 o = ImGui::GetCursorScreenPos();
    figure_item_label(id);  // figures: saved from the screen (figure_export.hpp)
    ImGui::InvisibleButton("plot", size);
    plot_item_menu(id);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(o, ImVec2(o.x + size.x, o.y + size.y), ImGui::GetColorU32(ImGuiCol_FrameBg));

    auto ty = [&](float v) { return style.log_y ? std::log10(std::max(v, 1e-12f)) : v; };
    float xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
    for (const auto& s : series)
        for (int i = 0; i < s.count; ++i)
            if (std::isfinite(s.values[i])) {
                float x = s.x0 + i * s.dx, y = ty(s.values[i]);
                xmin = std::min(xmin, x), xmax = std::max(xmax, x);
                ymin = std::min(ymin, y), ymax = std::max(ymax, y);
            }
    const float pad_l = ImGui::CalcTextSize("-0.0000e+00").x * 0.8f, pad_b = ImGui::GetTextLineHeight() + 4, pad = 6;
    ImVec2 a(o.x + pad_l, o.y + pad), b(o.x + size.x - pad, o.y + size.y - pad_b);
    if (!(xmin <= xmax)) {
        dl->AddText(ImVec2(a.x + 8, a.y + 8), ImGui::GetColorU32(ImGuiCol_TextDisabled), "no data yet");
        ImGui::PopID();
        return;
    }
    if (xmax == xmin) xmax = xmin + 1;
    if (ymax == ymin) ymax = ymin + 1e-6f + std::fabs(ymin) * 0.05f, ymin -= 1e-6f + std::fabs(ymin) * 0.05f;
    auto px = [&](float x) { return a.x + (x - xmin) / (xmax - xmin) * (b.x - a.x); };
    auto py = [&](float y) { return b.y - (ty(y) - ymin) / (ymax - ymin) * (b.y - a.y); };
    dl->AddRect(a, b, ImGui::GetColorU32(ImGuiCol_Border));
    char buf[64];
    auto ylabel = [&](float yv, float at) {
        std::snprintf(buf, sizeof buf, style.y_format, style.log_y ? std::pow(10.0f, yv) : yv);
        dl->AddText(ImVec2(o.x + 2, at - ImGui::GetTextLineHeight() * 0.5f), ImGui::GetColorU32(ImGuiCol_Text), buf);
    };
    ylabel(ymax, a.y + ImGui::GetTextLineHeight() * 0.5f);
    ylabel(ymin, b.y - ImGui::GetTextLineHeight() * 0.5f);
    std::snprintf(buf, sizeof buf, "%s %g .. %g", style.x_label, xmin, xmax);
    dl->AddText(ImVec2(a.x, b.y + 2), ImGui::GetColorU32(ImGuiCol_TextDisabled), buf);

    dl->PushClipRect(a, b, true);
    for (const auto& s : series) {
        // At most ~2 points per screen pixel.
        int stride = std::max(1, static_cast<int>(s.count / std::max(1.0f, (b.x - a.x) * 2)));
        std::vector<ImVec2> pts;
        for (int i = 0; i < s.count; i += stride)
            if (std::isfinite(s.values[i])) pts.emplace_back(px(s.x0 + i * s.dx), py(s.values[i]));
        if (s.count > 0 && (s.count - 1) % stride != 0 && std::isfinite(s.values[s.count - 1]))
            pts.emplace_back(px(s.x0 + (s.count - 1) * s.dx), py(s.values[s.count - 1]));
        if (pts.size() == 1) dl->AddCircleFilled(pts[0], 2.5f, s.color);
        if (pts.size() >= 2) dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), s.color, 0, 1.8f);
    }
    dl->PopClipRect();
    // Legend, top right.
    float ly = a.y + 4;
    for (const auto& s : series) {
        float w = ImGui::CalcTextSize(s.label).x;
        dl->AddLine(ImVec2(b.x - w - 30, ly + 7), ImVec2(b.x - w - 12, ly + 7), s.color, 2.5f);
        dl->AddText(ImVec2(b.x - w - 6, ly), ImGui::GetColorU32(ImGuiCol_Text), s.label);
        ly += ImGui::GetTextLineHeight() + 2;
    }
    if (ImGui::IsItemHovered() && !capture_pending()) {  // figures: no hover line in a saved plot
        float mx = ImGui::GetIO().MousePos.x;
        float x = xmin + (mx - a.x) / (b.x - a.x) * (xmax - xmin);
        dl->AddLine(ImVec2(mx, a.y), ImVec2(mx, b.y), ImGui::GetColorU32(ImGuiCol_Text, 0.5f));
        ImGui::BeginTooltip();
        for (const auto& s : series) {
            if (s.count == 0) continue;
            int i = std::clamp(static_cast<int>(std::lround((x - s.x0) / s.dx)), 0, s.count - 1);
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(s.color), "%s", s.label);
            ImGui::SameLine();
            ImGui::Text("at %g: %.5g", s.x0 + i * s.dx, s.values[i]);
        }
        ImGui::EndTooltip(); a11y::resume();
    }
    if (a11y::capturing()) describe_plot(id, series, style);
    ImGui::PopID();
}

// --- Lesson furniture ------------------------------------------------------------------------
std::string fmt_num(float v) {
    char buf[32];
    if (!std::isfinite(v)) return std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf");
    if (v == std::round(v) && std::fabs(v) < 1e7f) {
        std::snprintf(buf, sizeof buf, "%.0f", v == 0.0f ? 0.0f : v);  // no "-0"
        return buf;
    }
    std::snprintf(buf, sizeof buf, std::fabs(v) >= 100 ? "%.1f" : std::fabs(v) >= 1 ? "%.3g" : "%.3f", v);
    std::string r = buf;
    if (r.find('.') != std::string::npos && r.find('e') == std::string::npos) {
        while (r.back() == '0') r.pop_back();
        if (r.back() == '.') r.pop_back();
    }
    return r;
}

std::string format(const char* fmt, ...) {
    va_list args, again;
    va_start(args, fmt);
    va_copy(again, args);
    std::string s(std::size_t(std::max(0, std::vsnprintf(nullptr, 0, fmt, args))), '\0');
    std::vsnprintf(&s[0], s.size() + 1, fmt, again);  // its '\0' lands on the string's own terminator
    va_end(again);
    va_end(args);
    return s;
}

void pytorch_panel(const char* id, const std::string& code) {
    if (platform::hidden("pytorch")) return;
    ImGui::PushID(id);
    if (ImGui::CollapsingHeader("In PyTorch")) {
        ImGui::TextWrapped("The same computation in PyTorch, for the current parameters. Paste it into Python to check "
                           "the numbers on this page.");
        code_block("code", code);
        // clipboard: the system clipboard in the browser too (clipboard.hpp); the outcome is
        // shown beside the button and told to screen readers once.
        static ImGuiID copy_owner = 0;
        static platform::CopyState told = platform::CopyState::none;
        const ImGuiID me = ImGui::GetID("copy");
        if (small_button("Copy")) {
            platform::copy_text(code);
            copy_owner = me;
            told = platform::CopyState::pending;
        }
        if (copy_owner == me) {
            const platform::CopyState state = platform::copy_state();
            const char* text = state == platform::CopyState::copied   ? "Copied"
                               : state == platform::CopyState::failed ? "Copy failed: select the code and press Ctrl+C"
                               : state == platform::CopyState::pending ? "Copying..." : "";
            if (*text) {
                ImGui::SameLine();
                if (state == platform::CopyState::failed)
                    ImGui::TextColored(kit::palette::text(kit::palette::text_error), "%s", text);
                else
                    ImGui::TextDisabled("%s", text);
            }
            if (state != told && (state == platform::CopyState::copied || state == platform::CopyState::failed)) {
                a11y::announce(state == platform::CopyState::copied ? "Copied the PyTorch code" : text,
                               state == platform::CopyState::failed);
                told = state;
            }
        }
    }
    ImGui::PopID();
}

void export_buttons(const char* id, const std::vector<NpyExport>& files) {
    if (platform::hidden("export")) return;
    static std::string last_message;
    static ImGuiID last_owner = 0;
    ImGui::PushID(id);
    const ImGuiID me = ImGui::GetID("export");
    ImGui::TextUnformatted("Export:");
    for (const auto& f : files) {
        same_line_if_fits(ImGui::CalcTextSize(f.name.c_str()).x + 2 * ImGui::GetStyle().FramePadding.x);
        if (small_button(f.name.c_str())) {
            try {
                last_message = platform::save_file(f.name, npy_bytes(*f.tensor));
            } catch (const std::exception& e) {
                last_message = std::string("export failed: ") + e.what();
            }
            last_owner = me;
        }
    }
    if (last_owner == me && !last_message.empty()) {
        ImGui::SameLine();
        ImGui::TextDisabled("%s", last_message.c_str());
    }
    ImGui::PopID();
}

bool edit_grid(const char* id, float* data, int rows, int cols, float speed) {
    ImGui::PushID(id);
    bool changed = false;
    const float w = ImGui::CalcTextSize("-00.00").x + ImGui::GetStyle().FramePadding.x * 2;
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) {
            if (c) ImGui::SameLine();
            ImGui::PushID(r * cols + c);
            ImGui::SetNextItemWidth(w);
            if (a11y::capturing()) a11y::next_item(a11y::Role::value, false, format("%s[%d, %d]", shown_name(id).c_str(), r, c));
            changed |= ImGui::DragFloat("##v", &data[r * cols + c], speed, -100.0f, 100.0f, "%.2f");
            ImGui::PopID();
        }
    ImGui::PopID();
    return changed;
}

// --- Widgets with a role for the text view ------------------------------------------------------------
namespace {
std::string label_text(const char* label) { return std::string(label, ImGui::FindRenderedTextEnd(label)); }
}  // namespace

bool radio_button(const char* label, bool active) {
    a11y::next_item(a11y::Role::radio, active, label_text(label));
    return ImGui::RadioButton(label, active);
}

bool radio_button(const char* label, int* v, int v_button) {
    a11y::next_item(a11y::Role::radio, *v == v_button, label_text(label));
    return ImGui::RadioButton(label, v, v_button);
}

bool begin_combo(const char* label, const char* preview, ImGuiComboFlags flags) {
    a11y::next_item(a11y::Role::combo, false, label_text(label));
    return ImGui::BeginCombo(label, preview, flags);
}

bool combo(const char* label, int* current, const char* const items[], int count) {
    a11y::next_item(a11y::Role::combo, false, label_text(label));
    const bool changed = ImGui::Combo(label, current, items, count);
    a11y::resume();  // its popup, when open, ended ImGui's text log
    return changed;
}

// --- Text ----------------------------------------------------------------------------------------
void bullet(const std::string& text) {
    ImGui::Bullet();
    ImGui::SameLine();
    ImGui::TextWrapped("%s", text.c_str());
}

float labeled_width(float item_width, const char* label) {
    const float text = ImGui::CalcTextSize(label, nullptr, true).x;
    return item_width + (text > 0.0f ? ImGui::GetStyle().ItemInnerSpacing.x + text : 0.0f);
}

float button_width(const char* label) {
    return ImGui::CalcTextSize(label, nullptr, true).x + ImGui::GetStyle().FramePadding.x * 2.0f;
}

float check_width(const char* label) {  // a checkbox or radio button: its square, then the label
    return labeled_width(ImGui::GetFrameHeight(), label);
}

namespace {
std::unordered_map<ImGuiID, float> g_flow_widths;  // each flow group's width on the last frame
std::vector<ImGuiID> g_flow_stack;
}  // namespace

void begin_flow(const char* id, bool first, float spacing) {
    const ImGuiID key = ImGui::GetID(id);
    if (!first) {
        const auto it = g_flow_widths.find(key);
        const float width = it == g_flow_widths.end() ? 0.0f : it->second;
        const float gap = spacing < 0.0f ? ImGui::GetStyle().ItemSpacing.x : spacing;
        const float edge = ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x;
        if (ImGui::GetItemRectMax().x + gap + width <= edge + 0.5f) ImGui::SameLine(0.0f, gap);
    }
    g_flow_stack.push_back(key);
    ImGui::BeginGroup();
}

void end_flow() {
    ImGui::EndGroup();
    if (g_flow_stack.empty()) return;
    g_flow_widths[g_flow_stack.back()] = ImGui::GetItemRectSize().x;
    g_flow_stack.pop_back();
}

bool small_button(const char* label) { return kit::touch() ? ImGui::Button(label) : ImGui::SmallButton(label); }

bool same_line_if_fits(float next_width) {
    const float right = ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + next_width;
    // After an item the cursor is at the start of the next line: start + avail is the right edge.
    const float edge = ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x;
    if (right > edge + 0.5f) return false;
    ImGui::SameLine();
    return true;
}

void help_marker(const char* text) {
    same_line_if_fits(ImGui::CalcTextSize("(?)").x);
    ImGui::TextDisabled("(?)");
    if (a11y::capturing()) a11y::text(std::string("Help: ") + text);
    if (ImGui::IsItemHovered()) {
        ImGui::BeginTooltip();
        // At most 32 em wide, and never wider than a phone's screen.
        const float width = std::min(ImGui::GetFontSize() * 32.0f, ImGui::GetIO().DisplaySize.x - 4.0f * ImGui::GetFontSize());
        ImGui::PushTextWrapPos(std::max(width, 8.0f * ImGui::GetFontSize()));
        ImGui::TextUnformatted(text);
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip(); a11y::resume();
    }
}

namespace {
// Each error is announced (role=alert) once when it appears, not every frame it stays.
void announce_error_once(const char* title, const std::string& message) {
    static std::vector<std::pair<std::string, int>> shown;  // message, last frame seen
    const int frame = ImGui::GetFrameCount();
    const std::string key = std::string(title) + ": " + message;
    shown.erase(std::remove_if(shown.begin(), shown.end(), [&](const auto& s) { return s.second < frame - 2; }), shown.end());
    for (auto& s : shown)
        if (s.first == key) {
            s.second = frame;
            return;
        }
    shown.emplace_back(key, frame);
    a11y::announce(key, true);
}
}  // namespace

void error_panel(const char* title, const std::string& message) {
    ImGui::PushStyleColor(ImGuiCol_ChildBg, kit::palette::error_bg);
    ImGui::PushStyleColor(ImGuiCol_Border, kit::palette::error);
    float lines = 2.0f + std::count(message.begin(), message.end(), '\n') +
                  ImGui::CalcTextSize(message.c_str()).x / std::max(200.0f, ImGui::GetContentRegionAvail().x - 20);
    announce_error_once(title, message);
    ImGui::BeginChild(title, ImVec2(0, ImGui::GetTextLineHeightWithSpacing() * (lines + 1.5f)), true);
    ImGui::TextColored(kit::palette::text(kit::palette::text_error), "%s", title);
    ImGui::TextWrapped("%s", message.c_str());
    ImGui::EndChild();
    ImGui::PopStyleColor(2);
}

void code_block(const char* id, const std::string& text) {
    int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    ImGui::PushStyleColor(ImGuiCol_ChildBg, ImGui::GetColorU32(ImGuiCol_FrameBg));
    ImGui::BeginChild(id, ImVec2(0, ImGui::GetTextLineHeight() * lines + ImGui::GetStyle().WindowPadding.y * 2 + 2), true,
                      ImGuiWindowFlags_HorizontalScrollbar);
    ImGui::TextUnformatted(text.c_str());
    ImGui::EndChild();
    ImGui::PopStyleColor();
}

bool dataset_ready() {
    const platform::DatasetAsset& a = platform::fashion_mnist();
    switch (a.state) {
        case platform::AssetState::ready: return true;
        case platform::AssetState::idle:
        case platform::AssetState::loading: {
            const char* dots[] = {".", "..", "..."};
            ImGui::Text("Loading Fashion-MNIST from %s%s", platform::dataset_location().c_str(),
                        dots[(ImGui::GetFrameCount() / 20) % 3]);
            return false;
        }
        case platform::AssetState::failed:
            error_panel("The Fashion-MNIST data could not be loaded", a.error +
                        "\n\nThe build packs it from Debian's dataset-fashion-mnist package into data/fashion-mnist.aelab; "
                        "rebuild, or check that the file is served beside the page.");
            if (ImGui::Button("Try again")) platform::retry_dataset();
            return false;
    }
    return false;
}

}  // namespace aelab::ui
