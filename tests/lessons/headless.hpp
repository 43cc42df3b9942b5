// A headless ImGui frame for lesson tests: a context with a display size and a built font
// atlas, no window and no GL. Widgets draw into draw lists nobody renders.
#pragma once
#include <imgui.h>

#include "kit/train_backend.hpp"

namespace aelab::test {

// The trainer a LiveTraining asked for `asked` runs on: natively as asked; the web build has no
// threads (it trains in a Web Worker, tests/browser/train.test.mjs), so a thread test of the wasm
// doctest binary trains inline and still compares two runs.
inline lessons::TrainerKind trainer_for(lessons::TrainerKind asked) {
#ifdef __EMSCRIPTEN__
    return asked == lessons::TrainerKind::thread ? lessons::TrainerKind::inline_page : asked;
#else
    return asked;
#endif
}

struct HeadlessImGui {
    HeadlessImGui() {
        ImGui::CreateContext();
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr;
        io.DisplaySize = ImVec2(1280, 800);
        unsigned char* pixels;
        int w, h;
        io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
    }
    ~HeadlessImGui() { ImGui::DestroyContext(); }
    HeadlessImGui(const HeadlessImGui&) = delete;
    HeadlessImGui& operator=(const HeadlessImGui&) = delete;

    // Runs one frame of `dt` seconds with `body` drawn inside a window.
    template <class F>
    void frame(F&& body, float dt = 1.0f / 60.0f) {
        ImGui::GetIO().DeltaTime = dt;
        ImGui::NewFrame();
        ImGui::SetNextWindowPos(ImVec2(0, 0));
        ImGui::SetNextWindowSize(ImGui::GetIO().DisplaySize);
        ImGui::Begin("test");
        body();
        ImGui::End();
        ImGui::Render();
    }
};

}  // namespace aelab::test
