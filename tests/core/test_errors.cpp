// Bad inputs: every op throws aelab::Error (never aborts) with a message that names the op and,
// for shapes, what was expected and what was found.
#include <doctest/doctest.h>

#include <string>

#include "aelab/ops.hpp"
#include "test_util.hpp"

using aelab::zeros;

namespace {

// Runs f, requires an aelab::Error, and checks that its message contains every fragment.
template <class F>
void check_error(F f, std::initializer_list<const char*> fragments) {
    std::string message;
    try {
        f();
    } catch (const aelab::Error& e) {
        message = e.what();
    }
    INFO("message: ", message);
    REQUIRE(!message.empty());
    for (const char* fragment : fragments) CHECK(message.find(fragment) != std::string::npos);
}

}  // namespace

TEST_CASE("errors: mismatched shapes name the op, what was expected and what was found") {
    auto x = zeros({2, 3, 8, 8});
    auto w = zeros({4, 5, 3, 3});
    check_error([&] { aelab::conv2d(x, w, nullptr); },
                {"conv2d", "weight", "(*, 3, *, *)", "(4, 5, 3, 3)"});
    auto w_ok = zeros({4, 3, 3, 3});
    auto bias = zeros({5});
    check_error([&] { aelab::conv2d(x, w_ok, &bias); }, {"conv2d", "bias", "(4,)", "(5,)"});
    check_error(
        [&] {
            aelab::conv2d(zeros({3, 8, 8}), w_ok, nullptr);
        },
        {"conv2d", "input", "4 dimensions", "(3, 8, 8)"});
    auto wt = zeros({4, 2, 3, 3});  // transposed conv: (C_in, C_out, kH, kW) needs C_in = 3
    check_error([&] { aelab::conv_transpose2d(x, wt, nullptr); },
                {"conv_transpose2d", "weight", "(3, *, *, *)", "(4, 2, 3, 3)"});
    auto y = aelab::conv2d(x, w_ok, nullptr);
    auto d_x = zeros({2, 3, 8, 8});
    check_error(
        [&] {
            aelab::conv2d_backward(&d_x, nullptr, nullptr, zeros({2, 4, 5, 5}), x, w_ok);
        },
        {"conv2d_backward", "d_out", "(2, 4, 6, 6)", "(2, 4, 5, 5)"});
    check_error(
        [&] {
            aelab::linear(zeros({2, 5}), zeros({3, 4}), nullptr);
        },
        {"linear", "weight", "(*, 5)", "(3, 4)"});
    check_error(
        [&] {
            aelab::mse_loss(zeros({2, 3}), zeros({3, 2}));
        },
        {"mse_loss", "target", "(2, 3)", "(3, 2)"});
    check_error(
        [&] {
            aelab::kl_normal_loss(zeros({2, 3}), zeros({2, 4}));
        },
        {"kl_normal_loss", "logvar", "(2, 3)", "(2, 4)"});
    auto d_small = zeros({2, 3});
    check_error(
        [&] {
            aelab::relu_backward(d_small, zeros({2, 3}), zeros({3, 3}));
        },
        {"relu_backward", "d_out", "(3, 3)", "(2, 3)"});
    CHECK(y.shape()[2] == 6);
}

TEST_CASE("errors: zero and negative sizes and parameters") {
    check_error(
        [&] {
            aelab::conv2d(zeros({0, 3, 8, 8}), zeros({4, 3, 3, 3}), nullptr);
        },
        {"conv2d", "batch size"});
    check_error(
        [&] {
            aelab::conv2d(zeros({1, 3, 8, 8}), zeros({0, 3, 3, 3}), nullptr);
        },
        {"conv2d", "output channels"});
    check_error(
        [&] {
            aelab::conv1d(zeros({1, 1, 8}), zeros({1, 1, 0}), nullptr);
        },
        {"conv1d", "kernel size", "(0,)"});
    aelab::Conv2dParams bad_stride;
    bad_stride.stride = {0, 1};
    check_error(
        [&] {
            aelab::conv2d(zeros({1, 1, 8, 8}), zeros({1, 1, 3, 3}), nullptr, bad_stride);
        },
        {"conv2d", "stride", "(0, 1)"});
    aelab::Conv2dParams bad_padding;
    bad_padding.padding = {-1, 0};
    check_error(
        [&] {
            aelab::conv2d(zeros({1, 1, 8, 8}), zeros({1, 1, 3, 3}), nullptr, bad_padding);
        },
        {"conv2d", "padding", "(-1, 0)"});
    aelab::ConvTranspose2dParams bad_op;
    bad_op.output_padding = {1, 1};  // stride 1, dilation 1: must be 0
    check_error(
        [&] {
            aelab::conv_transpose2d(zeros({1, 1, 4, 4}), zeros({1, 1, 3, 3}), nullptr, bad_op);
        },
        {"conv_transpose2d", "output_padding"});
    aelab::MaxPool2dParams bad_pool_padding;
    bad_pool_padding.padding = {2, 2};  // more than half the 2x2 kernel
    check_error(
        [&] {
            aelab::max_pool2d(zeros({1, 1, 8, 8}), bad_pool_padding);
        },
        {"max_pool2d", "padding"});
    check_error(
        [&] {
            aelab::upsample_nearest2d(zeros({1, 1, 2, 2}), 0, 2);
        },
        {"upsample_nearest2d", "scale"});
    check_error([&] { aelab::linear_forward(nullptr, nullptr, nullptr, nullptr, 0, 3, 3); },
                {"linear", ">= 1"});
    aelab::Rng rng(1);
    check_error([&] { aelab::masking_noise(zeros({2}), 1.5f, rng); }, {"masking_noise", "[0, 1]"});
    check_error([&] { aelab::gaussian_noise(zeros({2}), -1.0f, rng); },
                {"gaussian_noise", "sigma"});
    check_error([&] { aelab::mse_loss(zeros({0}), zeros({0})); }, {"mse_loss", "empty"});
}

TEST_CASE("errors: stride, padding and dilation that leave no output") {
    check_error(
        [&] {
            aelab::conv2d(zeros({1, 1, 2, 2}), zeros({1, 1, 3, 3}), nullptr);
        },
        {"conv2d", "output would be empty", "input size (2, 2)", "kernel (3, 3)"});
    aelab::Conv1dParams dilated{1, 0, 4};
    check_error(
        [&] {
            aelab::conv1d(zeros({1, 1, 8}), zeros({1, 1, 3}), nullptr, dilated);
        },
        {"conv1d", "output would be empty", "dilation (4,)"});
    aelab::ConvTranspose1dParams big_padding{1, 3, 0, 1};
    check_error(
        [&] {
            aelab::conv_transpose1d(zeros({1, 1, 2}), zeros({1, 1, 3}), nullptr, big_padding);
        },
        {"conv_transpose1d", "output would be empty"});
    aelab::MaxPool2dParams big_kernel;
    big_kernel.kernel = {5, 5};
    check_error(
        [&] {
            aelab::max_pool2d(zeros({1, 1, 4, 4}), big_kernel);
        },
        {"max_pool2d", "output would be empty"});
    aelab::AvgPool2dParams avg;
    avg.kernel = {3, 3};
    check_error(
        [&] {
            aelab::avg_pool2d(zeros({1, 1, 2, 2}), avg);
        },
        {"avg_pool2d", "output would be empty"});
}

TEST_CASE("errors: a dilated max-pool window that lies entirely in the padding") {
    aelab::MaxPool2dParams all_padding;
    all_padding.dilation = {2, 2};
    all_padding.padding = {1, 1};
    check_error([&] { aelab::max_pool2d(zeros({1, 1, 1, 1}), all_padding); },
                {"max_pool2d", "entirely in the padding", "input size (1, 1)", "dilation (2, 2)"});
}

TEST_CASE("errors: indices out of range") {
    auto x = aelab::from_values({1, 1, 2, 2}, {1, 2, 3, 4});
    auto indices = aelab::IndexTensor::from_shape({1, 1, 2, 2});
    indices(0, 0, 0, 0) = 0;
    indices(0, 0, 0, 1) = 3;
    indices(0, 0, 1, 0) = 16;  // outside a 4x4 plane
    indices(0, 0, 1, 1) = 15;
    check_error([&] { aelab::max_unpool2d(x, indices); },
                {"max_unpool2d", "index 16", "(n=0, c=0, h=1, w=0)", "(4, 4)"});
    indices(0, 0, 1, 0) = -1;
    check_error([&] { aelab::max_unpool2d(x, indices); }, {"max_unpool2d", "index -1"});
    auto wrong_shape = aelab::IndexTensor::from_shape({1, 1, 2, 3});
    check_error([&] { aelab::max_unpool2d(x, wrong_shape); },
                {"max_unpool2d", "indices", "(1, 1, 2, 3)"});
    aelab::Tensor d_x = zeros({1, 1, 2, 2});
    auto pool_indices = aelab::IndexTensor::from_shape({1, 1, 1, 1});
    pool_indices(0, 0, 0, 0) = 4;  // a 2x2 plane has indices 0..3
    check_error(
        [&] {
            aelab::max_pool2d_backward(d_x, zeros({1, 1, 1, 1}), pool_indices);
        },
        {"max_pool2d_backward", "index 4"});
    check_error([&] { aelab::gemm_kernel_name(99); }, {"gemm_kernel", "99"});
    check_error([&] { aelab::set_simd128_loop_steps(7); }, {"set_simd128_loop_steps", "7"});
}

TEST_CASE("errors: softmax cross-entropy names bad logits and labels") {
    check_error([] { aelab::softmax_cross_entropy_loss(zeros({2, 3, 1}), {0, 1}); },
                {"softmax_cross_entropy_loss", "logits", "(2, 3, 1)"});
    check_error([] { aelab::softmax_cross_entropy_loss(zeros({2, 3}), {0}); },
                {"softmax_cross_entropy_loss", "2 labels", "got 1"});
    check_error([] { aelab::softmax_cross_entropy_loss(zeros({2, 3}), {0, 3}); },
                {"softmax_cross_entropy_loss", "label 1 is 3", "[0, 3)"});
    check_error([] { aelab::softmax_cross_entropy_loss(zeros({2, 3}), {-1, 0}); }, {"label 0 is -1"});
    check_error([] { aelab::softmax_cross_entropy_loss(zeros({0, 3}), {}); }, {"empty"});
    aelab::Tensor d = zeros({3, 2});
    check_error([&] { aelab::softmax_cross_entropy_loss_backward(d, zeros({2, 3}), {0, 1}); },
                {"softmax_cross_entropy_loss_backward", "d_logits", "(2, 3)", "(3, 2)"});
}
