// Tests for core/src/toy2d.cpp: shapes, sampling along curves, nearest points, grids.
#include <doctest/doctest.h>

#include <cmath>

#include "aelab/error.hpp"
#include "aelab/toy2d.hpp"

using namespace aelab;
using namespace aelab::toy2d;

TEST_CASE("toy2d: shape names round-trip and unknown names are refused") {
    for (int i = 0; i < kPresetCount; ++i) {
        Preset s;
        REQUIRE(parse_preset(preset_name(Preset(i)), s));
        CHECK(int(s) == i);
    }
    Preset s = Preset::circle;
    CHECK_FALSE(parse_preset("Circle", s));
    CHECK_FALSE(parse_preset("", s));
    CHECK(std::string(preset_name(Preset::two_moons)) == "two-moons");
}

TEST_CASE("toy2d: noiseless circle samples lie on the circle of radius 1.5, and a seed repeats them") {
    Rng a(3), b(3);
    const Tensor x = sample(Preset::circle, 500, 0.0f, a), y = sample(Preset::circle, 500, 0.0f, b);
    REQUIRE(x.shape() == aelab::Shape{500, 2});
    double mean_angle_x = 0, mean_angle_y = 0;
    for (std::size_t i = 0; i < 500; ++i) {
        const float px = x(i, 0), py = x(i, 1);
        // The polyline's chords sit slightly inside the circle: 256 vertices, so within 1.5 * (1 - cos(pi/256)).
        CHECK(std::hypot(px, py) == doctest::Approx(1.5).epsilon(1e-4));
        CHECK(px == y(i, 0));
        CHECK(py == y(i, 1));
        mean_angle_x += px, mean_angle_y += py;
    }
    // Uniform along the circle: the mean is near the centre.
    CHECK(std::fabs(mean_angle_x / 500) < 0.15);
    CHECK(std::fabs(mean_angle_y / 500) < 0.15);
}

TEST_CASE("toy2d: the ring has eight modes of radius 2 and its samples spread over all of them") {
    const std::vector<float> m = mode_centres(Preset::ring);
    REQUIRE(m.size() == 16);
    CHECK(m[0] == doctest::Approx(2.0));
    CHECK(m[1] == doctest::Approx(0.0).epsilon(1e-6));
    CHECK(m[4] == doctest::Approx(0.0).epsilon(1e-5));
    CHECK(m[5] == doctest::Approx(2.0));
    Rng rng(1);
    const Tensor x = sample(Preset::ring, 800, 0.02f, rng);
    int per_mode[8] = {};
    for (std::size_t i = 0; i < 800; ++i) {
        int nearest = 0;
        float best = 1e9f;
        for (int k = 0; k < 8; ++k) {
            const float d = std::hypot(x(i, 0) - m[2 * k], x(i, 1) - m[2 * k + 1]);
            if (d < best) best = d, nearest = k;
        }
        CHECK(best < 0.02f * 5);  // 5 standard deviations
        ++per_mode[nearest];
    }
    for (int k = 0; k < 8; ++k) CHECK(per_mode[k] > 60);  // 100 expected each
    CHECK(is_mode_preset(Preset::ring));
    CHECK_FALSE(is_mode_preset(Preset::spiral));
}

TEST_CASE("toy2d: noise has the asked standard deviation around the curve") {
    Rng rng(7);
    const Tensor x = sample(Preset::line, 4000, 0.1f, rng);
    const Curve c = preset_curve(Preset::line);
    double sq = 0;
    for (std::size_t i = 0; i < 4000; ++i) {
        float qx, qy;
        const float d = nearest_on_curve(c, x(i, 0), x(i, 1), qx, qy);
        sq += double(d) * d;
    }
    // Distance to a line is the noise's normal component: one of two dimensions.
    CHECK(std::sqrt(sq / 4000) == doctest::Approx(0.1).epsilon(0.05));
}

TEST_CASE("toy2d: nearest point on a polyline, and a drawn curve is sampled along its length") {
    Curve c;
    c.pieces = {{0, 0, 2, 0, 2, 1}};
    c.closed = {false};
    float qx, qy;
    CHECK(nearest_on_curve(c, 1.0f, 0.5f, qx, qy) == doctest::Approx(0.5));
    CHECK(qx == doctest::Approx(1.0));
    CHECK(qy == doctest::Approx(0.0));
    CHECK(nearest_on_curve(c, 3.0f, 2.0f, qx, qy) == doctest::Approx(std::sqrt(2.0)));
    CHECK(qx == doctest::Approx(2.0));
    CHECK(qy == doctest::Approx(1.0));
    // 2 of the 3 length units are on the first segment.
    Rng rng(5);
    const Tensor x = sample_curve(c, 3000, 0.0f, rng);
    int first = 0;
    for (std::size_t i = 0; i < 3000; ++i) first += x(i, 1) == 0.0f && x(i, 0) < 2.0f;
    CHECK(first / 3000.0 == doctest::Approx(2.0 / 3).epsilon(0.05));
}

TEST_CASE("toy2d: bad curves and sizes are refused with a message") {
    Rng rng(1);
    Curve empty;
    CHECK_THROWS_AS(sample_curve(empty, 10, 0, rng), Error);
    Curve odd;
    odd.pieces = {{0, 1, 2}};
    odd.closed = {false};
    CHECK_THROWS_WITH_AS(sample_curve(odd, 10, 0, rng), doctest::Contains("x,y pairs"), Error);
    Curve nan;
    nan.pieces = {{0, NAN}};
    nan.closed = {false};
    CHECK_THROWS_WITH_AS(sample_curve(nan, 10, 0, rng), doctest::Contains("not finite"), Error);
    CHECK_THROWS_WITH_AS(sample(Preset::circle, 2000000, 0, rng), doctest::Contains("at most"), Error);
    CHECK_THROWS_AS(sample(Preset::circle, 10, -1.0f, rng), Error);
    CHECK_THROWS_AS(grid_points(0, 5, -1, 1, -1, 1), Error);
    // A single click: points around it.
    Curve dot;
    dot.pieces = {{0.5f, -0.5f}};
    dot.closed = {false};
    const Tensor x = sample_curve(dot, 4, 0.0f, rng);
    CHECK(x(3, 0) == 0.5f);
    CHECK(x(3, 1) == -0.5f);
}

TEST_CASE("toy2d: grid cell centres, row 0 at the top") {
    const Tensor g = grid_points(2, 4, -2, 2, -1, 1);
    REQUIRE(g.shape() == aelab::Shape{8, 2});
    CHECK(g(0, 0) == doctest::Approx(-1.5));
    CHECK(g(0, 1) == doctest::Approx(0.5));
    CHECK(g(7, 0) == doctest::Approx(1.5));
    CHECK(g(7, 1) == doctest::Approx(-0.5));
}
