// aelab lesson kit: the text view. What a sighted student reads off the canvas, as a list of
// nodes a screen reader can read and a keyboard can operate: headings, paragraphs, controls
// (name, role, value, state), tables, images and plots described in words.
//
// It is generic. Dear ImGui is built with IMGUI_ENABLE_TEST_ENGINE, and its item hooks
// (ItemAdd: an item's id and rectangle; ItemInfo: its label and status flags) enumerate every
// widget a lesson submits; ImGui's own text logging (LogToBuffer) gives every piece of text it
// renders, in reading order, even text scrolled out of view. The kit's widgets add what a
// picture needs in words (a heat map's size and range, a plot's last values, a table of a small
// grid); lessons add words only where their own drawings need them.
//
// A capture runs during one frame: the host calls begin_capture() before the lesson draws and
// end_capture() after; document() is the result until the next capture. Actions (press a
// button, set a slider's value) reach the lesson through ImGui's own navigation and text input,
// exactly the path keyboard input takes on the canvas.
//
//     a11y::heading(2, "1. One dimension");       // a heading (kit::Sections does this)
//     a11y::image("input image, 28 x 28 pixels");  // a picture described in words
//     a11y::announce("Training started");          // spoken by screen readers (aria-live)
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace aelab::a11y {

enum class Role : std::uint8_t {
    heading,    // level 1..4
    text,       // a paragraph
    button,
    checkbox,   // checked
    radio,      // checked
    value,      // slider, drag or number/text field: `value` is its text; set_value() edits it
    disclosure, // collapsing header / tree node: expanded
    combo,      // opens a list of options (the options follow while it is open)
    table,      // rows of cells (first row: column headers)
    image,      // label: the text alternative
    plot,       // label: what the plot shows, value: its summary
    alert,      // an error message
};
const char* role_name(Role r);

struct Node {
    Role role = Role::text;
    std::uint32_t id = 0;   // ImGui item id for controls (stable across frames), else 0
    int level = 0;          // heading level; for controls inside a heading, the heading's level
    std::string label;      // name (controls), text (paragraphs, headings), text alternative (images)
    std::string value;      // value controls, plot summaries, combo's current choice
    bool checked = false;   // checkbox, radio: checked; disclosure, combo: expanded
    bool disabled = false;
    std::vector<std::vector<std::string>> cells;  // table rows
};

struct Document {
    std::vector<Node> nodes;
    long capture = 0;  // how many captures have run
};

// --- Capture (the host) ----------------------------------------------------------------------
// Starts capturing this frame's items and text. Call inside an ImGui window, after NewFrame.
void begin_capture();
void end_capture();
bool capturing();
const Document& document();
// The document as JSON for the web page: {"capture":N,"nodes":[{"r":"button","id":..,"l":..}, ..]}.
std::string document_json(const Document& doc);
// The document as plain text, one node per line (desktop panel, tests, "copy text").
std::string document_text(const Document& doc);

// --- Words for pictures (widgets and lessons; cheap no-ops when not capturing) ---------------
void heading(int level, const std::string& text);
void text(const std::string& paragraph);
void image(const std::string& alternative);
void plot(const std::string& what, const std::string& summary);
void table(const std::string& caption, const std::vector<std::vector<std::string>>& rows);
// The next ImGui item's role, state and name when ImGui cannot tell (radio buttons, combos,
// fields whose visible label is a "##" id). An empty label keeps the item's own.
void next_item(Role role, bool checked = false, const std::string& label = "");
// The next control is the title of a heading of this level (kit::Sections' headers).
void next_item_heading(int level);

// --- Announcements (aria-live): kept whether or not a capture runs ----------------------------
// `urgent`: errors and divergence (role=alert); otherwise polite (step changes, progress).
void announce(const std::string& message, bool urgent = false);
struct Announcement {
    std::string message;
    bool urgent;
};
// Takes the announcements made since the last call (the host sends them to the page).
std::vector<Announcement> take_announcements();

// --- Actions (the web page's DOM controls, the desktop panel, tests) --------------------------
// Presses a button, toggles a checkbox or radio, opens or closes a header or combo.
void press(std::uint32_t id);
// Types `text` into a value control (slider, drag, number or text field) and presses Enter,
// as a keyboard user does after Ctrl+click / Enter on it.
void set_value(std::uint32_t id, const std::string& text);
// Drives pending actions; the host calls it every frame just before ImGui::NewFrame().
void before_new_frame();
bool action_pending();

// ImGui ends its text log at the End() of a tooltip or popup; the capture starts it again at the
// next item, but text drawn before that item would be missed. Call this after drawing a
// tooltip or popup (ImGui::SetTooltip, EndTooltip, EndCombo, EndPopup); a no-op otherwise.
void resume();

// The id of the control whose label (without "##...") is `label`, in the current document,
// or 0. The n-th such control when labels repeat.
std::uint32_t find_control(const std::string& label, int nth = 0);

}  // namespace aelab::a11y
