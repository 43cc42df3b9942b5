// Tests for lessons/tensors.cpp: the numbers and shapes the "Tensors & images" page shows, the
// Python its "In PyTorch" panels print, and its state in the URL.
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <string>

#include <xtensor/xview.hpp>

#include "aelab/images.hpp"
#include "headless.hpp"
#include "kit/platform.hpp"
#include "kit/pytorch.hpp"
#include "lesson.hpp"
#include "tensors.hpp"

using namespace aelab;
using namespace aelab::lessons::tensors;
using Params = std::map<std::string, std::string>;

TEST_CASE("tensors lesson: flat offset follows ((n*C + c)*H + h)*W + w") {
    Tensor x = zeros({4, 3, 48, 64});
    CHECK(flat_offset(x, {0, 0, 0, 0}) == 0);
    CHECK(flat_offset(x, {0, 0, 0, 1}) == 1);
    CHECK(flat_offset(x, {0, 0, 1, 0}) == 64);
    CHECK(flat_offset(x, {0, 1, 0, 0}) == 48 * 64);
    CHECK(flat_offset(x, {1, 2, 5, 7}) == ((1 * 3 + 2) * 48 + 5) * 64 + 7);
    // The offset addresses the element the index names.
    x(3, 1, 10, 20) = 42.0f;
    CHECK(x.data()[flat_offset(x, {3, 1, 10, 20})] == 42.0f);
    CHECK_THROWS_WITH_AS(flat_offset(x, {4, 0, 0, 0}), doctest::Contains("out of range on axis 0"), Error);
    CHECK_THROWS_AS(flat_offset(x, {0, 0, 0}), Error);
}

TEST_CASE("tensors lesson: NCHW views peel axes from the left") {
    auto v = nchw_views(zeros({4, 3, 48, 64}));
    REQUIRE(v.size() == 6);
    CHECK(v[0].shape == "(4, 3, 48, 64)");
    CHECK(v[1].shape == "(3, 48, 64)");
    CHECK(v[2].expression == "x[0, 2]");
    CHECK(v[2].shape == "(48, 64)");
    CHECK(v[3].shape == "(64,)");
    CHECK(v[4].shape == "()");
    CHECK(v[5].shape == "(4, 48, 64)");
    auto fm = nchw_views(zeros({4, 1, 28, 28}));
    CHECK(fm[0].shape == "(4, 1, 28, 28)");
    CHECK(fm[2].shape == "(28, 28)");
    CHECK_THROWS_WITH_AS(nchw_views(zeros({28, 28})), doctest::Contains("4 dimensions"), Error);
}

TEST_CASE("tensors lesson: the number-grid crop stays inside the image") {
    Crop c = crop_around(14, 14, 28, 28, 8);
    CHECK(c.row0 == 10);
    CHECK(c.col0 == 10);
    c = crop_around(0, 27, 28, 28, 8);
    CHECK(c.row0 == 0);
    CHECK(c.col0 == 20);
    c = crop_around(5, 5, 4, 6, 8);  // larger than the image: clipped
    CHECK(c.size == 4);
    CHECK(c.row0 == 0);
}

TEST_CASE("tensors lesson: the built-in picture's channels") {
    Tensor p = make_rgb_picture(48, 64);
    REQUIRE(p.shape() == Shape{3, 48, 64});
    for (float v : p) {
        REQUIRE(v >= 0.0f);
        REQUIRE(v <= 1.0f);
        REQUIRE(v * 255.0f == doctest::Approx(std::round(v * 255.0f)).epsilon(1e-5));  // whole 8-bit levels
    }
    // The roof is red: bright in R, dark in G and B. The door is blue.
    int roof_r = int(std::lround(p(0, 23, 21) * 255)), roof_g = int(std::lround(p(1, 23, 21) * 255));
    CHECK(roof_r == 217);
    CHECK(roof_g == 26);
    CHECK(p(2, 38, 21) > 0.7f);
    CHECK(p(0, 38, 21) < 0.2f);
    CHECK_THROWS_AS(make_rgb_picture(4, 4), Error);
}

TEST_CASE("tensors lesson: patterns") {
    Tensor c = make_pattern(Pattern::checkerboard, 4, 4);
    CHECK(c(0, 0) == 0.0f);
    CHECK(c(0, 2) == 1.0f);
    CHECK(c(2, 2) == 0.0f);
    Tensor g = make_pattern(Pattern::gradient, 3, 5);
    CHECK(g(1, 0) == 0.0f);
    CHECK(g(1, 4) == 1.0f);
    Tensor w = make_pattern(Pattern::signed_wave, 8, 8);
    CHECK(xt::amin(w)() < -0.5f);
    CHECK(xt::amax(w)() > 0.5f);
    CHECK_THROWS_AS(make_pattern(Pattern::ring, 0, 3), Error);
}

TEST_CASE("tensors lesson: the PyTorch panels check the page's numbers") {
    Tensor x = zeros({4, 3, 48, 64});
    x(1, 0, 5, 7) = 135.0f / 255.0f;
    const std::string nchw = pytorch_nchw(x, {1, 0, 5, 7});
    CHECK(nchw.find("for e in ['x', 'x[0]', 'x[0, 2]', 'x[0, 0, 5]', 'x[0, 0, 5, 7]', 'x[:, 0]']:") != std::string::npos);
    CHECK(nchw.find("print(x.stride())  # (9216, 3072, 64, 1)") != std::string::npos);
    CHECK(nchw.find("n, c, h, w = 1, 0, 5, 7\n") != std::string::npos);
    CHECK(nchw.find("offset = ((n*3 + c)*48 + h)*64 + w  # = 9543\n") != std::string::npos);
    CHECK(nchw.find("# tensor(True) 135") != std::string::npos);
    CHECK_THROWS_AS(pytorch_nchw(x, {4, 0, 0, 0}), Error);

    const Tensor picture = make_rgb_picture(48, 64);
    const std::string channels = pytorch_channels(picture, 23, 21);  // on the red roof
    CHECK(channels.find("r, g, b = x  # the channel split: three (48, 64) grayscale images") != std::string::npos);
    CHECK(channels.find("pixel = (x[:, 23, 21] * 255).round()") != std::string::npos);
    const std::string blue = kit::py_float(std::round(picture(2, 23, 21) * 255.0f));
    CHECK(channels.find("torch.equal(pixel, torch.tensor([217., 26., " + blue + "]))") != std::string::npos);

    Tensor image = zeros({1, 28, 28});
    image(0, 10, 11) = 1.0f;
    image(0, 11, 10) = 0.2f;
    const Crop crop = crop_around(11, 11, 28, 28, 2);  // rows and columns 10..11
    const std::string levels = pytorch_image(image, crop, true);
    CHECK(levels.find("grid = (x[0, 10:12, 10:12] * 255).round()  # levels 0..255") != std::string::npos);
    CHECK(levels.find("torch.tensor([[0., 255.],\n") != std::string::npos);
    CHECK(levels.find(" [51., 0.]])))  # True") != std::string::npos);
    const std::string unit = pytorch_image(image, crop, false);
    CHECK(unit.find("grid = x[0, 10:12, 10:12]\n") != std::string::npos);
    CHECK(unit.find(" [0.2, 0.]])))  # True") != std::string::npos);
}

namespace {
// The page parameters the lesson writes back after drawing one frame from the link `link`.
Params url_after_one_frame(const Params& link) {
    platform::set_dataset_path(AELAB_TEST_DATASET);
    platform::set_params(link);
    auto lesson = lessons::find_lesson("tensors")->make();
    test::HeadlessImGui gui;
    gui.frame([&] { lesson->draw(); });
    Params written;
    for (const char* key : {"img", "levels", "row", "col", "grid", "pattern", "size", "prow", "pcol", "tint", "n",
                            "c", "h", "w", "open"})
        written[key] = platform::param(key);
    platform::set_params({});
    return written;
}
}  // namespace

TEST_CASE("tensors lesson: everything the student sets is kept in the URL") {
    const Params defaults = {{"img", "0"},  {"levels", "1"}, {"row", "14"}, {"col", "14"}, {"grid", "8"},
                             {"pattern", "2"}, {"size", "10"}, {"prow", "10"}, {"pcol", "50"}, {"tint", "0"},
                             {"n", "1"},    {"c", "0"},      {"h", "5"},    {"w", "7"},    {"open", "15"}};
    CHECK(url_after_one_frame({}) == defaults);

    // A link with every key changed reopens that view.
    const Params link = {{"img", "12"},    {"levels", "0"}, {"row", "3"},   {"col", "27"}, {"grid", "5"},
                         {"pattern", "4"}, {"size", "4"},   {"prow", "47"}, {"pcol", "0"}, {"tint", "1"},
                         {"n", "3"},       {"c", "2"},      {"h", "47"},    {"w", "63"},   {"open", "5"}};
    CHECK(url_after_one_frame(link) == link);

    // Malformed and out-of-range values are ignored: those keys keep their defaults.
    const Params bad = {{"img", "x"},   {"levels", "2"},  {"row", "28"},  {"col", "-1"}, {"grid", "3"},
                        {"pattern", "5"}, {"size", "1.5"}, {"prow", "48"}, {"pcol", "64"}, {"tint", "yes"},
                        {"n", "4"},     {"c", "3"},       {"h", "48"},    {"w", "7,7"},  {"open", "16"}};
    CHECK(url_after_one_frame(bad) == defaults);

    // The test set's size is known only once it has loaded: a later image shows the last one.
    const Params past_the_end = url_after_one_frame({{"img", "9999"}});
    CHECK(past_the_end.at("img") ==
          std::to_string(platform::fashion_mnist().dataset->size(Split::test) - 1));
}
