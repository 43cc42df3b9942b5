// aelab lesson kit: the three UI themes (dark, light, high contrast) and the WCAG 2.1 contrast
// arithmetic they are checked with.
//
// apply_theme sets every ImGui style colour and size and the kit palette (palette.hpp) for one
// theme, so that in each theme text has at least 4.5:1 contrast against the backgrounds it is
// drawn on and the keyboard focus ring (ImGuiCol_NavHighlight) at least 3:1 against the window
// (tests/lessons/test_theme.cpp checks the numbers).
#pragma once
#include <string>

#include <imgui.h>

namespace aelab::kit {

enum class Theme { dark, light, contrast };

// "dark", "light", "contrast" (also "high-contrast", "hc"); anything else gives `fallback`.
Theme theme_from_name(const std::string& name, Theme fallback);
const char* theme_name(Theme t);

// Sets ImGui's style (colours and sizes, scaled once by `ui_scale`) and the kit palette for `t`.
// Resets the style first, so it may be called again to switch themes at run time.
// Needs a current ImGui context.
void apply_theme(Theme t, float ui_scale);
Theme current_theme();

// The same style without touching ImGui's context or the palette (for tests and previews).
ImGuiStyle theme_style(Theme t, float ui_scale = 1.0f);

// --- Touch screens ---------------------------------------------------------------------------------
// On a coarse pointer (a finger) every control is at least kTouchTarget px tall to the touch:
// frames (buttons, sliders, checkboxes, inputs, headers) are drawn shorter and ImGui's
// TouchExtraPadding widens what reacts to them, never into the next control (the spacing between
// items is at least twice that padding).
constexpr float kTouchTarget = 44.0f;
// Enlarges `s`'s sizes (already scaled by `ui_scale`) for fingers; `font_px` is the font's size
// as drawn (the host's 15 px times ui_scale).
void touch_sizes(ImGuiStyle& s, float font_px, float ui_scale);
// Turns touch sizes on (or off) in the current style; apply_theme keeps them on a theme switch.
void set_touch(bool on, float font_px, float ui_scale);
bool touch();
// Rows of a menu or a list of Selectables (whose height is one text line): with touch on, each
// row is kTouchTarget tall. Pair with pop_touch_rows().
void push_touch_rows();
void pop_touch_rows();

// --- WCAG 2.1 contrast ---------------------------------------------------------------------------
// Relative luminance of an sRGB colour (alpha ignored), 0 (black) .. 1 (white).
float relative_luminance(ImU32 c);
// (L1 + 0.05) / (L2 + 0.05), L1 the lighter: 1 (same) .. 21 (black on white). Alpha is ignored:
// composite translucent colours first with blend_over.
float contrast_ratio(ImU32 a, ImU32 b);
// `top` drawn with its alpha over the opaque colour `below`; the result is opaque.
ImU32 blend_over(ImU32 top, ImU32 below);
// Black or white, whichever contrasts more with `bg` (at least 4.58:1 for any opaque colour).
ImU32 text_on(ImU32 bg);

}  // namespace aelab::kit
