// libFuzzer target: the lessons' parameters. The same text is read
//   - as an architecture spec (aelab/architecture.hpp): parse_architecture, check_architecture
//     (for the lesson's (1, 28, 28) autoencoder and for a small (2, 6, 6) input, not as an
//     autoencoder), the canonical text's round trip, and, when the spec checks and is small, the
//     core's layer lines, the PyTorch printout and build_architecture;
//   - as a URL query (lessons/kit/platform.hpp parse_query, as the page reads its address), whose
//     values go through a UrlState with one key of every kind (lessons/kit/url_state.hpp), as a
//     lesson reads its state when it opens, and through the kit's parsers directly.
// The lesson kit's URL code needs only the platform layer's parameter map (no ImGui): the target
// compiles lessons/kit/url_state.cpp and platform.cpp itself.
#include <algorithm>
#include <array>
#include <cmath>

#include "aelab/architecture.hpp"
#include "fuzz_util.hpp"
#include "kit/platform.hpp"
#include "kit/url_state.hpp"

namespace {

enum class Mode { a, b, c, d };

void architecture(const std::string& text) {
    for (const bool lesson : {true, false}) {
        aelab::ArchOptions o;
        if (!lesson) o.sample_shape = {2, 6, 6}, o.autoencoder = false;
        const aelab::ArchCheck c = aelab::check_architecture(text, o);  // never throws
        if (c.ok != c.error.empty()) fuzz::finding("check_architecture: ok and error disagree");
        if (!c.ok) continue;
        // The canonical text parses to the same layers and is its own canonical text.
        const std::string canonical = aelab::architecture_text(c.arch);
        const aelab::Architecture again = aelab::parse_architecture(canonical);
        if (aelab::architecture_text(again) != canonical) fuzz::finding("canonical text is not stable: " + canonical);
        const aelab::ArchCheck c2 = aelab::check_architecture(canonical, o);
        if (!c2.ok || c2.params != c.params) fuzz::finding("canonical text checks differently: " + canonical);
        aelab::architecture_layers_text(text, o);
        aelab::architecture_pytorch(text, o);
        std::int64_t largest = 0;
        for (const auto& row : c.rows) largest = std::max<std::int64_t>(largest, std::int64_t(aelab::numel(row.output)));
        if (c.params <= (1 << 18) && largest <= (1 << 16)) {
            aelab::Sequential m = aelab::build_architecture(text, 1, o);
            if (std::int64_t(m.param_count()) != c.params)
                fuzz::finding("build_architecture's parameter count differs from check_architecture's");
        }
    }
    fuzz::attempt([&] { aelab::parse_architecture(text); });
    fuzz::attempt([&] { aelab::architecture_preset(text); });
}

void url(const std::string& text) {
    namespace kit = aelab::kit;
    const auto params = aelab::platform::parse_query(text);
    aelab::platform::set_params(params);
    int i = 3;
    bool b = false;
    float f = 0.5f;
    Mode e = Mode::a;
    std::vector<float> v{1, 2, 3};
    std::array<int, 3> ints{1, 1, 1};
    std::string s = "x";
    kit::UrlState state;
    state.add("i", i, -5, 40).add("b", b).add("f", f, -2.0f, 2.0f).add_enum("e", e, 4);
    state.add("v", v, [&i] { return std::size_t(std::clamp(i, 0, 40)); }).add("k", ints, 1, 9);
    state.add("s", s, [](const std::string& t) { return t.size() <= 16; });
    state.read();
    if (i < -5 || i > 40 || !(f >= -2.0f && f <= 2.0f) || int(e) < 0 || int(e) > 3 || s.size() > 16)
        fuzz::finding("UrlState accepted a value out of its range");
    for (int k : ints)
        if (k < 1 || k > 9) fuzz::finding("UrlState accepted an int list value out of range");
    for (float x : v)
        if (!std::isfinite(x) || std::fabs(x) > 1000) fuzz::finding("UrlState accepted a float out of range");
    state.write();
    // The kit's parsers on the raw text.
    int n = 0;
    if (kit::UrlState::parse_int(text, -3, 3, n) && (n < -3 || n > 3)) fuzz::finding("parse_int out of range");
    float x = 0;
    if (kit::UrlState::parse_float(text, -1, 1, x) && !(x >= -1 && x <= 1)) fuzz::finding("parse_float out of range");
    std::array<int, 2> two{};
    if (kit::UrlState::parse_ints(text, 0, 5, two.data(), 2) && (two[0] < 0 || two[0] > 5 || two[1] < 0 || two[1] > 5))
        fuzz::finding("parse_ints out of range");
    aelab::platform::parse_floats(text, 3);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 8192) return 0;
    const std::string text = fuzz::text(data, size);
    architecture(text);
    url(text);
    return 0;
}
