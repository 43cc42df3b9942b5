// aelab host: one main for the desktop app and the web page (SDL2 + OpenGL3 / WebGL2 + ImGui).
// It owns the window, the GL context, fonts and textures, and lays out the menu bar, the lesson
// sidebar and the selected lesson. Everything a lesson shows comes from lessons/.
//
// Page parameters (browser URL query, or desktop flags):
//   ?lesson=<id>      --lesson <id>     open that lesson (ids in lessons/registry.cpp)
//   &embed=1          --embed           the lesson alone: no sidebar, no menu (for iframes)
//                     --frames N        quit after N ticks of the main loop (also AELAB_FRAMES),
//                                       for tests; the last one draws
//                     --screenshot F    write the last frame to F as PNG before quitting
//                     --report          with --frames: print frame times and the lesson's status
//   &redraw=always    --redraw always   draw every tick (by default a frame is drawn only when
//                                       something changed: input, training news, an animation;
//                                       an idle page draws 4 frames a second)
//   &redraw_ms=N      --redraw_ms N     ms between frames while a run trains elsewhere (100)
//   &worker=0         --worker 0        train on the page's own thread (not a worker / thread)
//   &parallel=N       --parallel N      runs training at once on workers / threads (default: the
//                                       cores less one; more wait their turn)
//                     --data F          read the dataset asset from F
//                     --image F         a PNG or JPEG for the lessons' "your image" input
//   &textview=0       --textview 1      the text view for screen readers (web: on by default;
//                                       desktop: the View > Text view panel)
//                     --text-out F      with --frames: write the text view to F at exit
//   &theme=light|dark|contrast          colours (web: follows prefers-color-scheme by default)
//   &touch=1          --touch 1         finger-sized controls and drag-to-scroll (web: on a coarse
//                                       pointer or from the first touch; desktop: every press is a finger)
#include <SDL.h>
#include <imgui.h>
#include <imgui_impl_opengl3.h>
#include <imgui_impl_sdl.h>
#include <imgui_internal.h>
#include <new>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "aelab/dataset.hpp"
#include "lesson.hpp"
#include "kit/a11y.hpp"
#include "kit/platform.hpp"
#include "kit/platform_upload.hpp"  // your own images: SDL_DROPFILE and --image (desktop)
#include "kit/palette.hpp"
#include "kit/theme.hpp"
#include "kit/training.hpp"
#include "kit/widgets.hpp"

#ifdef __EMSCRIPTEN__
#include <GLES3/gl3.h>
#include <emscripten.h>
#include <emscripten/html5.h>
#include <malloc.h>  // mallinfo: the heap in use, for the soak test
#else
#include <SDL_opengl.h>
#include <fstream>
#endif
// figures and clipboard (issue 15): PNG files of figures and of the whole view, the browser's clipboard
#include "aelab/error.hpp"
#include "aelab/png_write.hpp"
#include "kit/clipboard.hpp"
#include "kit/figure_export.hpp"

namespace {

using aelab::lessons::LessonInfo;

constexpr float kNarrow = 800.0f;  // logical px: a narrower window has no sidebar (phones, small iframes)

struct App {
    SDL_Window* window = nullptr;
    bool embed = false;
    bool show_sidebar = true;
    bool show_about = false;
    bool quit = false;
    long frames_left = -1;  // < 0: run until closed
    std::string screenshot_path;
    bool report = false;          // desktop --report: print frame times and the lesson's status at exit
    std::vector<float> frame_ms;  // every frame's duration, for --report
    float busy_ms = 0;            // the last frame's work on this thread (frame())
    std::vector<float> busy_list;  // --report: busy_ms of every frame drawn
    // Redrawing only on change (should_draw): the main loop ticks at the display's rate
    // (requestAnimationFrame; natively a wait of at most kTickMs for an event) and draws a frame
    // only when something may have changed. A tick without one costs almost nothing, so an idle
    // page leaves the CPU to a training worker, to other tabs and to the battery.
    long ticks = 0;                // main-loop ticks (aelabState.frames, --frames counts them)
    double last_draw = -1e9;       // when the last frame was drawn, s
    double awake_until = 0;        // draw every tick until then: input just came (ImGui settles)
    int data_state = -1;           // the dataset's state at the last frame (a change draws)
    bool redraw_always = false;    // redraw=always / --redraw always: a frame every tick (as before)
    // s between frames while a run trains elsewhere: 0.1 (the trainer sends the weights every
    // 100 ms), 0.25 on software GL (SwiftShader, llvmpipe: a frame costs about 56 ms of CPU
    // there, on both cores, which the training worker pays for); redraw_ms=N sets it.
    double training_redraw = 0.1;
    bool software_gl = false;  // the GL renderer is a CPU rasterizer
    double start_time = 0;         // for --report's seconds
    std::string home_message;  // shown on the lesson list, e.g. for an unknown ?lesson=
    std::string lesson_error;  // a lesson that threw: shown instead of it, with a way back
    const LessonInfo* current = nullptr;
    // Lessons created on first open. The most recently opened kKeptLessons stay (a student who
    // looks at another page and comes back finds the run where it was); older ones are dropped,
    // so visiting every lesson does not hold every lesson's models and data (about 275 MB of a
    // phone's memory for all twelve, measured by the soak test).
    std::map<std::string, std::unique_ptr<aelab::lessons::Lesson>> lessons;
    std::vector<std::string> recent;  // lesson ids, most recently opened last
    float font_pixel_ratio = 0;  // the device pixel ratio the font atlas was built for
    float ui_scale = 1;          // desktop: sizes scaled for high-DPI monitors
    float ui_scale_applied = 1;  // the scale the current theme's sizes were built with
    std::vector<SDL_Event> deferred_events;  // key releases held back to the next frame
    // The text view (kit/a11y.hpp): captured while on, at most every 250 ms and right after input.
    bool text_view = false;        // capture (web: on unless textview=0; desktop: the panel or --textview 1)
    bool show_text_panel = false;  // desktop: the View > Text view panel
    bool input_this_frame = false;
    bool show_keys = false;        // the "?" overlay
    double last_capture = -1.0;
    long sent_capture = 0;          // web: the capture last sent to the page
    std::vector<float> capture_ms, draw_ms;  // --report: the lesson's draw on frames with / without a capture
    ImGuiWindow* lesson_window = nullptr;  // the lesson's child window (its scroll is reported to the page)
    // Phones, tablets, small iframes: under kNarrow logical px the sidebar gives way to the
    // Lessons menu; on a touch screen controls grow to finger size and a drag scrolls.
    bool narrow = false;
    bool touch_sizes = false;      // kit::set_touch on (coarse pointer, a finger seen, or --touch 1)
    bool touch_press = false;      // the left button held now went down under a finger
    bool force_touch = false;      // desktop --touch 1: every press is a finger
    struct TouchScroll {
        ImGuiID window = 0;        // the window that holds the drag (0: none)
        // Per direction, the windows under the finger that scroll that way, innermost first: a
        // drag moves the innermost until it reaches its end, then the next (scroll chaining).
        std::vector<ImGuiID> chain[2];
        std::vector<float> chain_start[2];
        bool dragging = false;     // moved far enough to be a scroll, not a tap
        ImVec2 velocity;           // px/s, for the glide after the finger lifts
    } scroll;
};

// --- Textures for the widgets ------------------------------------------------------------------
ImTextureID texture_create(int w, int h) {
    GLuint tex = 0;
    glGenTextures(1, &tex);
    glBindTexture(GL_TEXTURE_2D, tex);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
    return reinterpret_cast<ImTextureID>(static_cast<intptr_t>(tex));
}
void texture_update(ImTextureID id, const std::uint8_t* rgba, int w, int h) {
    glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(reinterpret_cast<intptr_t>(id)));
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
}
void texture_destroy(ImTextureID id) {
    GLuint tex = static_cast<GLuint>(reinterpret_cast<intptr_t>(id));
    glDeleteTextures(1, &tex);
}

// --- Fonts ---------------------------------------------------------------------------------------
#ifdef __EMSCRIPTEN__
const char* const kFontPath = "/fonts/DejaVuSans.ttf";  // packed into aelab.data at link time
#else
const char* const kFontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";  // fonts-dejavu-core
#endif

// Rasterises DejaVu Sans at the device's pixel density (crisp on high-DPI screens) and draws
// it at its logical size; ImGui's built-in font if DejaVu is missing.
void build_fonts(App& app, float pixel_ratio) {
    static const ImWchar ranges[] = {
        0x0020, 0x00FF,  // Basic Latin + Latin-1 (x, superscripts, middle dot)
        0x0370, 0x03FF,  // Greek (sigma, mu, epsilon)
        0x2010, 0x205E,  // punctuation (dashes, ellipsis)
        0x2070, 0x209F,  // super- and subscripts
        0x2190, 0x21FF,  // arrows
        0x2200, 0x22FF,  // mathematical operators
        0x25A0, 0x25FF,  // geometric shapes
        0,
    };
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    const float size = 15.0f * app.ui_scale;
    ImFont* font = nullptr;
    if (FILE* f = std::fopen(kFontPath, "rb")) {
        std::fclose(f);
        font = io.Fonts->AddFontFromFileTTF(kFontPath, size * pixel_ratio, nullptr, ranges);
    }
    if (!font) {
        ImFontConfig cfg;
        cfg.SizePixels = 13.0f * app.ui_scale * pixel_ratio;
        io.Fonts->AddFontDefault(&cfg);
    }
    io.FontGlobalScale = 1.0f / pixel_ratio;
    app.font_pixel_ratio = pixel_ratio;
}

float device_pixel_ratio(SDL_Window* window) {
    int w = 0, h = 0, dw = 0, dh = 0;
    SDL_GetWindowSize(window, &w, &h);
    SDL_GL_GetDrawableSize(window, &dw, &dh);
    return w > 0 ? std::max(1.0f, static_cast<float>(dw) / static_cast<float>(w)) : 1.0f;
}

// --- Page parameters -----------------------------------------------------------------------------
#ifdef __EMSCRIPTEN__
EM_JS(char*, aelab_js_query_string, (), {
    var s = window.location.search || "";
    var n = lengthBytesUTF8(s) + 1;
    var p = _malloc(n);
    stringToUTF8(s, p, n);
    return p;
});

// What the page shows, for the browser tests and for course pages that script the iframe.
EM_JS(void, aelab_js_report_frame, (int ticks, int drawn, const char* lesson, int embed, int sidebar, const char* message,
                                    const char* data_state, const char* lessons, const char* status, float scroll_y,
                                    float scroll_max_y, float overflow_x, float busy_ms, int software_gl,
                                    float training_redraw_ms), {
    Module.aelabState = {
        frames : ticks,               // main-loop ticks (one per animation frame of the browser)
        drawn : drawn,                // frames drawn: the page draws only when something changed
        lesson : UTF8ToString(lesson),
        embed : !!embed,
        sidebar : !!sidebar,
        message : UTF8ToString(message),
        data : UTF8ToString(data_state),
        lessons : UTF8ToString(lessons).split(",").filter(function(s) { return s.length; }),
        status : JSON.parse(UTF8ToString(status)),
        scroll_y : scroll_y,          // the lesson's vertical scroll, px
        scroll_max_y : scroll_max_y,  // how far it can scroll
        overflow_x : overflow_x,      // px the lesson's content is wider than its window (0: it fits)
        busy_ms : busy_ms,            // the previous frame's work on the page's thread, ms
        software_gl : !!software_gl,  // the WebGL renderer rasterizes on the CPU (SwiftShader)
        training_redraw_ms : training_redraw_ms,  // ms between frames while a run trains elsewhere
        // Training workers alive (lessons/kit/train_backend.cpp), which tests count.
        workers : Module.aelabWorkers ? Object.keys(Module.aelabWorkers.live).filter(function(k) {
            return Module.aelabWorkers.live[k].worker; }).length : 0
    };
});

// A tick without a frame: the state is as it was, time went on.
EM_JS(void, aelab_js_report_tick, (int ticks), {
    if (Module.aelabState) Module.aelabState.frames = ticks;
});
// Something for the module arrived outside a frame (a training snapshot, a file): the page's
// scripts set Module.aelabWake.
EM_JS(int, aelab_js_take_wake, (), {
    const w = Module.aelabWake ? 1 : 0;
    Module.aelabWake = 0;
    return w;
});

// The text view and the live region live in the page (aelab-ui.js builds them).
EM_JS(void, aelab_js_text_view, (const char* json), {
    if (window.aelabUI) window.aelabUI.textView(UTF8ToString(json));
});
EM_JS(void, aelab_js_announce, (const char* message, int urgent), {
    if (window.aelabUI) window.aelabUI.announce(UTF8ToString(message), !!urgent);
});

// A finger (or a stylus) is the page's main pointer: phones, tablets.
// The WebGL renderer's name behind the browser's mask (WEBGL_debug_renderer_info), "" when hidden.
EM_JS(char*, aelab_js_gl_renderer, (), {
    let name = "";
    try {
        const gl = (typeof GLctx !== "undefined" && GLctx) || Module.ctx;
        const ext = gl && gl.getExtension("WEBGL_debug_renderer_info");
        name = ext ? String(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL)) : "";
    } catch (e) {
    }
    const n = lengthBytesUTF8(name) + 1;
    const p = _malloc(n);
    stringToUTF8(name, p, n);
    return p;
});

// Logical cores (navigator.hardwareConcurrency; 2 when the browser does not say).
EM_JS(int, aelab_js_cores, (), {
    const n = typeof navigator !== "undefined" ? Number(navigator.hardwareConcurrency) : 0;
    return n >= 1 ? Math.min(n, 256) : 2;
});

EM_JS(int, aelab_js_coarse_pointer, (), {
    return window.matchMedia && window.matchMedia("(pointer: coarse)").matches ? 1 : 0;
});
bool coarse_pointer() { return aelab_js_coarse_pointer() != 0 || aelab::platform::param("touch") == "1"; }
std::string gl_renderer() {
    char* raw = aelab_js_gl_renderer();
    const std::string name = raw;
    std::free(raw);
    return name;
}

// The theme the reader's system asks for, when the link names none.
EM_JS(int, aelab_js_preferred_theme, (), {
    if (!window.matchMedia) return 0;
    if (window.matchMedia("(prefers-contrast: more)").matches || window.matchMedia("(forced-colors: active)").matches) return 2;
    return window.matchMedia("(prefers-color-scheme: light)").matches ? 1 : 0;
});
aelab::kit::Theme preferred_theme() {
    const int t = aelab_js_preferred_theme();
    return t == 2 ? aelab::kit::Theme::contrast : t == 1 ? aelab::kit::Theme::light : aelab::kit::Theme::dark;
}

std::map<std::string, std::string> page_params(int, char**) {
    char* raw = aelab_js_query_string();
    const std::string q = raw;
    std::free(raw);
    return aelab::platform::parse_query(q);
}
#else
aelab::kit::Theme preferred_theme() { return aelab::kit::Theme::dark; }
bool coarse_pointer() { return aelab::platform::param("touch") == "1"; }
std::string gl_renderer() {
    const auto* name = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
    return name ? name : "";
}

std::map<std::string, std::string> page_params(int argc, char** argv) {
    std::map<std::string, std::string> out;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a.rfind("--", 0) != 0) continue;
        std::string key = a.substr(2);
        if (key == "embed" || key == "help" || key == "list-lessons" || key == "report") {
            out[key] = "1";
        } else if (i + 1 < argc) {
            out[key] = argv[++i];
        } else {
            out["bad-flag"] = a;
        }
    }
    return out;
}
#endif

// --- Layout -----------------------------------------------------------------------------------------
// Runs a lesson's constructor or frame. Lessons catch their own errors; anything that still
// escapes (a bug, or memory running out) must not take the page down: the lesson is dropped and
// the page says what happened and offers to reopen it. ImGui's window stack is unwound back to
// the lesson window (`base`, or none) so the frame still ends cleanly.
template <class F>
bool guarded(App& app, ImGuiWindow* base, F&& f) {
    try {
        f();
        return true;
    } catch (const std::exception& e) {
        app.lesson_error = std::string(app.current ? app.current->title : "The page") + " stopped: " +
                           (dynamic_cast<const std::bad_alloc*>(&e) ? std::string("out of memory") : std::string(e.what()));
    } catch (...) {
        app.lesson_error = "The lesson stopped on an unknown error.";
    }
    std::fprintf(stderr, "aelab: %s\n", app.lesson_error.c_str());
    aelab::a11y::announce(app.lesson_error, true);
    ImGuiContext& g = *ImGui::GetCurrentContext();
    if (base) {
        while (g.CurrentWindow && g.CurrentWindow != base && g.CurrentWindowStack.Size > 1) {
            ImGui::ErrorCheckEndWindowRecover(nullptr);
            if (g.CurrentWindow->Flags & ImGuiWindowFlags_ChildWindow) ImGui::EndChild(); else ImGui::End();
        }
        if (g.CurrentWindow == base) ImGui::ErrorCheckEndWindowRecover(nullptr);
    }
    if (app.current) app.lessons.erase(app.current->id);
    return false;
}

// Makes the lesson (guarded): on failure the page shows the error instead.
constexpr std::size_t kKeptLessons = 3;

// Marks the lesson as the most recent one and drops the oldest beyond kKeptLessons.
void keep_recent(App& app, const std::string& id) {
    app.recent.erase(std::remove(app.recent.begin(), app.recent.end(), id), app.recent.end());
    app.recent.push_back(id);
    while (app.recent.size() > kKeptLessons) {
        app.lessons.erase(app.recent.front());
        app.recent.erase(app.recent.begin());
    }
}

void make_lesson(App& app, const LessonInfo* info) {
    app.lesson_error.clear();
    keep_recent(app, info->id);
    guarded(app, nullptr, [&] { app.lessons[info->id] = info->make(); });
}

void draw_lesson_error(App& app) {
    ImGui::TextColored(aelab::kit::palette::text(aelab::kit::palette::text_error), "%s", app.lesson_error.c_str());
    ImGui::TextWrapped("Nothing else on the page is affected. Reopen the lesson to start it again from its link, "
                       "or choose another lesson.");
    if (ImGui::Button("Reopen the lesson") && app.current) make_lesson(app, app.current);
    ImGui::SameLine();
    if (ImGui::Button("All lessons")) {
        app.lesson_error.clear();
        app.current = nullptr;
        aelab::platform::set_param("lesson", "");
    }
}

void open_lesson(App& app, const LessonInfo* info) {
    if (app.current != info) {
        aelab::platform::keep_only_params({"lesson", "embed", "theme", "textview", "hide", "touch"});
        aelab::platform::clear_status();
    }
    app.current = info;
    app.home_message.clear();
    aelab::platform::set_param("lesson", info ? info->id : "");
    app.lesson_error.clear();
    if (info && !app.lessons.count(info->id)) make_lesson(app, info);
    else if (info) keep_recent(app, info->id);
}

void select_initial_lesson(App& app, const std::string& id) {
    if (id.empty()) return;
    const LessonInfo* info = aelab::lessons::find_lesson(id);
    if (!info) {
        app.home_message = "There is no lesson called \"" + aelab::printable(id) + "\". Choose one from the list.";
        return;
    }
    // The link's own parameters (lesson state) stay: open without clearing them.
    app.current = info;
    make_lesson(app, info);
}

void draw_lesson_list(App& app) {
    ImGui::TextUnformatted("Lessons");
    ImGui::Separator();
    aelab::kit::push_touch_rows();
    for (const auto& l : aelab::lessons::registry()) {
        if (ImGui::Selectable(l.title, app.current == &l)) open_lesson(app, &l);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s\n?lesson=%s", l.blurb, l.id);
    }
    aelab::kit::pop_touch_rows();
}

void draw_home(App& app) {
    ImGui::TextWrapped("aelab: convolution and autoencoders, step by step");
    ImGui::Separator();
    if (!app.home_message.empty()) {
        ImGui::TextColored(aelab::kit::palette::text(aelab::kit::palette::text_warning), "%s", app.home_message.c_str());
        ImGui::Spacing();
    }
    ImGui::TextWrapped("Every page computes with the same C++ core that students can run natively, and shows each "
                       "step: the window, the numbers, the sum, the result.");
    ImGui::Spacing();
    for (const auto& l : aelab::lessons::registry()) {
        const float label_w = ImGui::CalcTextSize(l.title).x + 2 * ImGui::GetStyle().FramePadding.x;
        const float button_w = std::min(std::max(260 * app.ui_scale, label_w), ImGui::GetContentRegionAvail().x);
        if (ImGui::Button(l.title, ImVec2(button_w, 0))) open_lesson(app, &l);
        aelab::ui::same_line_if_fits(ImGui::CalcTextSize(l.blurb).x);
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
        ImGui::TextWrapped("%s", l.blurb);
        ImGui::PopStyleColor();
    }
}

void draw_about(App& app) {
    if (app.show_about) {
        ImGui::OpenPopup("About aelab");
        app.show_about = false;
    }
    if (ImGui::BeginPopupModal("About aelab", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
        auto b = aelab::platform::build_info();
        ImGui::Text("aelab %s", b.version);
        ImGui::Text("Build: %s, %s", b.build_type, b.target);
        ImGui::Text("SIMD: %s", b.simd);
        ImGui::Text("Dear ImGui %s, SDL %d.%d.%d", IMGUI_VERSION, SDL_MAJOR_VERSION, SDL_MINOR_VERSION, SDL_PATCHLEVEL);
        ImGui::Text("Data: Fashion-MNIST (Zalando Research, MIT licence)");
        if (ImGui::Button("Close")) ImGui::CloseCurrentPopup();
        ImGui::EndPopup();
    }
}

// The "?" overlay: every key the pages answer to.
void draw_keys(App& app) {
    ImGuiIO& io = ImGui::GetIO();
    if (!io.WantTextInput)
        for (ImWchar c : io.InputQueueCharacters)
            if (c == '?') app.show_keys = !app.show_keys;
    if (app.show_keys && !ImGui::IsPopupOpen("Keyboard")) ImGui::OpenPopup("Keyboard");
    ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    // Called every frame: with show_keys false it closes the popup.
    if (ImGui::BeginPopupModal("Keyboard", &app.show_keys, ImGuiWindowFlags_AlwaysAutoResize)) {
        // ImGui 1.86's modals ignore Escape: close on it, so the keyboard is never trapped here.
        if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) app.show_keys = false;
        static const char* const keys[][2] = {
            {"Tab / Shift+Tab", "next / previous number field"},
            {"Arrow keys", "move between controls (the focus ring shows where)"},
            {"Space or Enter", "press the focused button, tick a box, open a section"},
            {"Enter on a slider", "type its value, Enter again to set it"},
            {"Left / Right", "on a step controller: previous / next step"},
            {"Home / End", "on a step controller: first / last step"},
            {"Space", "on a step controller: play / pause"},
            {"Ctrl+Tab", "switch between the sidebar, the lesson and other panels"},
            {"Escape", "close a popup; with nothing open, leave the lesson for the rest of the page"},
            {"?", "show or hide this list"},
        };
        if (ImGui::BeginTable("keys", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) {
            for (const auto& k : keys) {
                ImGui::TableNextRow();
                ImGui::TableSetColumnIndex(0);
                ImGui::TextUnformatted(k[0]);
                ImGui::TableSetColumnIndex(1);
                ImGui::TextUnformatted(k[1]);
            }
            ImGui::EndTable();
        }
        ImGui::TextWrapped("In a web page, the text view beside the lesson has the same controls as HTML for screen "
                           "readers; Escape moves the focus there.");
        if (ImGui::Button("Close")) app.show_keys = false;
        if (!app.show_keys) ImGui::CloseCurrentPopup();
        ImGui::EndPopup();
    }
    aelab::a11y::resume();
}

// Desktop: the text view as a panel (the web page shows it as HTML).
void draw_text_panel(App& app) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x - 8, vp->WorkPos.y + 8), ImGuiCond_FirstUseEver, ImVec2(1, 0));
    ImGui::SetNextWindowSize(ImVec2(420 * app.ui_scale, vp->WorkSize.y * 0.9f), ImGuiCond_FirstUseEver);
    if (ImGui::Begin("Text view", &app.show_text_panel)) {
        const auto& doc = aelab::a11y::document();
        ImGui::TextDisabled("What a screen reader reads (capture %ld)", doc.capture);
        ImGui::Separator();
        const std::string text = aelab::a11y::document_text(doc);
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextUnformatted(text.c_str());
        ImGui::PopTextWrapPos();
    }
    ImGui::End();
    if (!app.show_text_panel) app.text_view = aelab::platform::param("textview") == "hidden";
}

void draw_frame_readout() {
    const ImGuiIO& io = ImGui::GetIO();
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f ms/frame (%.0f FPS)", 1000.0f / std::max(io.Framerate, 0.001f), io.Framerate);
    const float x = ImGui::GetWindowWidth() - ImGui::CalcTextSize(buf).x - 16;
    ImGui::SameLine();
    if (x < ImGui::GetCursorPosX()) return;  // a phone's menu bar has no room for it
    ImGui::SameLine(x);
    ImGui::TextDisabled("%s", buf);
}

void draw_ui(App& app) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    app.narrow = vp->WorkSize.x < kNarrow * app.ui_scale;
    if (!app.embed && !aelab::platform::hidden("menu") && ImGui::BeginMainMenuBar()) {
        if (ImGui::BeginMenu("Lessons")) {
            aelab::kit::push_touch_rows();
            if (ImGui::MenuItem("Overview")) app.current = nullptr, app.home_message.clear();
            for (const auto& l : aelab::lessons::registry())
                if (ImGui::MenuItem(l.title, nullptr, app.current == &l)) open_lesson(app, &l);
            aelab::kit::pop_touch_rows();
            ImGui::EndMenu();
        }
        if (ImGui::BeginMenu("View")) {
            aelab::kit::push_touch_rows();
            if (!app.narrow) ImGui::MenuItem("Lesson sidebar", nullptr, &app.show_sidebar);
            using aelab::kit::Theme;
            for (Theme t : {Theme::dark, Theme::light, Theme::contrast}) {
                const char* names[] = {"Dark theme", "Light theme", "High contrast"};
                if (ImGui::MenuItem(names[int(t)], nullptr, aelab::kit::current_theme() == t)) {
                    aelab::kit::apply_theme(t, app.ui_scale_applied);
                    aelab::platform::set_param("theme", aelab::kit::theme_name(t));
                }
            }
#ifndef __EMSCRIPTEN__
            if (ImGui::MenuItem("Text view", nullptr, &app.show_text_panel) && app.show_text_panel) app.text_view = true;
#endif
            // figures: the whole window as a PNG, read from the framebuffer once the menu has closed
            if (!aelab::platform::hidden("export") && ImGui::MenuItem("Save view as PNG")) aelab::ui::request_view_capture();
            aelab::kit::pop_touch_rows();
            ImGui::EndMenu();
        }
        if (ImGui::BeginMenu("Help")) {
            aelab::kit::push_touch_rows();
            if (ImGui::MenuItem("Keyboard", "?")) app.show_keys = true;
            if (ImGui::MenuItem("About aelab")) app.show_about = true;
            aelab::kit::pop_touch_rows();
            ImGui::EndMenu();
        }
        draw_frame_readout();
        ImGui::EndMainMenuBar();
    }
    ImGui::SetNextWindowPos(vp->WorkPos);
    ImGui::SetNextWindowSize(vp->WorkSize);
    ImGui::Begin("aelab", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus);
    if (!app.embed && app.show_sidebar && !app.narrow && !aelab::platform::hidden("sidebar")) {
        ImGui::BeginChild("sidebar", ImVec2(220 * app.ui_scale, 0), true, ImGuiWindowFlags_NavFlattened);
        draw_lesson_list(app);
        ImGui::EndChild();
        ImGui::SameLine();
    }
    // Figures wider than a phone (a zoomed image, a big number grid) scroll sideways, while text
    // wraps at the visible right edge: with a horizontal scrollbar ImGui widens the work area to the
    // widest figure, and TextWrapped and section headers would follow it there.
    ImGui::BeginChild("lesson", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar | ImGuiWindowFlags_NavFlattened);
    ImGuiWindow* lw = app.lesson_window = ImGui::GetCurrentWindow();
    lw->WorkRect.Max.x = std::min(lw->WorkRect.Max.x, lw->WorkRect.Min.x + lw->Size.x - 2.0f * lw->WindowPadding.x -
                                                          lw->ScrollbarSizes.x);
    lw->ParentWorkRect = lw->WorkRect;
    const double now = ImGui::GetTime();
    const bool capture = app.text_view && (app.input_this_frame || aelab::a11y::action_pending() ||
                                           app.last_capture < 0 || now - app.last_capture >= 0.25);
    const Uint64 capture_t0 = SDL_GetPerformanceCounter();
    if (capture) {
        aelab::a11y::begin_capture();
        app.last_capture = now;
        aelab::a11y::heading(1, app.current ? app.current->title : "aelab: convolution and autoencoders, step by step");
    }
    if (app.current) {
        ImGui::TextUnformatted(app.current->title);
        ImGui::Separator();
        const auto it = app.lessons.find(app.current->id);
        if (it == app.lessons.end() || !app.lesson_error.empty())
            draw_lesson_error(app);
        else
            guarded(app, lw, [&] {
                it->second->draw();
                // The smoke test's check of the guard: AELAB_TEST_THROW_AT_FRAME=N throws from
                // inside a child window, a table and an ID scope of the lesson at frame N.
                static const long throw_at = std::getenv("AELAB_TEST_THROW_AT_FRAME") ? std::atol(std::getenv("AELAB_TEST_THROW_AT_FRAME")) : -1;
                if (ImGui::GetFrameCount() == throw_at) {
                    ImGui::BeginChild("injected");
                    ImGui::PushID("injected");
                    ImGui::BeginTable("injected", 2);  // open or clipped: the guard unwinds either
                    throw aelab::Error("injected by AELAB_TEST_THROW_AT_FRAME");
                }
            });
    } else {
        draw_home(app);
    }
    // Runs the shown lesson did not advance this frame (another lesson is showing) pause.
    aelab::lessons::LiveTraining::end_frame();
    draw_keys(app);  // inside the capture: the text view lists the keys too
    if (capture) aelab::a11y::end_capture();
    if (app.report)  // the lesson's draw, with and without a capture of the text view
        (capture ? app.capture_ms : app.draw_ms)
            .push_back(float(double(SDL_GetPerformanceCounter() - capture_t0) * 1000.0 / double(SDL_GetPerformanceFrequency())));
    ImGui::EndChild();
    ImGui::End();
    draw_about(app);
    if (app.show_text_panel) draw_text_panel(app);
    aelab::ui::draw_figure_status();  // figures: "downloaded as ...png" for a few seconds
}

// figures: a rectangle of the frame just drawn (before the swap, so WebGL needs no
// preserveDrawingBuffer), for kit/figure_export.hpp's plot and whole-view PNGs.
void read_framebuffer(int x, int y, int w, int h, std::uint8_t* rgba) {
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(x, y, w, h, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
}

#ifndef __EMSCRIPTEN__
void save_screenshot(SDL_Window* window, const std::string& path) {
    int w = 0, h = 0;
    SDL_GL_GetDrawableSize(window, &w, &h);
    std::vector<unsigned char> px(std::size_t(w) * h * 4), flipped(px.size());
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
    for (int y = 0; y < h; ++y)
        std::copy_n(&px[std::size_t(h - 1 - y) * w * 4], std::size_t(w) * 4, &flipped[std::size_t(y) * w * 4]);
    try {
        const std::vector<std::uint8_t> png = aelab::encode_png(flipped, w, h, 4);
        std::ofstream f(path, std::ios::binary);
        f.write(reinterpret_cast<const char*>(png.data()), static_cast<std::streamsize>(png.size()));
        if (!f) throw aelab::Error("cannot write the file");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "aelab: could not write screenshot %s: %s\n", path.c_str(), e.what());
    }
}
#endif

// The lesson's status (platform::set_status) as one JSON object of strings.
std::string status_json() {
    auto quoted = [](const std::string& s) {
        std::string q = "\"";
        for (char c : s) q += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
        return q + "\"";
    };
    std::string json = "{";
    for (const auto& kv : aelab::platform::status())
        json += (json.size() > 1 ? "," : "") + quoted(kv.first) + ":" + quoted(kv.second);
    return json + "}";
}

// Whether the GL context rasterizes on the CPU (then every frame drawn costs CPU time that a
// training worker or thread would use).
bool software_renderer() {
    const std::string r = gl_renderer();
    for (const char* cpu : {"SwiftShader", "llvmpipe", "softpipe", "Software Rasterizer"})
        if (r.find(cpu) != std::string::npos) return true;
    return false;
}

double seconds_now() { return double(SDL_GetPerformanceCounter()) / double(SDL_GetPerformanceFrequency()); }

#ifndef __EMSCRIPTEN__
// --report: one JSON line with the frame times after the first 30 frames (the window opening and
// the lesson building its models) and the lesson's status, for measurements from a shell.
void print_report(const App& app) {
    // frames: ticks of the main loop; drawn: frames drawn (frame_ms: the time between two drawn
    // frames; busy_ms: the work of drawing one). Times leave out the first 30 frames.
    auto settled = [](const std::vector<float>& v) {
        std::vector<float> s(v.begin() + std::min<std::size_t>(30, v.size()), v.end());
        std::sort(s.begin(), s.end());
        return s;
    };
    auto at = [](const std::vector<float>& s, double q) { return s.empty() ? 0.0 : double(s[std::size_t(q * double(s.size() - 1))]); };
    auto median = [](std::vector<float> v) {
        std::sort(v.begin(), v.end());
        return v.empty() ? 0.0 : double(v[v.size() / 2]);
    };
    const std::vector<float> ms = settled(app.frame_ms), busy = settled(app.busy_list);
    std::printf("{\"frames\": %ld, \"drawn\": %zu, \"seconds\": %.2f, \"frame_ms_median\": %.2f, \"frame_ms_p95\": %.2f, "
                "\"frame_ms_max\": %.2f, \"busy_ms_median\": %.2f, \"busy_ms_p95\": %.2f, \"software_gl\": %d, \"training_redraw_ms\": %.0f, "
                "\"draw_ms_median\": %.3f, \"captures\": %zu, \"capture_draw_ms_median\": %.3f, \"status\": %s}\n",
                app.ticks, app.frame_ms.size(), seconds_now() - app.start_time, at(ms, 0.5), at(ms, 0.95), at(ms, 1.0),
                median(busy), at(busy, 0.95), app.software_gl ? 1 : 0, 1000.0 * app.training_redraw, median(app.draw_ms), app.capture_ms.size(), median(app.capture_ms), status_json().c_str());
    std::fflush(stdout);
}
#endif

// Finger-sized controls (kit::set_touch), from the first touch on, or from the start on a phone.
void enable_touch_sizes(App& app) {
    if (app.touch_sizes) return;
    app.touch_sizes = true;
    aelab::kit::set_touch(true, 15.0f * app.ui_scale, app.ui_scale_applied);
}

// Touch: a finger dragged across the lesson scrolls it (both ways), as on any phone page, and
// glides on a little after it lifts. A drag that edits a control (a slider, a number being dragged,
// text being selected, a scrollbar) stays with the control; a tap still presses. Mouse input keeps
// ImGui's own behaviour. Called after the frame's widgets, before Render.
void touch_scroll(App& app) {
    ImGuiContext& g = *ImGui::GetCurrentContext();
    ImGuiIO& io = g.IO;
    App::TouchScroll& ts = app.scroll;
    const float dt = std::max(io.DeltaTime, 1e-4f);
    if (io.MouseClicked[0]) {
        ts = App::TouchScroll{};
        if (!app.touch_press) return;
        for (ImGuiWindow* w = g.HoveredWindow; w; w = (w->Flags & ImGuiWindowFlags_ChildWindow) ? w->ParentWindow : nullptr)
            for (int a = 0; a < 2; ++a)
                if (w->ScrollMax[a] > 0.0f) {
                    ts.chain[a].push_back(w->ID);
                    ts.chain_start[a].push_back(w->Scroll[a]);
                    if (!ts.window) ts.window = w->ID;
                }
        return;
    }
    ImGuiWindow* w = ts.window ? ImGui::FindWindowByID(ts.window) : nullptr;
    if (!w || !app.touch_press) {
        ts = App::TouchScroll{};
        return;
    }
    // Moves a direction's chain by `amount` from `from` (each window's start, or where it is now).
    auto move = [&](int a, float amount, bool from_start) {
        for (std::size_t i = 0; i < ts.chain[a].size(); ++i) {
            ImGuiWindow* cw = ImGui::FindWindowByID(ts.chain[a][i]);
            if (!cw) continue;
            const float base = from_start ? ts.chain_start[a][i] : cw->Scroll[a];
            const float target = base + amount, got = std::clamp(target, 0.0f, cw->ScrollMax[a]);
            if (a == 0) ImGui::SetScrollX(cw, got);
            else ImGui::SetScrollY(cw, got);
            amount = target - got;  // what this window could not take goes to the next one out
            if (from_start) continue;  // from the start every window is placed
            if (amount == 0.0f) break;
        }
    };
    auto scroll_by = [&](ImVec2 total_from_start) { move(0, total_from_start.x, true), move(1, total_from_start.y, true); };
    if (io.MouseDown[0]) {
        const ImVec2 d(io.MousePos.x - io.MouseClickedPos[0].x, io.MousePos.y - io.MouseClickedPos[0].y);
        if (!ts.dragging) {
            const float threshold = 10.0f * app.ui_scale;
            if (d.x * d.x + d.y * d.y < threshold * threshold) return;
            const ImGuiID active = g.ActiveId;
            ImGuiWindow* aw = g.ActiveIdWindow;
            const bool grabbed_window = active != 0 && aw && active == aw->MoveId;
            const bool keeps = active != 0 && !grabbed_window &&
                               (g.ActiveIdHasBeenEditedBefore || (g.InputTextState.ID == active) ||
                                (aw && (active == ImGui::GetWindowScrollbarID(aw, ImGuiAxis_X) ||
                                        active == ImGui::GetWindowScrollbarID(aw, ImGuiAxis_Y))));
            if (keeps) {
                ts = App::TouchScroll{};
                return;
            }
            ts.dragging = true;
            // The window holds the press from now on: the button under the finger will not fire
            // on release, and nothing else lights up while the page moves.
            ImGui::SetActiveID(w->MoveId, w);
        }
        const ImVec2 v(-io.MouseDelta.x / dt, -io.MouseDelta.y / dt);
        ts.velocity = ImVec2(ts.velocity.x * 0.6f + v.x * 0.4f, ts.velocity.y * 0.6f + v.y * 0.4f);
        scroll_by(ImVec2(-d.x, -d.y));
        return;
    }
    // Lifted: glide, slowing down.
    if (!ts.dragging || (std::fabs(ts.velocity.x) < 20.0f && std::fabs(ts.velocity.y) < 20.0f)) {
        ts = App::TouchScroll{};
        return;
    }
    move(0, ts.velocity.x * dt, false);
    move(1, ts.velocity.y * dt, false);
    const float decay = std::exp(-4.0f * dt);
    ts.velocity = ImVec2(ts.velocity.x * decay, ts.velocity.y * decay);
}

void frame_body(App& app);

// One frame, timed: busy_ms is the page thread's own work in it (the lesson, ImGui, submitting
// GL), reported to scripts as aelabState.busy_ms (fps.mjs: is the page thread busier while a
// worker trains?).
constexpr double kSettleSeconds = 0.5;  // frames drawn after input: popups open, layouts settle
constexpr double kIdleRedraw = 0.25;    // s: an idle page still draws 4 frames a second
#ifndef __EMSCRIPTEN__
constexpr int kTickMs = 16;  // desktop: a tick waits at most this long for an event
#endif

// Whether this tick draws a frame: input (or a text view action, a lesson opened by a script)
// and the half second after it; whatever asked for the next frame (an animation, a slice of
// work, a fetch or a file that arrived); a run training on the page's own thread, every tick;
// a run training elsewhere, every training_redraw s (its snapshots: the curves and the views);
// the dataset's state changing; text being edited or a mouse button or key held (ImGui repeats
// and blinks on its own); and otherwise every kIdleRedraw s.
bool should_draw(App& app, double now) {
    if (app.redraw_always || app.frames_left == 1) return true;  // --frames: the last one is drawn
    SDL_PumpEvents();
    const ImGuiIO& io = ImGui::GetIO();
    bool held = io.WantTextInput || ImGui::IsAnyMouseDown();
    for (bool down : io.KeysDown) held = held || down;
    if (!app.deferred_events.empty() || SDL_HasEvents(SDL_FIRSTEVENT, SDL_LASTEVENT) || aelab::a11y::action_pending() ||
        held)
        app.awake_until = std::max(app.awake_until, now + kSettleSeconds);
    bool news = aelab::platform::take_frame_request();
    bool arrived = false;
#ifdef __EMSCRIPTEN__
    arrived = aelab_js_take_wake() != 0;
#endif
    const int data = static_cast<int>(aelab::platform::fashion_mnist_state());
    news = news || data != app.data_state;
    using aelab::lessons::LiveTraining;
    const LiveTraining::Redraw need = LiveTraining::redraw_need();
    if (now < app.awake_until || news || need == LiveTraining::Redraw::every_frame) return true;
    const bool training = arrived || need == LiveTraining::Redraw::periodic;
    return now - app.last_draw >= (training ? app.training_redraw : kIdleRedraw);
}

// One tick: a frame when should_draw says so, timed: busy_ms is the page thread's own work in it
// (the lesson, ImGui, submitting GL), reported to scripts as aelabState.busy_ms (fps.mjs: is the
// page thread busier while a worker trains?).
void frame(void* arg) {
    App& app = *static_cast<App*>(arg);
    ++app.ticks;
    const double now = seconds_now();
    if (!should_draw(app, now)) {
#ifdef __EMSCRIPTEN__
        aelab_js_report_tick(int(app.ticks));
#else
        if (app.frames_left > 1) --app.frames_left;
        SDL_WaitEventTimeout(nullptr, kTickMs);
#endif
        return;
    }
    app.last_draw = now;
    app.data_state = static_cast<int>(aelab::platform::fashion_mnist_state());
    const auto t0 = SDL_GetPerformanceCounter();
    frame_body(app);
    app.busy_ms = float(double(SDL_GetPerformanceCounter() - t0) * 1000.0 / double(SDL_GetPerformanceFrequency()));
    if (app.report) app.busy_list.push_back(app.busy_ms);
}

void frame_body(App& app) {
    // ImGui 1.86 reads key state once per frame, so a key pressed and released between two
    // frames (a quick tap, two quick arrow presses, or a slow frame) would be lost: each key
    // changes at most once per frame, and its later events wait for the next frames, in order.
    std::vector<SDL_Event> events;
    events.swap(app.deferred_events);
    app.input_this_frame = !events.empty();
    SDL_Event polled;
    while (SDL_PollEvent(&polled)) events.push_back(polled);
    std::vector<SDL_Scancode> changed;  // keys that went down or up this frame
    for (SDL_Event& e : events) {
        if (e.type == SDL_KEYDOWN || e.type == SDL_KEYUP) {
            const SDL_Scancode sc = e.key.keysym.scancode;
            if (std::find(changed.begin(), changed.end(), sc) != changed.end()) {
                app.deferred_events.push_back(e);
                continue;
            }
            changed.push_back(sc);
        }
        if (e.type == SDL_KEYDOWN || e.type == SDL_KEYUP || e.type == SDL_TEXTINPUT || e.type == SDL_MOUSEBUTTONUP ||
            e.type == SDL_MOUSEWHEEL || e.type == SDL_FINGERUP)
            app.input_this_frame = true;
        if (e.type == SDL_FINGERDOWN) enable_touch_sizes(app);
        if (e.type == SDL_MOUSEBUTTONDOWN && e.button.button == SDL_BUTTON_LEFT)
            app.touch_press = app.force_touch || e.button.which == SDL_TOUCH_MOUSEID;
        ImGui_ImplSDL2_ProcessEvent(&e);
        if (e.type == SDL_QUIT) app.quit = true;
        // --- Your own images: a file dropped on the window waits for the lesson's image input.
        if (e.type == SDL_DROPFILE && e.drop.file) {
            aelab::platform::queue_image_file(e.drop.file);
            SDL_free(e.drop.file);
            app.input_this_frame = true;
        }
        if (e.type == SDL_WINDOWEVENT && e.window.event == SDL_WINDOWEVENT_CLOSE &&
            e.window.windowID == SDL_GetWindowID(app.window))
            app.quit = true;
    }
    float ratio = device_pixel_ratio(app.window);
    if (std::fabs(ratio - app.font_pixel_ratio) > 0.01f) {  // moved to another screen, zoomed
        build_fonts(app, ratio);
        ImGui_ImplOpenGL3_DestroyFontsTexture();
        ImGui_ImplOpenGL3_CreateFontsTexture();
    }
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplSDL2_NewFrame();
    aelab::a11y::before_new_frame();  // DOM / panel actions enter as navigation and typing
    ImGuiIO& io = ImGui::GetIO();
    if (io.DeltaTime <= 0.0f) io.DeltaTime = 1e-4f;  // coarse browser timers can give 0
    ImGui::NewFrame();
    draw_ui(app);
    touch_scroll(app);
    ImGui::Render();
    glViewport(0, 0, static_cast<int>(io.DisplaySize.x * io.DisplayFramebufferScale.x),
               static_cast<int>(io.DisplaySize.y * io.DisplayFramebufferScale.y));
    const ImVec4 clear = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];  // the theme's window colour
    glClearColor(clear.x, clear.y, clear.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    aelab::ui::after_render(read_framebuffer, static_cast<int>(io.DisplaySize.x * io.DisplayFramebufferScale.x),
                            static_cast<int>(io.DisplaySize.y * io.DisplayFramebufferScale.y));  // figures
    aelab::ui::collect_textures();
#ifdef __EMSCRIPTEN__
    static const std::string lesson_ids = [] {
        std::string ids;
        for (const auto& l : aelab::lessons::registry()) ids += std::string(ids.empty() ? "" : ",") + l.id;
        return ids;
    }();
    static const char* const data_states[] = {"idle", "loading", "ready", "failed"};
    const std::string status = status_json();
    // A new capture goes to the page (which updates only the elements that changed); frames
    // without one send nothing and build no JSON.
    if (app.text_view && aelab::a11y::document().capture != app.sent_capture) {
        app.sent_capture = aelab::a11y::document().capture;
        aelab_js_text_view(aelab::a11y::document_json(aelab::a11y::document()).c_str());
    }
    for (const auto& a : aelab::a11y::take_announcements()) aelab_js_announce(a.message.c_str(), a.urgent);
    aelab_js_report_frame(int(app.ticks), ImGui::GetFrameCount(), app.current ? app.current->id : "", app.embed,
                          !app.embed && app.show_sidebar && !app.narrow && !aelab::platform::hidden("sidebar"), app.home_message.c_str(),
                          data_states[static_cast<int>(aelab::platform::fashion_mnist_state())], lesson_ids.c_str(),
                          status.c_str(), app.lesson_window ? app.lesson_window->Scroll.y : 0.0f,
                          app.lesson_window ? app.lesson_window->ScrollMax.y : 0.0f,
                          app.lesson_window ? app.lesson_window->ScrollMax.x : 0.0f, app.busy_ms,
                          app.software_gl ? 1 : 0, float(1000.0 * app.training_redraw));
#else
    if (app.report) app.frame_ms.push_back(1000.0f * io.DeltaTime);
    if (app.frames_left > 0 && --app.frames_left == 0) {
        if (!app.screenshot_path.empty()) save_screenshot(app.window, app.screenshot_path);
        if (app.report) print_report(app);
        const std::string text_out = aelab::platform::param("text-out");
        if (!text_out.empty()) {  // the text view as plain text (tests, checking a lesson's words)
            if (FILE* f = std::fopen(text_out.c_str(), "w")) {
                const std::string t = aelab::a11y::document_text(aelab::a11y::document());
                std::fwrite(t.data(), 1, t.size(), f);
                std::fclose(f);
            } else {
                std::fprintf(stderr, "aelab: cannot write %s\n", text_out.c_str());
            }
        }
        app.quit = true;
    }
#endif
    SDL_GL_SwapWindow(app.window);
}

App* g_app = nullptr;

#ifdef __EMSCRIPTEN__  // the page's aelab_set_params (below) is its only caller
// A script changed the page (a course page's "set" message, a lesson opened by a script): frames
// are drawn for the same half second as after input, so a reopened lesson's layout and its text
// view settle (one frame would leave the text view a frame behind until the idle redraw).
void settle_after_script(App& app) { app.awake_until = std::max(app.awake_until, seconds_now() + kSettleSeconds); }

void g_app_set_params(const std::string& query) {
    App& app = *g_app;
    bool reopen = false;
    std::size_t pos = 0;
    while (pos < query.size()) {
        std::size_t amp = query.find('\n', pos);  // one "key=value" per line, not URL-encoded
        if (amp == std::string::npos) amp = query.size();
        const std::string kv = query.substr(pos, amp - pos);
        pos = amp + 1;
        const std::size_t eq = kv.find('=');
        if (kv.empty() || eq == 0 || eq == std::string::npos || kv.size() > 4096) continue;
        const std::string key = kv.substr(0, eq), value = kv.substr(eq + 1);
        if (key == "lesson" || key == "embed") continue;  // the page chose these
        aelab::platform::set_param(key, value);
        if (key == "theme")
            aelab::kit::apply_theme(aelab::kit::theme_from_name(value, aelab::kit::current_theme()), app.ui_scale_applied);
        else if (key != "section" && key != "hide" && key != "textview")
            reopen = true;
    }
    if (reopen && app.current) {
        aelab::platform::clear_status();
        make_lesson(app, app.current);
    }
}
#endif
}  // namespace

#ifdef __EMSCRIPTEN__
// What the page's HTML controls call (aelab-ui.js): the same actions as keyboard input on the canvas.
extern "C" {
EMSCRIPTEN_KEEPALIVE void aelab_press(unsigned id) { aelab::a11y::press(id); }
EMSCRIPTEN_KEEPALIVE void aelab_set_value(unsigned id, const char* text) { aelab::a11y::set_value(id, text ? text : ""); }
// Escape leaves the canvas for the rest of the page only when ImGui has no use for it (no popup
// open, nothing being edited or dragged).
// A course page's "set" message (aelab-ui.js): URL parameters, one "key=value" per line. Lesson state
// is read when a lesson opens, so the lesson reopens with them, as from a link; section, hide
// and theme apply in place.
EMSCRIPTEN_KEEPALIVE void aelab_set_params(const char* query) {
    g_app_set_params(query ? query : "");
    settle_after_script(*g_app);
}
EMSCRIPTEN_KEEPALIVE int aelab_can_leave() {
    ImGuiContext* g = ImGui::GetCurrentContext();
    return g && g->OpenPopupStack.Size == 0 && g->ActiveId == 0;
}
// Opens a lesson as its menu entry does (an empty id: the overview); 0 for an unknown id.
EMSCRIPTEN_KEEPALIVE int aelab_open_lesson(const char* id) {
    const std::string s = id ? id : "";
    const LessonInfo* info = s.empty() ? nullptr : aelab::lessons::find_lesson(s);
    if (!s.empty() && !info) return 0;
    open_lesson(*g_app, info);
    settle_after_script(*g_app);
    return 1;
}
// Memory figures for the soak test (tests/browser/soak.test.mjs): bytes malloc has handed out and
// not taken back, and the size of the wasm memory (which only grows).
EMSCRIPTEN_KEEPALIVE double aelab_heap_used() { return static_cast<double>(static_cast<unsigned>(mallinfo().uordblks)); }
EMSCRIPTEN_KEEPALIVE double aelab_memory_bytes() { return static_cast<double>(__builtin_wasm_memory_size(0)) * 65536.0; }
}
#endif

int main(int argc, char** argv) {
    static App app;  // static: the browser's main loop outlives main()
    g_app = &app;
    auto params = page_params(argc, argv);
    if (params.count("list-lessons")) {  // the lesson ids, one per line (for the smoke test)
        for (const auto& l : aelab::lessons::registry()) std::printf("%s\n", l.id);
        return 0;
    }
    if (params.count("help") || params.count("bad-flag")) {
        std::printf("usage: aelab [--lesson ID] [--embed] [--frames N] [--screenshot FILE.png] [--report] [--data FILE]\n"
                    "             [--image FILE.png|.jpg]\n"
                    "             [--textview 1] [--text-out FILE] [--theme dark|light|contrast] [--touch 1]\n"
                    "             [--list-lessons] [--worker 0] [--parallel N] [--redraw always] [--redraw_ms N]\n");
        return params.count("help") ? 0 : 2;
    }
    aelab::platform::set_params(params);
    app.embed = aelab::platform::param("embed") == "1";
    // Training runs off the page's thread (issue 16): a Web Worker in the browser, a std::thread
    // natively; worker=0 (--worker 0) keeps it on this thread, time-sliced, as a fallback to compare.
#ifdef __EMSCRIPTEN__
    const auto off_thread = aelab::lessons::TrainerKind::worker;
#else
    const auto off_thread = aelab::lessons::TrainerKind::thread;
#endif
    aelab::lessons::set_default_trainer(aelab::platform::param("worker") == "0" ? aelab::lessons::TrainerKind::inline_page
                                                                                : off_thread);
    // One core draws the page; runs beyond the others wait their turn (parallel=N overrides).
#ifdef __EMSCRIPTEN__
    const int cores = aelab_js_cores();
#else
    const int cores = SDL_GetCPUCount();
#endif
    aelab::lessons::LiveTraining::set_max_parallel(aelab::platform::param_int("parallel", std::max(1, cores - 1), 1, 64));
    if (const char* f = std::getenv("AELAB_FRAMES")) app.frames_left = std::atol(f);
    if (params.count("frames")) app.frames_left = std::atol(params["frames"].c_str());
    app.screenshot_path = aelab::platform::param("screenshot");
    app.report = params.count("report") > 0;

    SDL_SetHint(SDL_HINT_MOUSE_FOCUS_CLICKTHROUGH, "1");
#ifdef __EMSCRIPTEN__
    // Keys reach the lesson only while the canvas has the focus: the page's own controls (the text
    // view, a course page around an iframe) keep theirs, and Tab can leave the canvas.
    SDL_SetHint(SDL_HINT_EMSCRIPTEN_KEYBOARD_ELEMENT, "#canvas");
#endif
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0) {
        std::fprintf(stderr, "aelab: SDL_Init failed: %s\n", SDL_GetError());
        return 1;
    }
#ifdef __EMSCRIPTEN__
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_ES);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
    const char* glsl_version = "#version 300 es";
    // A size the page's CSS does not have: SDL then follows the canvas's CSS size (100% of
    // the page) and its resizes, at the device pixel ratio.
    int width = 7, height = 7;
#else
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
    const char* glsl_version = "#version 130";
    int width = 1280, height = 860;
    float ddpi = 0;
    if (SDL_GetDisplayDPI(0, &ddpi, nullptr, nullptr) == 0 && ddpi > 120.0f) app.ui_scale = std::min(3.0f, ddpi / 96.0f);
    if (const char* s = std::getenv("AELAB_UI_SCALE")) app.ui_scale = std::max(0.5f, static_cast<float>(std::atof(s)));
    width = static_cast<int>(width * app.ui_scale);
    height = static_cast<int>(height * app.ui_scale);
    if (params.count("image")) aelab::platform::queue_image_file(params["image"]);  // your own image
    if (params.count("data")) aelab::platform::set_dataset_path(params["data"]);
    else if (!std::getenv("AELAB_DATA_DIR"))
        if (char* base = SDL_GetBasePath()) {
            // Beside the program: build/native/data/, or <prefix>/share/aelab/data/ when
            // installed (cmake --install, the Debian package); the first one's path in the
            // message when neither holds the dataset.
            const std::string found = aelab::find_data_dir_beside(base, "fashion-mnist.aelab");
            const std::string dir = found.empty() ? aelab::data_dirs_beside(base).front() : found;
            aelab::platform::set_dataset_path(dir + "/fashion-mnist.aelab");
            SDL_free(base);
        }
#endif
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    app.window = SDL_CreateWindow("aelab", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, width, height,
                                  SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    if (!app.window) {
        std::fprintf(stderr, "aelab: cannot create a window: %s\n", SDL_GetError());
        return 1;
    }
    SDL_GLContext gl = SDL_GL_CreateContext(app.window);
    if (!gl) {
        std::fprintf(stderr, "aelab: cannot create an OpenGL context: %s\n", SDL_GetError());
        return 1;
    }
    SDL_GL_MakeCurrent(app.window, gl);
    SDL_GL_SetSwapInterval(1);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // no imgui.ini: the layout is fixed and pages embed anywhere
    io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;  // every control by Tab, arrows, Space and Enter
#ifdef __EMSCRIPTEN__
    app.text_view = aelab::platform::param("textview") != "0";  // the page's HTML text view (screen readers)
#else
    // 1: the panel; "hidden": captured, no panel (for measuring what the capture costs, as in a page)
    app.text_view = aelab::platform::param("textview") == "1" || aelab::platform::param("textview") == "hidden";
    app.show_text_panel = aelab::platform::param("textview") == "1";
#endif
    aelab::kit::apply_theme(aelab::kit::theme_from_name(aelab::platform::param("theme"), preferred_theme()), app.ui_scale);
    app.ui_scale_applied = app.ui_scale;
    app.force_touch = aelab::platform::param("touch") == "1";
    // redraw=always: a frame every tick, as before frames were drawn only on change (for
    // comparing); redraw_ms=N: the interval of frames while a run trains elsewhere (default 100 ms: the
    // trainer sends the weights every 100 ms; with software rendering each frame costs the worker
    // steps, measured in the issue 16 note).
    app.redraw_always = aelab::platform::param("redraw") == "always";
    app.software_gl = software_renderer();
    app.training_redraw = aelab::platform::param_int("redraw_ms", app.software_gl ? 250 : 100, 0, 1000) / 1000.0;
    app.start_time = seconds_now();
    app.awake_until = app.start_time + 1.0;  // the first second: fonts, layout, the lesson's first build
    if (coarse_pointer()) enable_touch_sizes(app);
    ImGui_ImplSDL2_InitForOpenGL(app.window, gl);
    aelab::platform::install_browser_clipboard();  // clipboard: web build, after SDL set its own
    ImGui_ImplOpenGL3_Init(glsl_version);
    build_fonts(app, device_pixel_ratio(app.window));
    aelab::ui::set_texture_backend({texture_create, texture_update, texture_destroy});

    select_initial_lesson(app, aelab::platform::param("lesson"));
    aelab::platform::install_image_input();  // your own images: the page's file input and drop target

#ifdef __EMSCRIPTEN__
    emscripten_set_main_loop_arg(frame, &app, 0, true);
#else
    while (!app.quit) frame(&app);
    app.lessons.clear();
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplSDL2_Shutdown();
    ImGui::DestroyContext();
    SDL_GL_DeleteContext(gl);
    SDL_DestroyWindow(app.window);
    SDL_Quit();
#endif
    return 0;
}
