#include "sections.hpp"

#include <imgui.h>

namespace aelab::kit {

void Sections::bind(UrlState& url, int count, const char* key) { url.add(key, open, 0, (1 << count) - 1); }

bool Sections::header(int index, const char* title) {
    const int bit = 1 << index;
    if (!(applied_ & bit)) {
        ImGui::SetNextItemOpen((open & bit) != 0, ImGuiCond_Always);
        applied_ |= bit;
    }
    const bool is_open = ImGui::CollapsingHeader(title);
    open = is_open ? (open | bit) : (open & ~bit);
    return is_open;
}

}  // namespace aelab::kit
