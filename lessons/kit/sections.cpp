#include "sections.hpp"

#include <imgui.h>

#include "a11y.hpp"

namespace aelab::kit {

void Sections::bind(UrlState& url, int count, const char* key) { url.add(key, open, 0, (1 << count) - 1); }

bool Sections::header(int index, const char* title) {
    const int bit = 1 << index;
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
