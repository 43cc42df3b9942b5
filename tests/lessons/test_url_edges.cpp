// Every lesson opened from links a typo or a script produces: each URL parameter at the edges
// of its range, just past them, and hostile text (huge numbers, NaN, control bytes, very long
// values). The page must open and draw without an exception escaping; values out of range
// leave the defaults. Natively and as wasm under node (where an overflow or a huge allocation
// would trap the module).
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "headless.hpp"
#include "kit/platform.hpp"
#include "kit/url_state.hpp"
#include "lesson.hpp"

using namespace aelab;
using kit::UrlState;

namespace {

const std::vector<std::string>& hostile_values() {
    static const std::vector<std::string> v = {
        "", "-", "+", ".", "1e39", "-1e39", "nan", "-inf", "inf", "0x7fffffff", "2147483648",
        "-2147483649", "99999999999999999999999", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17",
        std::string("1\0" "2", 3), "\x01\x7f\xff\xfe", "%00%ff", "\xef\xbc\x91\xef\xbc\x92",  // fullwidth "12"
        std::string(10000, '9'), std::string(5000, ','), "conv65536s32p32-up32-up32-flat-lin65536",
        "1e-45", "-0", "0.5", "3.4028236e38",
    };
    return v;
}

// Opens the lesson with these parameters and draws three frames; returns false (with the
// reason logged) when anything escaped.
bool opens(const lessons::LessonInfo& info, const std::map<std::string, std::string>& params,
           test::HeadlessImGui& gui, const char* variant) {
    platform::set_params(params);
    try {
        auto lesson = info.make();
        for (int i = 0; i < 3; ++i) gui.frame([&] { lesson->draw(); });
        return true;
    } catch (const std::exception& e) {
        const std::string what = std::string(info.id) + " with " + variant + " parameters threw: " + e.what();
        FAIL_CHECK(what);
    }
    return false;
}

}  // namespace

TEST_CASE("lessons: every URL parameter at its edges, past them and hostile: the page opens") {
    platform::set_dataset_path(AELAB_TEST_DATASET);
    test::HeadlessImGui gui;
    int keys = 0, opened = 0;
    for (const auto& info : lessons::registry()) {
        std::vector<UrlState::Probe> probes;
        UrlState::record_declared(&probes);
        platform::set_params({});
        {
            auto lesson = info.make();
            gui.frame([&] { lesson->draw(); });
        }
        UrlState::record_declared(nullptr);
        CHECK(!probes.empty());  // every lesson keeps some state in its link
        keys += int(probes.size());
        // All keys at once at the low edge, the high edge, past each, then hostile text.
        for (int edge = 0; edge < 2; ++edge)
            for (int past = 0; past < 2; ++past) {
                std::map<std::string, std::string> params;
                for (const auto& p : probes) {
                    const auto& values = past ? p.past_edges : p.at_edges;
                    if (!values.empty()) params[p.key] = values[std::size_t(edge) % values.size()];
                }
                opened += opens(info, params, gui, past ? "past-edge" : "edge");
            }
        const auto& hostile = hostile_values();
        for (std::size_t round = 0; round < 3; ++round) {
            std::map<std::string, std::string> params;
            for (std::size_t k = 0; k < probes.size(); ++k)
                params[probes[k].key] = hostile[(k * 7 + round * 11) % hostile.size()];
            opened += opens(info, params, gui, "hostile");
        }
        // Each key alone at each edge (the others at their defaults): rules that depend on
        // an earlier key meet their extremes too.
        for (const auto& p : probes)
            for (const auto& v : p.at_edges) opened += opens(info, {{p.key, v}}, gui, "single-edge");
    }
    platform::set_params({});
    MESSAGE(keys, " URL keys over ", lessons::registry().size(), " lessons, ", opened, " openings");
    CHECK(keys > 50);
}
