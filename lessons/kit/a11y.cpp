#include "a11y.hpp"

#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace aelab::a11y {

const char* role_name(Role r) {
    switch (r) {
        case Role::heading: return "heading";
        case Role::text: return "text";
        case Role::button: return "button";
        case Role::checkbox: return "checkbox";
        case Role::radio: return "radio";
        case Role::value: return "value";
        case Role::disclosure: return "disclosure";
        case Role::combo: return "combo";
        case Role::table: return "table";
        case Role::image: return "image";
        case Role::plot: return "plot";
        case Role::alert: return "alert";
    }
    return "text";
}

namespace {

struct Hint {
    bool set = false;
    Role role = Role::button;
    bool checked = false;
    std::string label;
};

// An item ImGui has added (ItemAdd) whose label and flags (ItemInfo) may follow.
struct Pending {
    bool active = false;
    std::uint32_t id = 0;
    std::size_t start = 0;  // log position when it was added: its own text follows
    Hint hint;
    int heading_level = 0;
    bool disabled = false;
};

struct State {
    bool on = false;
    std::size_t flushed = 0;  // log text before this position is already in nodes
    Pending pending;
    Hint hint;
    int next_heading = 0;
    Document building, done;
    std::vector<Announcement> announcements;
    // A value being typed: stage 1 activate for text input, 2 type, 3 Enter down, 4 Enter up.
    struct Edit {
        std::uint32_t id = 0;
        std::string text;
        int stage = 0;
        int waited = 0;
    } edit;
    std::uint32_t press_id = 0;
    bool handed = false;  // an action went to ImGui for this frame: capture it (logging keeps the item unclipped)
};

State& st() {
    static State s;
    return s;
}

// ImGui's text log goes to a memory stream of ours (as to a terminal, LogToTTY): ImGui ends a
// log at the End() of any window that is not a child (a tooltip, a popup) and would clear a
// log buffer, but a terminal's stream it only flushes, so nothing logged is lost.
struct LogStream {
    FILE* file = nullptr;
    char* data = nullptr;
    std::size_t size = 0;
};
LogStream& log_stream() {
    static LogStream l;
    return l;
}
std::size_t log_size() {
    LogStream& l = log_stream();
    if (!l.file) return 0;
    std::fflush(l.file);
    return l.size;
}
void log_start() {
    ImGui::LogToTTY(0);  // depth 0: logging must not auto-open collapsed headers
    GImGui->LogFile = log_stream().file;
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return "";
    const auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

// The label as ImGui shows it: up to "##".
std::string visible(const char* label) {
    if (!label) return "";
    return trim(std::string(label, ImGui::FindRenderedTextEnd(label)));
}

bool only_rule(const std::string& line) {  // a Separator logs a line of dashes
    return !line.empty() && line.find_first_not_of('-') == std::string::npos;
}

std::string log_slice(std::size_t from, std::size_t to) {
    to = std::min(to, log_size());
    if (from >= to) return "";
    return std::string(log_stream().data + from, log_stream().data + to);
}

void push(Node n) { st().building.nodes.push_back(std::move(n)); }

// ImGui stops logging at the End() of any window that is not a child: start again at the next
// hook, before the item's clipping test (logging turns clipping off), so the rest of the page is
// still captured.
void keep_logging() {
    ImGuiContext& g = *GImGui;
    if (g.LogEnabled || !g.CurrentWindow || !log_stream().file) return;
    log_start();
}

// Turns the logged text up to `to` into paragraphs, one per line.
void flush_text(std::size_t to) {
    State& s = st();
    const std::string t = log_slice(s.flushed, to);
    s.flushed = std::max(s.flushed, to);
    std::size_t pos = 0;
    while (pos <= t.size()) {
        std::size_t nl = t.find('\n', pos);
        if (nl == std::string::npos) nl = t.size();
        std::string line = trim(t.substr(pos, nl - pos));
        if (!line.empty() && !only_rule(line) && line != "(?)") {  // help markers add "Help: ..." themselves
            Node n;
            n.role = Role::text;
            n.label = std::move(line);
            push(std::move(n));
        }
        pos = nl + 1;
    }
}

// The text an item rendered, without ImGui's log decorations ("[" "]" around buttons, "{" "}"
// around fields, "###" around headers, "[x]" of checkboxes) and without its label.
std::string item_value(std::string seg, const std::string& label) {
    for (auto& c : seg)
        if (c == '\n') c = ' ';
    seg = trim(seg);
    if (!label.empty()) {
        const auto at = seg.rfind(label);
        if (at != std::string::npos && at + label.size() >= seg.size() - 1) seg = trim(seg.substr(0, at));
    }
    if (seg.size() >= 2 && seg.front() == '{' && seg.back() == '}') seg = trim(seg.substr(1, seg.size() - 2));
    return seg;
}

// Finishes an item that got no ItemInfo (combos, invisible buttons, child windows): with a
// hint it becomes a control, otherwise its text stays plain text.
void finish_pending() {
    State& s = st();
    Pending p = s.pending;
    s.pending = Pending{};
    if (!p.active || !p.hint.set) return;
    const std::size_t now = log_size();
    flush_text(p.start);
    Node n;
    n.role = p.hint.role;
    n.id = p.id;
    n.level = p.heading_level;
    n.label = p.hint.label;
    n.checked = p.hint.checked;
    n.disabled = p.disabled;
    // Its own text ends with its label (a combo draws its choice, then the label); what follows
    // belongs to the next things drawn.
    const std::string seg = log_slice(p.start, now);
    const std::size_t close = seg.find_first_not_of(" \n") != std::string::npos && seg[seg.find_first_not_of(" \n")] == '{'
                                  ? seg.find('}') : std::string::npos;  // "{choice}": the label is after it
    const std::size_t at = n.label.empty() ? std::string::npos : seg.find(n.label, close == std::string::npos ? 0 : close);
    const std::size_t end = at == std::string::npos ? seg.size() : at + n.label.size();
    n.value = item_value(seg.substr(0, end), n.label);
    if (n.role == Role::combo) n.checked = ImGui::IsPopupOpen(ImHashStr("##ComboPopup", 0, p.id), ImGuiPopupFlags_AnyPopupLevel);
    s.flushed = p.start + end;
    push(std::move(n));
}

void item_added(std::uint32_t id) {
    State& s = st();
    if (!s.on || id == 0) return;
    keep_logging();
    if (s.pending.active && s.pending.id == id) return;
    finish_pending();
    flush_text(log_size());
    Pending p;
    p.active = true;
    p.id = id;
    p.start = log_size();
    p.hint = s.hint;
    p.heading_level = s.next_heading;
    p.disabled = (GImGui->CurrentItemFlags & ImGuiItemFlags_Disabled) != 0;
    s.hint = Hint{};
    s.next_heading = 0;
    s.pending = p;
}

void item_info(std::uint32_t id, const char* label, ImGuiItemStatusFlags flags) {
    State& s = st();
    if (!s.on) return;
    keep_logging();
    if (!s.pending.active || s.pending.id != id) return;
    const Pending p = s.pending;
    s.pending = Pending{};
    const std::size_t now = log_size();
    Node n;
    n.id = id;
    n.level = p.heading_level;
    n.disabled = p.disabled;
    n.label = p.hint.set && !p.hint.label.empty() ? p.hint.label : visible(label);
    if (p.hint.set) {
        n.role = p.hint.role;
        n.checked = p.hint.checked;
    } else if (flags & ImGuiItemStatusFlags_Checkable) {
        n.role = Role::checkbox;
        n.checked = (flags & ImGuiItemStatusFlags_Checked) != 0;
    } else if (flags & ImGuiItemStatusFlags_Openable) {
        n.role = Role::disclosure;
        n.checked = (flags & ImGuiItemStatusFlags_Opened) != 0;
    } else if (GImGui->LastItemData.InFlags & ImGuiItemFlags_Inputable) {
        n.role = Role::value;
    } else {
        n.role = Role::button;
    }
    if (n.role == Role::value || n.role == Role::combo) n.value = item_value(log_slice(p.start, now), n.label);
    if (n.label.empty()) {
        // A "##" label: name it by what it shows.
        std::string shown = item_value(log_slice(p.start, now), "");
        for (const char* deco : {"[x]", "[ ]", "###"})
            for (auto at = shown.find(deco); at != std::string::npos; at = shown.find(deco)) shown.erase(at, std::string(deco).size());
        if (shown.size() >= 2 && shown.front() == '[' && shown.back() == ']') shown = shown.substr(1, shown.size() - 2);
        n.label = n.role == Role::value ? "" : trim(shown);  // a field is named after the frame (name_fields)
        if (n.role != Role::value && n.label.empty()) n.label = role_name(n.role);
    }
    s.flushed = now;
    push(std::move(n));
}

bool hooked_context(ImGuiContext* ctx) { return ctx == GImGui && st().on; }

std::string json_escape(const std::string& v) {
    std::string o;
    o.reserve(v.size() + 2);
    for (unsigned char c : v) {
        if (c == '"' || c == '\\') o += '\\', o += char(c);
        else if (c == '\n') o += "\\n";
        else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            o += buf;
        } else
            o += char(c);
    }
    return o;
}

}  // namespace

// --- Capture -------------------------------------------------------------------------------------
void begin_capture() {
    State& s = st();
    if (s.on || !GImGui || !GImGui->CurrentWindow) return;
    LogStream& l = log_stream();
    l.file = open_memstream(&l.data, &l.size);
    if (!l.file) return;
    log_start();
    GImGui->TestEngineHookItems = true;
    s.on = true;
    s.flushed = log_size();
    s.pending = Pending{};
    s.hint = Hint{};
    s.next_heading = 0;
    s.building = Document{};
}

namespace {
// ImGui::InputInt / InputFloat draw a field with no label of its own, then "-" and "+" buttons,
// then the label as text: name the field and its steppers from that text.
void name_fields(std::vector<Node>& nodes) {
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        Node& n = nodes[i];
        if (n.role != Role::value || !n.label.empty()) continue;
        const bool steppers = i + 3 < nodes.size() && nodes[i + 1].role == Role::button && nodes[i + 1].label == "-" &&
                              nodes[i + 2].role == Role::button && nodes[i + 2].label == "+";
        const std::size_t t = steppers ? i + 3 : i + 1;
        if (t < nodes.size() && nodes[t].role == Role::text && nodes[t].label.size() < 60) {
            n.label = nodes[t].label;
            nodes.erase(nodes.begin() + std::ptrdiff_t(t));
        } else {
            n.label = "value";
        }
        if (steppers) {
            nodes[i + 1].label = "Decrease " + n.label;
            nodes[i + 2].label = "Increase " + n.label;
        }
    }
}
}  // namespace

void end_capture() {
    State& s = st();
    if (!s.on) return;
    keep_logging();
    finish_pending();
    flush_text(log_size());
    name_fields(s.building.nodes);
    // A heading the host or a lesson gave in words, followed by the same words ImGui drew.
    auto& nodes = s.building.nodes;
    for (std::size_t i = 1; i < nodes.size(); ++i)
        if (nodes[i].role == Role::text && nodes[i - 1].role == Role::heading && nodes[i].label == nodes[i - 1].label)
            nodes.erase(nodes.begin() + std::ptrdiff_t(i--));
    GImGui->TestEngineHookItems = false;
    ImGui::LogFinish();
    LogStream& l = log_stream();
    std::fclose(l.file);
    std::free(l.data);
    l = LogStream{};
    s.on = false;
    s.building.capture = s.done.capture + 1;
    s.done = std::move(s.building);
    s.building = Document{};
}

bool capturing() { return st().on; }
const Document& document() { return st().done; }

std::string document_json(const Document& doc) {
    std::string j = "{\"capture\":" + std::to_string(doc.capture) + ",\"nodes\":[";
    bool first = true;
    for (const Node& n : doc.nodes) {
        j += first ? "{" : ",{";
        first = false;
        j += "\"r\":\"" + std::string(role_name(n.role)) + "\"";
        if (n.id) j += ",\"id\":" + std::to_string(n.id);
        if (n.level) j += ",\"lv\":" + std::to_string(n.level);
        j += ",\"l\":\"" + json_escape(n.label) + "\"";
        if (!n.value.empty()) j += ",\"v\":\"" + json_escape(n.value) + "\"";
        if (n.checked) j += ",\"c\":1";
        if (n.disabled) j += ",\"d\":1";
        if (!n.cells.empty()) {
            j += ",\"t\":[";
            for (std::size_t r = 0; r < n.cells.size(); ++r) {
                j += r ? ",[" : "[";
                for (std::size_t c = 0; c < n.cells[r].size(); ++c) j += (c ? ",\"" : "\"") + json_escape(n.cells[r][c]) + "\"";
                j += "]";
            }
            j += "]";
        }
        j += "}";
    }
    return j + "]}";
}

std::string document_text(const Document& doc) {
    std::string out;
    for (const Node& n : doc.nodes) {
        switch (n.role) {
            case Role::heading: out += std::string(std::size_t(std::max(1, n.level)), '#') + " " + n.label; break;
            case Role::text: out += n.label; break;
            case Role::table: {
                out += "[table] " + n.label;
                for (const auto& row : n.cells) {
                    out += "\n  |";
                    for (const auto& c : row) out += " " + c + " |";
                }
                break;
            }
            case Role::image: out += "[image] " + n.label; break;
            case Role::plot: out += "[plot] " + n.label + (n.value.empty() ? "" : ": " + n.value); break;
            case Role::alert: out += "[alert] " + n.label; break;
            default: {
                if (n.level) out += std::string(std::size_t(n.level), '#') + " ";
                out += "[" + std::string(role_name(n.role));
                if (n.role == Role::checkbox || n.role == Role::radio) out += n.checked ? " checked" : " not checked";
                if (n.role == Role::disclosure || n.role == Role::combo) out += n.checked ? " expanded" : " collapsed";
                if (n.disabled) out += " disabled";
                out += "] " + n.label;
                if (!n.value.empty()) out += " = " + n.value;
            }
        }
        out += "\n";
    }
    return out;
}

// --- Words for pictures ------------------------------------------------------------------------
namespace {
void structural(Node n) {
    if (!st().on) return;
    keep_logging();
    finish_pending();
    flush_text(log_size());
    push(std::move(n));
}
}  // namespace

void heading(int level, const std::string& t) {
    Node n;
    n.role = Role::heading;
    n.level = std::clamp(level, 1, 4);
    n.label = t;
    structural(std::move(n));
}
void text(const std::string& paragraph) {
    Node n;
    n.label = paragraph;
    structural(std::move(n));
}
void image(const std::string& alternative) {
    Node n;
    n.role = Role::image;
    n.label = alternative;
    structural(std::move(n));
}
void plot(const std::string& what, const std::string& summary) {
    Node n;
    n.role = Role::plot;
    n.label = what;
    n.value = summary;
    structural(std::move(n));
}
void table(const std::string& caption, const std::vector<std::vector<std::string>>& rows) {
    Node n;
    n.role = Role::table;
    n.label = caption;
    n.cells = rows;
    structural(std::move(n));
}
void next_item(Role role, bool checked, const std::string& label) {
    State& s = st();
    if (!s.on) return;
    s.hint.set = true;
    s.hint.role = role;
    s.hint.checked = checked;
    s.hint.label = label;
}
void next_item_heading(int level) {
    if (st().on) st().next_heading = std::clamp(level, 1, 4);
}

// --- Announcements -----------------------------------------------------------------------------
void announce(const std::string& message, bool urgent) {
    auto& a = st().announcements;
    if (a.size() >= 32) a.erase(a.begin());  // nobody is taking them (tests, desktop)
    a.push_back({message, urgent});
}
std::vector<Announcement> take_announcements() {
    std::vector<Announcement> out;
    out.swap(st().announcements);
    return out;
}

// --- Actions -------------------------------------------------------------------------------------
void press(std::uint32_t id) { st().press_id = id; }

void set_value(std::uint32_t id, const std::string& text) {
    auto& e = st().edit;
    e.id = id;
    e.text = text.substr(0, 60);
    e.stage = 1;
    e.waited = 0;
}

void resume() {
    if (st().on) keep_logging();
}

bool action_pending() { return st().handed || st().press_id != 0 || st().edit.stage != 0; }

void before_new_frame() {
    State& s = st();
    ImGuiContext* g = GImGui;
    if (!g) return;
    ImGuiIO& io = g->IO;
    s.handed = s.press_id != 0 || s.edit.stage != 0;
    if (s.press_id) {
        g->NavNextActivateId = s.press_id;  // ImGui::ActivateItem(): a button press by navigation
        g->NavNextActivateFlags = ImGuiActivateFlags_None;
        s.press_id = 0;
    }
    auto& e = s.edit;
    const int enter = io.KeyMap[ImGuiKey_Enter];
    switch (e.stage) {
        case 1:  // ask for text input on the item, as Enter on a focused slider or Ctrl+click does
            g->NavNextActivateId = e.id;
            g->NavNextActivateFlags = ImGuiActivateFlags_PreferInput;
            e.stage = 2;
            break;
        case 2:  // once it edits as text (all selected), type the new value
            if (g->ActiveId == e.id) {
                io.AddInputCharactersUTF8(e.text.c_str());
                e.stage = 3;
            } else if (++e.waited > 3) {
                e.stage = 0;  // the item is gone or takes no text: give up
            }
            break;
        case 3:
            if (enter >= 0 && enter < int(IM_ARRAYSIZE(io.KeysDown))) io.KeysDown[enter] = true;
            e.stage = 4;
            break;
        case 4:
            if (enter >= 0 && enter < int(IM_ARRAYSIZE(io.KeysDown))) io.KeysDown[enter] = false;
            e.stage = 0;
            break;
        default: break;
    }
}

std::uint32_t find_control(const std::string& label, int nth) {
    for (const Node& n : st().done.nodes)
        if (n.id && n.label == label && nth-- == 0) return n.id;
    return 0;
}

}  // namespace aelab::a11y

// --- Dear ImGui's test-engine hooks (IMGUI_ENABLE_TEST_ENGINE) ------------------------------------
void ImGuiTestEngineHook_ItemAdd(ImGuiContext* ctx, const ImRect&, ImGuiID id) {
    if (aelab::a11y::hooked_context(ctx)) aelab::a11y::item_added(id);
}
void ImGuiTestEngineHook_ItemInfo(ImGuiContext* ctx, ImGuiID id, const char* label, ImGuiItemStatusFlags flags) {
    if (aelab::a11y::hooked_context(ctx)) aelab::a11y::item_info(id, label, flags);
}
void ImGuiTestEngineHook_Log(ImGuiContext*, const char*, ...) {}
const char* ImGuiTestEngine_FindItemDebugLabel(ImGuiContext*, ImGuiID) { return nullptr; }
