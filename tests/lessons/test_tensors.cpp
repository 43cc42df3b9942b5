// Tests for lessons/tensors.cpp: the numbers and shapes the "Tensors & images" page shows.
#include <doctest/doctest.h>

#include <xtensor/xview.hpp>

#include "aelab/images.hpp"
#include "tensors.hpp"

using namespace aelab;
using namespace aelab::lessons::tensors;

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
