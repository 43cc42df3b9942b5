// The worked examples of the course the lessons teach, reproduced exactly through the
// Tensor API: the numbers the lessons show must be the numbers the core computes.
#include <doctest/doctest.h>

#include "aelab/ops.hpp"
#include "test_util.hpp"

using aelab::from_values;
using testutil::check_values;

TEST_CASE("course: 1D convolution [1,4,3,-1,2,-4,1,0,2,-1] * [1,2,1]") {
    auto x = from_values({1, 1, 10}, {1, 4, 3, -1, 2, -4, 1, 0, 2, -1});  // (N, C, L)
    auto w = from_values({1, 1, 3}, {1, 2, 1});                           // (C_out, C_in, K)
    check_values(aelab::conv1d(x, w, nullptr), {1, 1, 8}, {12, 9, 3, -1, -5, -2, 3, 3});
}

TEST_CASE("course: 2D convolution of the 5x5 example with the 3x3 kernel") {
    auto x = from_values({1, 1, 5, 5}, {3, 3, 2, 1, 0,  //
                                        0, 0, 1, 3, 1,  //
                                        3, 1, 2, 2, 3,  //
                                        2, 0, 0, 2, 2,  //
                                        2, 0, 0, 0, 1});
    auto w = from_values({1, 1, 3, 3}, {0, 1, 2, 2, 2, 0, 0, 1, 2});
    check_values(aelab::conv2d(x, w, nullptr), {1, 1, 3, 3}, {12, 12, 17, 10, 17, 19, 9, 6, 14});
}

TEST_CASE("course: max pooling remembers where the maxima were; max unpooling puts values back") {
    auto x = from_values({1, 1, 4, 4}, {1, 2, 6, 3,  //
                                        3, 5, 2, 1,  //
                                        1, 2, 2, 1,  //
                                        7, 3, 4, 8});
    auto pooled = aelab::max_pool2d(x);
    check_values(pooled.out, {1, 1, 2, 2}, {5, 6, 7, 8});
    // (1,1), (0,2), (3,0), (3,3) as flat indices h*4 + w
    const std::int64_t expected_indices[4] = {1 * 4 + 1, 0 * 4 + 2, 3 * 4 + 0, 3 * 4 + 3};
    for (int i = 0; i < 4; ++i) CHECK(pooled.indices.data()[i] == expected_indices[i]);

    auto decoder = from_values({1, 1, 2, 2}, {1, 2, 3, 4});
    check_values(aelab::max_unpool2d(decoder, pooled.indices), {1, 1, 4, 4},
                 {0, 0, 2, 0,  //
                  0, 1, 0, 0,  //
                  0, 0, 0, 0,  //
                  3, 0, 0, 4});
}

TEST_CASE("course: max and average pooling 2x2") {
    auto x = from_values({1, 1, 4, 4}, {29, 15, 28, 184,  //
                                        0, 100, 70, 38,   //
                                        12, 12, 7, 2,     //
                                        12, 12, 45, 6});
    check_values(aelab::max_pool2d(x).out, {1, 1, 2, 2}, {100, 184, 12, 45});
    // The slide prints 36: it truncates 36.5.
    auto y = from_values({1, 1, 4, 4}, {31, 15, 28, 184,  //
                                        0, 100, 70, 38,   //
                                        12, 12, 7, 2,     //
                                        12, 12, 45, 6});
    check_values(aelab::avg_pool2d(y), {1, 1, 2, 2}, {36.5f, 80, 12, 15});
}

TEST_CASE("course: nearest-neighbour and bed-of-nails unpooling of [[1,2],[3,4]] to 4x4") {
    auto x = from_values({1, 1, 2, 2}, {1, 2, 3, 4});
    check_values(aelab::upsample_nearest2d(x, 2, 2), {1, 1, 4, 4},
                 {1, 1, 2, 2,  //
                  1, 1, 2, 2,  //
                  3, 3, 4, 4,  //
                  3, 3, 4, 4});
    check_values(aelab::upsample_bed_of_nails2d(x, 2, 2), {1, 1, 4, 4},
                 {1, 0, 2, 0,  //
                  0, 0, 0, 0,  //
                  3, 0, 4, 0,  //
                  0, 0, 0, 0});
}

TEST_CASE("course: 3x3 transposed convolution, stride 2, padding 1, output_padding 1: 2x2 -> 4x4") {
    auto x = from_values({1, 1, 2, 2}, {1, 2, 3, 4});
    auto w = from_values({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});  // (C_in, C_out, kH, kW)
    aelab::ConvTranspose2dParams p;
    p.stride = {2, 2};
    p.padding = {1, 1};
    p.output_padding = {1, 1};
    // Each input value weights a copy of the filter placed 2 apart in the (padded) output; the
    // copies add where they overlap. Values from torch.nn.functional.conv_transpose2d.
    check_values(aelab::conv_transpose2d(x, w, nullptr, p), {1, 1, 4, 4},
                 {5, 14, 10, 12,   //
                  14, 36, 24, 30,  //
                  15, 34, 20, 24,  //
                  24, 55, 32, 36});
}
