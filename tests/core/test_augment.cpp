// Tests for core/src/augment.cpp: shifts with zero fill, flips, the draw order per seed, errors.
#include <doctest/doctest.h>

#include <string>

#include "aelab/augment.hpp"

using namespace aelab;

TEST_CASE("augment: one plane shifted, flipped, zero filled") {
    // 3 x 4 plane with values 1..12 in row-major order.
    const std::vector<float> in = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    std::vector<float> out(12, -1.0f);
    shift_flip_plane(out.data(), in.data(), 3, 4, 0, 0, false);
    CHECK(out == in);
    shift_flip_plane(out.data(), in.data(), 3, 4, 1, 0, false);  // down one row
    CHECK(out == std::vector<float>{0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8});
    shift_flip_plane(out.data(), in.data(), 3, 4, 0, -2, false);  // left two columns
    CHECK(out == std::vector<float>{3, 4, 0, 0, 7, 8, 0, 0, 11, 12, 0, 0});
    shift_flip_plane(out.data(), in.data(), 3, 4, 0, 0, true);  // mirrored
    CHECK(out == std::vector<float>{4, 3, 2, 1, 8, 7, 6, 5, 12, 11, 10, 9});
    shift_flip_plane(out.data(), in.data(), 3, 4, -1, 1, true);  // mirrored, then up one and right one
    CHECK(out == std::vector<float>{0, 8, 7, 6, 0, 12, 11, 10, 0, 0, 0, 0});
    shift_flip_plane(out.data(), in.data(), 3, 4, 3, 0, false);  // moved out entirely
    CHECK(out == std::vector<float>(12, 0.0f));
}

TEST_CASE("augment: a batch follows the documented draws, each example's channels alike") {
    Tensor x = zeros({3, 2, 28, 28});
    for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = float(i % 97) / 97.0f + 0.01f;
    Rng rng(7), replay(7);
    const Tensor y = augment_batch(x, rng);
    REQUIRE(shape_of(y) == shape_of(x));
    const std::size_t plane = 28 * 28;
    for (std::size_t n = 0; n < 3; ++n) {
        const int dy = int(replay.below(5)) - 2, dx = int(replay.below(5)) - 2;
        CHECK(dy >= -2);
        CHECK(dy <= 2);
        const bool flip = replay.below(2) == 1;
        for (std::size_t c = 0; c < 2; ++c) {
            std::vector<float> expected(plane);
            shift_flip_plane(expected.data(), x.data() + (n * 2 + c) * plane, 28, 28, dy, dx, flip);
            CHECK(std::vector<float>(y.data() + (n * 2 + c) * plane, y.data() + (n * 2 + c + 1) * plane) == expected);
        }
    }
    // Same seed, same batch; the next draws differ.
    Rng again(7);
    CHECK(augment_batch(x, again) == y);
    CHECK(augment_batch(x, again) != y);
    // Off: shift 0 and no flips leave the batch alone and draw nothing.
    Rng off(7);
    CHECK(augment_batch(x, off, {0, false}) == x);
    CHECK(off.next_u32() == Rng(7).next_u32());
}

TEST_CASE("augment: flips only mirror about half the examples") {
    Tensor x = zeros({200, 1, 4, 4});
    for (std::size_t n = 0; n < 200; ++n) x(n, 0, 0, 0) = 1.0f;  // a dot in the top-left corner
    Rng rng(3);
    const Tensor y = augment_batch(x, rng, {0, true});
    int flipped = 0;
    for (std::size_t n = 0; n < 200; ++n) {
        CHECK(y(n, 0, 0, 0) + y(n, 0, 0, 3) == 1.0f);
        flipped += y(n, 0, 0, 3) == 1.0f;
    }
    CHECK(flipped > 70);
    CHECK(flipped < 130);
}

TEST_CASE("augment: errors name augment") {
    Rng rng(1);
    CHECK_THROWS_WITH_AS(augment_batch(zeros({1, 28, 28}), rng), doctest::Contains("augment"), Error);
    CHECK_THROWS_WITH_AS(augment_batch(zeros({1, 1, 28, 28}), rng, {9, true}), doctest::Contains("max_shift"), Error);
}
