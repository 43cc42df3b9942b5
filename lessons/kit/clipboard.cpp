#include "clipboard.hpp"

#include <imgui.h>

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#endif

namespace aelab::platform {

namespace {
CopyState g_native_state = CopyState::none;
}  // namespace

#ifdef __EMSCRIPTEN__
// Module.aelabCopy: {seq, state} with state 1 pending, 2 copied, 3 failed. The async API first;
// the textarea and execCommand("copy") when it is missing or refuses (no permission, page not
// focused, an insecure context), then focus goes back to where it was (the canvas).
EM_JS(void, aelab_js_copy, (const char* text), {
    var s = UTF8ToString(text);
    var seq = (Module.aelabCopy ? Module.aelabCopy.seq : 0) + 1;
    Module.aelabCopy = {seq : seq, state : 1};
    function done(ok) {
        if (Module.aelabCopy.seq === seq) Module.aelabCopy.state = ok ? 2 : 3;
    }
    function fallback() {
        var ok = false;
        try {
            var active = document.activeElement;
            var ta = document.createElement("textarea");
            ta.value = s;
            ta.setAttribute("readonly", "");
            ta.setAttribute("aria-hidden", "true");
            ta.style.position = "fixed";
            ta.style.left = "-10000px";
            ta.style.top = "0";
            ta.style.opacity = "0";
            document.body.appendChild(ta);
            ta.select();
            ok = document.execCommand("copy");
            ta.remove();
            if (active && active.focus) active.focus();
        } catch (e) {
            ok = false;
        }
        done(ok);
    }
    try {
        if (navigator.clipboard && navigator.clipboard.writeText)
            navigator.clipboard.writeText(s).then(function() { done(true); }, fallback);
        else
            fallback();
    } catch (e) {
        fallback();
    }
});

EM_JS(int, aelab_js_copy_state, (), { return Module.aelabCopy ? Module.aelabCopy.state : 0; });
EM_JS(int, aelab_js_has_document, (), { return typeof document !== "undefined"; });

namespace {
void (*g_sdl_set)(void*, const char*) = nullptr;  // SDL's own (a copy inside the page, for paste)

void set_clipboard(void* user, const char* text) {
    if (g_sdl_set) g_sdl_set(user, text);
    aelab_js_copy(text ? text : "");
}
}  // namespace

void install_browser_clipboard() {
    if (!aelab_js_has_document()) return;
    ImGuiIO& io = ImGui::GetIO();
    if (io.SetClipboardTextFn == set_clipboard) return;
    g_sdl_set = io.SetClipboardTextFn;
    io.SetClipboardTextFn = set_clipboard;
}

CopyState copy_state() {
    if (ImGui::GetIO().SetClipboardTextFn != set_clipboard) return g_native_state;
    switch (aelab_js_copy_state()) {
        case 1: return CopyState::pending;
        case 2: return CopyState::copied;
        case 3: return CopyState::failed;
        default: return CopyState::none;
    }
}
#else
void install_browser_clipboard() {}
CopyState copy_state() { return g_native_state; }
#endif

void copy_text(const std::string& text) {
    ImGui::SetClipboardText(text.c_str());
    g_native_state = CopyState::copied;  // SDL's clipboard does not report failures to ImGui
}

}  // namespace aelab::platform
