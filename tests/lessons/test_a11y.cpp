// Tests for lessons/kit/a11y.cpp, the text view: what ImGui's item hooks and text log give for
// the kit's widgets and for every lesson, and that actions (press, set_value) reach a lesson
// through ImGui's navigation and typing as keyboard input does.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include <imgui_internal.h>

#include "headless.hpp"
#include "kit/a11y.hpp"
#include "kit/platform.hpp"
#include "kit/widgets.hpp"
#include "lesson.hpp"

using namespace aelab;
using a11y::Role;

namespace {

// A headless context whose Enter key has a slot (the SDL backend maps it in the app).
struct Gui : test::HeadlessImGui {
    Gui() {
        ImGuiIO& io = ImGui::GetIO();
        io.KeyMap[ImGuiKey_Enter] = 13;
        io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
    }
    // One frame with the capture on; actions pending before it go in first.
    template <class F>
    const a11y::Document& captured(F&& body) {
        a11y::before_new_frame();
        frame([&] {
            a11y::begin_capture();
            body();
            a11y::end_capture();
        });
        return a11y::document();
    }
};

const a11y::Node* find(const a11y::Document& d, Role r, const std::string& label) {
    for (const auto& n : d.nodes)
        if (n.role == r && n.label == label) return &n;
    return nullptr;
}

bool has_text(const a11y::Document& d, const std::string& needle) {
    for (const auto& n : d.nodes)
        if (n.label.find(needle) != std::string::npos || n.value.find(needle) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST_CASE("a11y: ImGui items become controls with their names, roles and state") {
    Gui gui;
    bool box = true;
    int radio = 1, stride = 2;
    float rate = 0.25f;
    int presses = 0;
    ImGuiID go_id = 0;
    auto body = [&] {
        a11y::heading(2, "Section");
        ImGui::TextWrapped("A paragraph that explains.");
        if (ImGui::Button("Go##b")) ++presses;
        go_id = ImGui::GetItemID();
        ImGui::Checkbox("flip", &box);
        ui::radio_button("zeros", &radio, 0);
        ImGui::SameLine();
        ui::radio_button("reflect", &radio, 1);
        ImGui::SliderInt("stride S", &stride, 1, 3);
        ImGui::SliderFloat("rate", &rate, 0.0f, 1.0f, "%.2f");
        ImGui::Separator();
        ImGui::Text("y = %d", stride * 10);
    };
    const a11y::Document& d = gui.captured(body);
    REQUIRE(d.nodes.size() >= 8);
    CHECK(d.nodes[0].role == Role::heading);
    CHECK(d.nodes[0].level == 2);
    CHECK(d.nodes[1].role == Role::text);
    CHECK(d.nodes[1].label == "A paragraph that explains.");
    const a11y::Node* go = find(d, Role::button, "Go");
    REQUIRE(go);
    CHECK(go->id == go_id);
    const a11y::Node* flip = find(d, Role::checkbox, "flip");
    REQUIRE(flip);
    CHECK(flip->checked);
    REQUIRE(find(d, Role::radio, "zeros"));
    CHECK_FALSE(find(d, Role::radio, "zeros")->checked);
    CHECK(find(d, Role::radio, "reflect")->checked);
    const a11y::Node* s = find(d, Role::value, "stride S");
    REQUIRE(s);
    CHECK(s->value == "2");
    REQUIRE(find(d, Role::value, "rate"));
    CHECK(find(d, Role::value, "rate")->value == "0.25");
    CHECK(has_text(d, "y = 20"));
    for (const auto& n : d.nodes) CHECK(n.label.find("---") == std::string::npos);  // no separator lines

    // Press the button and toggle the box: through ImGui's own activation. (The document is
    // replaced by each capture: keep ids, not pointers into it.)
    const std::uint32_t go_node = go->id, flip_id = flip->id, stride_id = s->id;
    a11y::press(go_node);
    gui.captured(body);
    CHECK(presses == 1);
    a11y::press(flip_id);
    gui.captured(body);
    CHECK_FALSE(box);
    a11y::press(find(a11y::document(), Role::radio, "zeros")->id);
    gui.captured(body);
    CHECK(radio == 0);

    // Type a value into the slider as after Enter on it, then Enter: a few frames.
    a11y::set_value(stride_id, "3");
    for (int i = 0; i < 6 && a11y::action_pending(); ++i) gui.captured(body);
    CHECK_FALSE(a11y::action_pending());
    CHECK(stride == 3);
    gui.captured(body);
    CHECK(find(a11y::document(), Role::value, "stride S")->value == "3");
    CHECK(has_text(a11y::document(), "y = 30"));
    CHECK(a11y::find_control("stride S") == stride_id);
}

TEST_CASE("a11y: InputInt's field and steppers are named after its label; the document as JSON and text") {
    Gui gui;
    int seed = 4;
    const a11y::Document& d = gui.captured([&] { ImGui::InputInt("seed", &seed); });
    const a11y::Node* f = find(d, Role::value, "seed");
    REQUIRE(f);
    CHECK(f->value == "4");
    REQUIRE(find(d, Role::button, "Decrease seed"));
    REQUIRE(find(d, Role::button, "Increase seed"));
    a11y::press(find(d, Role::button, "Increase seed")->id);
    gui.captured([&] { ImGui::InputInt("seed", &seed); });
    CHECK(seed == 5);

    a11y::Document doc;
    a11y::Node n;
    n.role = Role::text;
    n.label = "say \"hi\"\n\\ tab\t";
    doc.nodes.push_back(n);
    CHECK(a11y::document_json(doc) == "{\"capture\":0,\"nodes\":[{\"r\":\"text\",\"l\":\"say \\\"hi\\\"\\n\\\\ tab\\u0009\"}]}");
    CHECK(a11y::document_text(doc) == "say \"hi\"\n\\ tab\t\n");
}

TEST_CASE("a11y: the kit's widgets describe their pictures") {
    Gui gui;
    const float grid[6] = {1, 4, 3, -1, 2, -4};
    std::vector<float> loss = {1.0f, 0.8f, 0.5f, 0.3f, 0.2f};
    const a11y::Document& d = gui.captured([&] {
        ui::number_grid("x grid", grid, 2, 3, {}, {{0, 1, IM_COL32(255, 0, 0, 255)}});
        ui::HeatmapStyle hs;
        hs.cmap = ui::Colormap::diverging;
        hs.auto_range = true;
        ui::heatmap("##weights", grid, 2, 3, hs);
        ui::line_plot("loss", {{"train", loss.data(), int(loss.size()), IM_COL32(255, 150, 30, 255)}});
        ui::help_marker("What this means.");
    });
    bool table = false, heat = false, plot = false;
    for (const auto& n : d.nodes) {
        if (n.role == Role::table && n.label.rfind("x grid: 2 x 3 numbers, marked [0, 1] = 4", 0) == 0) {
            table = true;
            REQUIRE(n.cells.size() == 2);
            CHECK(n.cells[1] == std::vector<std::string>{"-1", "2", "-4"});
        }
        if (n.role == Role::table && n.label.rfind("weights: heat map, blue negative, red positive, 2 x 3, values from -4 to 4", 0) == 0)
            heat = true;
        if (n.role == Role::plot) {
            plot = true;
            CHECK(n.label == "loss: line plot over step");
            CHECK(n.value == "train: last value 0.2 at step 4, lowest 0.2, highest 1, falling");
        }
    }
    CHECK(table);
    CHECK(heat);
    CHECK(plot);
    CHECK(has_text(d, "Help: What this means."));
}

TEST_CASE("a11y: announcements queue for the page and are taken once") {
    a11y::take_announcements();
    a11y::announce("Step 2 of 8");
    a11y::announce("Training diverged", true);
    auto a = a11y::take_announcements();
    REQUIRE(a.size() == 2);
    CHECK(a[0].message == "Step 2 of 8");
    CHECK_FALSE(a[0].urgent);
    CHECK(a[1].urgent);
    CHECK(a11y::take_announcements().empty());
    for (int i = 0; i < 100; ++i) a11y::announce("x");  // nobody takes them: bounded
    CHECK(a11y::take_announcements().size() == 32);
}

TEST_CASE("a11y: every lesson's text view has its sections as headings and names every control") {
    platform::set_dataset_path(AELAB_TEST_DATASET);
    Gui gui;
    for (const auto& info : lessons::registry()) {
        const std::string id = info.id;
        CAPTURE(id);
        auto lesson = info.make();
        for (int i = 0; i < 3; ++i) gui.frame([&] { lesson->draw(); });
        const a11y::Document& d = gui.captured([&] { lesson->draw(); });
        int headings = 0, controls = 0;
        for (const auto& n : d.nodes) {
            if (n.level == 2) ++headings;
            if (n.id) {
                ++controls;
                CAPTURE(n.label);
                CHECK_FALSE(n.label.empty());
                CHECK(n.label != "value");   // a field nobody named
                CHECK(n.label != "button");  // a button showing no text
            }
        }
        CHECK(headings >= 2);
        CHECK(controls >= 3);
    }
}

TEST_CASE("a11y: the convolution lesson's step in words, stepped and changed from the text view") {
    Gui gui;
    const auto* info = lessons::find_lesson("convolution");
    REQUIRE(info);
    platform::set_params({});
    auto lesson = info->make();
    auto draw = [&] { lesson->draw(); };
    for (int i = 0; i < 2; ++i) gui.frame(draw);
    const a11y::Document& d = gui.captured(draw);
    CHECK(has_text(d, "y[0] = 1*1 + 4*2 + 3*1 = 12"));
    CHECK(has_text(d, "step 1 / 8"));
    const a11y::Node* heading = nullptr;
    for (const auto& n : d.nodes)
        if (n.role == Role::disclosure && n.level == 2) heading = heading ? heading : &n;
    REQUIRE(heading);
    CHECK(heading->label == "1. 1D: a kernel sliding along a signal");
    CHECK(heading->checked);  // open

    a11y::take_announcements();
    a11y::press(a11y::find_control("Next step"));
    gui.captured(draw);
    CHECK(has_text(a11y::document(), "y[1] = 4*1 + 3*2 + (-1)*1 = 9"));
    CHECK(has_text(a11y::document(), "step 2 / 8"));
    auto said = a11y::take_announcements();
    REQUIRE(!said.empty());
    CHECK(said.back().message == "Step 2 of 8");

    a11y::set_value(a11y::find_control("stride S"), "2");
    for (int i = 0; i < 6; ++i) gui.captured(draw);
    CHECK(platform::param("s1") == "2");
    CHECK(has_text(a11y::document(), "floor(7/2) + 1 = 4"));
}

TEST_CASE("a11y: a combo's value is its current choice") {
    Gui gui;
    bool tied = false;
    const a11y::Document& d = gui.captured([&] {
        ImGui::Checkbox("tied", &tied);
        ImGui::SameLine();
        ImGui::SetNextItemWidth(140);
        if (ui::begin_combo("code non-linearity", "none (linear)")) ImGui::EndCombo();
        ui::help_marker("help");
        const char* items[] = {"a", "b"};
        int cur = 1;
        ui::combo("pattern", &cur, items, 2);
    });
    const a11y::Node* c = find(d, Role::combo, "code non-linearity");
    REQUIRE(c);
    CHECK(c->value == "none (linear)");
    CHECK_FALSE(c->checked);
    REQUIRE(find(d, Role::combo, "pattern"));
    CHECK(find(d, Role::combo, "pattern")->value == "b");
}

TEST_CASE("a11y: text inside and after a child window is kept in order") {
    Gui gui;
    int k = 3;
    bool tied = false;
    const a11y::Document& d = gui.captured([&] {
        ImGui::TextWrapped("Intro paragraph.");
        ui::code_block("formulas", "e(x) = W1 x\ntied: W2 = W1^T");
        ImGui::BeginDisabled(false);
        ImGui::SliderInt("latent size k", &k, 1, 10);
        ImGui::SameLine();
        ImGui::Checkbox("tied", &tied);
        ImGui::EndDisabled();
    });
    MESSAGE(a11y::document_text(d));
    CHECK(has_text(d, "Intro paragraph."));
    CHECK(has_text(d, "e(x) = W1 x"));
    REQUIRE(find(d, Role::value, "latent size k"));
}
TEST_CASE("a11y: a tooltip drawn during the capture does not end it") {
    Gui gui;
    int k = 3;
    const a11y::Document& d = gui.captured([&] {
        ImGui::TextWrapped("Before.");
        ImGui::SetTooltip("a tooltip");  // its End() stops ImGui's log
        ImGui::SliderInt("after", &k, 1, 10);
        ImGui::TextWrapped("Last words.");
    });
    REQUIRE(find(d, Role::value, "after"));
    CHECK(find(d, Role::value, "after")->value == "3");
    CHECK(has_text(d, "Before."));
    CHECK(has_text(d, "Last words."));
}

TEST_CASE("a11y: a combo opened from the text view lists its options, and pressing one chooses it") {
    Gui gui;
    int cur = 0;
    const char* items[] = {"zeros", "reflect", "circular"};
    auto body = [&] {
        ui::combo("padding mode", &cur, items, 3);
        ImGui::TextWrapped("After the combo.");
    };
    const std::uint32_t id = gui.captured(body).nodes.at(0).id;
    REQUIRE(id != 0);
    a11y::press(id);
    gui.captured(body);
    gui.captured(body);
    const a11y::Document& open = a11y::document();
    REQUIRE(find(open, Role::combo, "padding mode"));
    CHECK(find(open, Role::combo, "padding mode")->checked);  // expanded
    const a11y::Node* option = find(open, Role::button, "circular");
    REQUIRE(option);
    CHECK(has_text(open, "After the combo."));
    a11y::press(option->id);
    gui.captured(body);
    gui.captured(body);
    CHECK(cur == 2);
    CHECK_FALSE(find(a11y::document(), Role::combo, "padding mode")->checked);
    CHECK(find(a11y::document(), Role::combo, "padding mode")->value == "circular");
}
