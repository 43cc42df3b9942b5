// aelab lesson kit: the system clipboard, in the browser too.
//
// ImGui copies through io.SetClipboardTextFn. Natively that is SDL's clipboard. SDL 2.26's
// Emscripten backend has none (it keeps the text inside the page), so in the browser
// install_browser_clipboard() sends every copy to navigator.clipboard.writeText as well, and,
// when that API is missing or refused, to document.execCommand("copy") on a hidden textarea.
// The browser answers later (a promise): copy_state() tells the outcome of the last copy.
#pragma once
#include <string>

namespace aelab::platform {

enum class CopyState { none, pending, copied, failed };

// The host calls it once, after ImGui's SDL backend set its clipboard functions (web build; a
// no-op natively).
void install_browser_clipboard();
// Copies `text` (ImGui::SetClipboardText: the browser's clipboard in a page, SDL's natively).
void copy_text(const std::string& text);
// The outcome of the last copy_text or ImGui copy: pending while the browser decides; natively
// always copied.
CopyState copy_state();

}  // namespace aelab::platform
