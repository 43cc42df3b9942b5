#include "sections.hpp"

#include <imgui.h>

#include "a11y.hpp"
#include "platform.hpp"

namespace aelab::kit {

void Sections::bind(UrlState& url, int count, const char* key) { url.add(key, open, 0, (1 << count) - 1); }

bool Sections::header(int index, const char* title) {
    const int bit = 1 << index;
    // &section=N (1-based, as the titles count): that section alone, open; the others not drawn.
    const int only = platform::param_int("section", 0, 0, 64);
    if (only > 0) {
        if (index != only - 1) return false;
        ImGui::SetNextItemOpen(true, ImGuiCond_Always);
    }
    if (!(applied_ & bit)) {
        ImGui::SetNextItemOpen((open & bit) != 0, ImGuiCond_Always);
        applied_ |= bit;
    }
    a11y::next_item_heading(2);  // the text view shows each section as a level-2 heading
    const bool is_open = ImGui::CollapsingHeader(title);
    open = is_open ? (open | bit) : (open & ~bit);
    return is_open;
}

}  // namespace aelab::kit
