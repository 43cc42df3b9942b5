// aelab lessons: the lesson interface and the one registry the host's sidebar is built from.
//
// A lesson is one self-contained .cpp file in lessons/ (like imgui_demo.cpp): a header comment
// saying what it teaches, an index of its sections, its state next to where it is used, and
// only the core's public API and the lesson kit (kit/). Its maths and state live in functions
// that tests call without a window. lessons/README.md says how to add one; tensors.cpp is the
// template.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace aelab::lessons {

class Lesson {
public:
    virtual ~Lesson() = default;
    // Draws the lesson's content into the current ImGui window (the host made it).
    virtual void draw() = 0;
};

struct LessonInfo {
    const char* id;     // fixed: used in ?lesson=<id> links that course pages embed
    const char* title;  // sidebar and window title
    const char* blurb;  // one line under the title in the lesson list
    std::unique_ptr<Lesson> (*make)();  // never null
};

// Every lesson, in teaching order (lessons/registry.cpp). Ids never change once published.
const std::vector<LessonInfo>& registry();
// The lesson with that id, or nullptr.
const LessonInfo* find_lesson(std::string_view id);

}  // namespace aelab::lessons
