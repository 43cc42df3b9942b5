// Tests for lessons/kit/plane.cpp in a headless ImGui frame: data <-> screen coordinates, the
// size that fits the window, and the mouse reported in data coordinates while drawing.
#include <doctest/doctest.h>

#include "headless.hpp"
#include "kit/plane.hpp"

using namespace aelab;

TEST_CASE("plane: data and screen coordinates map both ways, y up") {
    test::HeadlessImGui gui;
    gui.frame([] {
        kit::PlaneCanvas plane("p", {-2, 2, -1, 3}, 200);
        const ImVec2 top_left = plane.to_screen(-2, 3), bottom_right = plane.to_screen(2, -1);
        CHECK(bottom_right.x - top_left.x == doctest::Approx(200));
        CHECK(bottom_right.y - top_left.y == doctest::Approx(200));
        const ImVec2 centre = plane.to_screen(0, 1);
        CHECK(centre.x == doctest::Approx(top_left.x + 100));
        CHECK(centre.y == doctest::Approx(top_left.y + 100));
        const ImVec2 back = plane.to_data(plane.to_screen(1.25f, -0.5f));
        CHECK(back.x == doctest::Approx(1.25f));
        CHECK(back.y == doctest::Approx(-0.5f));
        // Drawing with bad values draws nothing and does not throw.
        const float xy[4] = {0, 0, NAN, 1}, d[4] = {INFINITY, 0, 1, 1}, v[4] = {0, NAN, 1, 0.5f};
        plane.points(xy, 2, IM_COL32_WHITE);
        plane.arrows(xy, d, 2, IM_COL32_WHITE, 1.0f, 20.0f);
        plane.field(v, 2, 2, ui::Colormap::gray, 0, 1, 0.5f);
        plane.curve(xy, 1, IM_COL32_WHITE);
    });
}

TEST_CASE("plane: fits the available width within [160, 480] px and a degenerate range is widened") {
    test::HeadlessImGui gui;
    gui.frame([] {
        kit::PlaneCanvas plane("p", {1, 1, 0, -1});  // empty ranges
        CHECK(plane.size() == doctest::Approx(480));
        CHECK(plane.range().xmax == doctest::Approx(2));
        CHECK(plane.range().ymax == doctest::Approx(1));
    });
}

TEST_CASE("plane: a press and drag reports the mouse in data coordinates") {
    test::HeadlessImGui gui;
    ImVec2 origin;
    auto draw = [&](bool* pressed, ImVec2* mouse) {
        origin = ImGui::GetCursorScreenPos();
        kit::PlaneCanvas plane("p", {0, 4, 0, 4}, 400);
        *pressed = plane.pressed();
        *mouse = plane.mouse();
    };
    bool pressed = false;
    ImVec2 mouse;
    gui.frame([&] { draw(&pressed, &mouse); });
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2(origin.x + 100, origin.y + 100);  // data (1, 3)
    gui.frame([&] { draw(&pressed, &mouse); });
    io.MouseDown[0] = true;
    gui.frame([&] { draw(&pressed, &mouse); });
    CHECK(pressed);
    CHECK(mouse.x == doctest::Approx(1.0f));
    CHECK(mouse.y == doctest::Approx(3.0f));
    io.MousePos = ImVec2(origin.x + 300, origin.y + 200);  // drag to (3, 2)
    gui.frame([&] { draw(&pressed, &mouse); });
    CHECK(pressed);
    CHECK(mouse.x == doctest::Approx(3.0f));
    CHECK(mouse.y == doctest::Approx(2.0f));
    io.MouseDown[0] = false;
    gui.frame([&] { draw(&pressed, &mouse); });
    CHECK_FALSE(pressed);
}
