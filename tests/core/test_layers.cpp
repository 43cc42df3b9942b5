// Tests for core/src/nn/layer*.cpp: each layer's output shape, its errors (naming the layer,
// the expected and the actual shape), forward/backward against the ops it wraps, the
// accumulate-into-grads contract, the pool/unpool pairing and config round trips; training
// versus evaluation mode (BatchNorm2d's statistics, Dropout's masks and their seeds).
#include <doctest/doctest.h>

#include <cmath>

#include "aelab/model.hpp"
#include "aelab/ops.hpp"
#include "test_util.hpp"

using aelab::Shape;
using aelab::shape_of;
using aelab::Tensor;
using testutil::max_rel_error;
using testutil::random_tensor;

namespace {

// A one-layer model around `layer`, with random parameters.
template <class L, class... Args>
aelab::Sequential single(const Shape& sample, Args&&... args) {
    aelab::Sequential m(sample);
    m.add<L>(std::forward<Args>(args)...);
    m.init(7);
    return m;
}

}  // namespace

TEST_CASE("layers: output shapes") {
    struct Case {
        aelab::Sequential model;
        Shape in, out;
    };
    aelab::ConvTranspose2dParams pt{{2, 2}, {1, 1}, {1, 1}, {1, 1}};
    Case cases[] = {
        {single<aelab::Conv2d>({1, 28, 28}, 1, 16, 3, 2, 1), {2, 1, 28, 28}, {2, 16, 14, 14}},
        {single<aelab::Conv2d>({3, 9, 8}, 3, 4, std::array<int, 2>{3, 2},
                               aelab::Conv2dParams{{2, 1}, {0, 1}, {1, 2}}),
         {1, 3, 9, 8},
         {1, 4, 4, 8}},
        {single<aelab::ConvTranspose2d>({32, 7, 7}, 32, 16, std::array<int, 2>{3, 3}, pt),
         {2, 32, 7, 7},
         {2, 16, 14, 14}},
        {single<aelab::ConvTranspose2d>({16, 14, 14}, 16, 1, 3, 2, 1, 1), {1, 16, 14, 14}, {1, 1, 28, 28}},
        {single<aelab::Linear>({1568}, 1568, 16), {5, 1568}, {5, 16}},
        {single<aelab::MaxPool2d>({2, 7, 7}, 2, 2), {3, 2, 7, 7}, {3, 2, 3, 3}},
        {single<aelab::ReLU>({4, 5}), {2, 4, 5}, {2, 4, 5}},
        {single<aelab::LeakyReLU>({3}, 0.2f), {2, 3}, {2, 3}},
        {single<aelab::Sigmoid>({3}), {2, 3}, {2, 3}},
        {single<aelab::Tanh>({3}), {2, 3}, {2, 3}},
        {single<aelab::Softplus>({3}), {2, 3}, {2, 3}},
        {single<aelab::Flatten>({32, 7, 7}), {4, 32, 7, 7}, {4, 1568}},
        {single<aelab::Unflatten>({1568}, Shape{32, 7, 7}), {4, 1568}, {4, 32, 7, 7}},
        {single<aelab::UpsampleNearest2d>({16, 7, 7}, 2), {2, 16, 7, 7}, {2, 16, 14, 14}},
        {single<aelab::UpsampleNearest2d>({3, 4, 5}, std::array<int, 2>{3, 1}), {2, 3, 4, 5}, {2, 3, 12, 5}},
        {single<aelab::BatchNorm2d>({16, 7, 7}, 16), {2, 16, 7, 7}, {2, 16, 7, 7}},
        {single<aelab::Dropout>({5}, 0.2f), {3, 5}, {3, 5}},
        {single<aelab::Dropout>({2, 3, 3}), {4, 2, 3, 3}, {4, 2, 3, 3}},
    };
    aelab::Rng rng(1);
    for (auto& c : cases) {
        INFO(c.model.layer(0).repr());
        CHECK(c.model.output_shape(c.in) == c.out);
        // forward agrees with output_shape
        CHECK(shape_of(c.model.forward(random_tensor(rng, c.in))) == c.out);
    }
}

TEST_CASE("layers: bad shapes name the layer, the expected and the actual shape") {
    auto conv = single<aelab::Conv2d>({1, 28, 28}, 1, 16, 3, 2, 1);
    CHECK_THROWS_WITH_AS(conv.forward(aelab::zeros({2, 3, 28, 28})),
                         "layer 0 Conv2d(1, 16, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1)): "
                         "input must have shape (N, 1, H, W), got (2, 3, 28, 28)",
                         aelab::Error);
    CHECK_THROWS_WITH_AS(conv.forward(aelab::zeros({1, 28, 28})),
                         doctest::Contains("got (1, 28, 28)"), aelab::Error);
    auto small = single<aelab::Conv2d>({1, 2, 2}, 1, 1, 5);
    CHECK_THROWS_WITH_AS(small.output_shape({1, 1, 2, 2}), doctest::Contains("smaller than the"),
                         aelab::Error);
    auto convt = single<aelab::ConvTranspose2d>({32, 7, 7}, 32, 16, 3, 2, 1, 1);
    CHECK_THROWS_WITH_AS(convt.output_shape({2, 16, 7, 7}),
                         doctest::Contains("ConvTranspose2d(32, 16, kernel_size=(3, 3), stride=(2, 2), "
                                           "padding=(1, 1), output_padding=(1, 1)): input must have "
                                           "shape (N, 32, H, W), got (2, 16, 7, 7)"),
                         aelab::Error);
    auto lin = single<aelab::Linear>({1568}, 1568, 16);
    CHECK_THROWS_WITH_AS(lin.output_shape({2, 32, 7, 7}),
                         "layer 0 Linear(1568, 16): input must have shape (N, 1568), got (2, 32, 7, 7) "
                         "(add a Flatten before it)",
                         aelab::Error);
    auto unflat = single<aelab::Unflatten>({1568}, Shape{32, 7, 7});
    CHECK_THROWS_WITH_AS(unflat.output_shape({2, 1500}), doctest::Contains("(N, 1568), got (2, 1500)"),
                         aelab::Error);
    auto flat = single<aelab::Flatten>({3});
    CHECK_THROWS_WITH_AS(flat.output_shape({3}), doctest::Contains("Flatten(): input must have"),
                         aelab::Error);
    auto pool = single<aelab::MaxPool2d>({1, 4, 4}, 2, 2);
    CHECK_THROWS_WITH_AS(pool.output_shape({1, 4, 4}), doctest::Contains("(N, C, H, W), got (1, 4, 4)"),
                         aelab::Error);
    // backward needs a forward, and a d_out of the output's shape
    auto relu = single<aelab::ReLU>({3});
    CHECK_THROWS_WITH_AS(relu.backward(aelab::zeros({2, 3})), doctest::Contains("backward called before forward"),
                         aelab::Error);
    relu.forward(aelab::zeros({2, 3}));
    CHECK_THROWS_WITH_AS(relu.backward(aelab::zeros({3, 2})),
                         doctest::Contains("d_out must have the shape of the last output (2, 3), got (3, 2)"),
                         aelab::Error);
    // bad constructor arguments and a layer used outside a model
    CHECK_THROWS_AS(aelab::Conv2d(0, 4, 3), aelab::Error);
    CHECK_THROWS_AS(aelab::Linear(4, 0), aelab::Error);
    CHECK_THROWS_AS(aelab::Unflatten(Shape{}), aelab::Error);
    aelab::Linear loose(3, 2);
    CHECK_THROWS_WITH_AS(loose.forward(aelab::zeros({1, 3})), doctest::Contains("no parameter buffer bound"),
                         aelab::Error);

    // the training tricks and upsampling
    auto bn = single<aelab::BatchNorm2d>({16, 4, 4}, 16);
    CHECK_THROWS_WITH_AS(bn.forward(aelab::zeros({2, 8, 4, 4})),
                         "layer 0 BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, "
                         "track_running_stats=True): input must have shape (N, 16, H, W), got (2, 8, 4, 4)",
                         aelab::Error);
    CHECK_THROWS_WITH_AS(bn.output_shape({2, 16}), doctest::Contains("(N, 16, H, W), got (2, 16)"),
                         aelab::Error);
    // one value per channel has no batch variance (torch refuses too); evaluation mode is fine
    CHECK_THROWS_WITH_AS(bn.forward(aelab::zeros({1, 16, 1, 1})),
                         doctest::Contains("training needs more than one value per channel, got "
                                           "input (1, 16, 1, 1)"),
                         aelab::Error);
    CHECK_THROWS_WITH_AS(bn.backward(aelab::zeros({1, 16, 1, 1})),
                         doctest::Contains("backward called before forward"), aelab::Error);
    bn.set_training(false);
    CHECK(shape_of(bn.forward(aelab::zeros({1, 16, 1, 1}))) == Shape{1, 16, 1, 1});
    auto up = single<aelab::UpsampleNearest2d>({1, 4, 4}, 2);
    CHECK_THROWS_WITH_AS(up.output_shape({1, 4, 4}),
                         "layer 0 Upsample(scale_factor=2.0, mode=nearest): input must have shape "
                         "(N, C, H, W), got (1, 4, 4)",
                         aelab::Error);
    CHECK_THROWS_WITH_AS(aelab::BatchNorm2d(0), doctest::Contains("BatchNorm2d: num_features must be >= 1"),
                         aelab::Error);
    CHECK_THROWS_AS(aelab::BatchNorm2d(4, 0.0f), aelab::Error);
    CHECK_THROWS_AS(aelab::BatchNorm2d(4, 1e-5f, 1.5f), aelab::Error);
    CHECK_THROWS_WITH_AS(aelab::Dropout(1.5f), doctest::Contains("Dropout: p must be in [0, 1]"), aelab::Error);
    CHECK_THROWS_AS(aelab::Dropout(-0.1f), aelab::Error);
    CHECK_THROWS_WITH_AS(aelab::UpsampleNearest2d(0), doctest::Contains("scale factors must be >= 1"),
                         aelab::Error);
    aelab::BatchNorm2d loose_bn(3);
    CHECK_THROWS_WITH_AS(loose_bn.forward(aelab::zeros({2, 3, 2, 2})),
                         doctest::Contains("no parameter buffer bound"), aelab::Error);
}

TEST_CASE("layers: forward and backward are the ops', and backward adds into the grads") {
    aelab::Rng rng(2);
    aelab::Sequential m({3, 6, 5});
    m.add<aelab::Conv2d>(3, 4, 3, 2, 1);       // 0 -> (N, 4, 3, 3)
    m.add<aelab::LeakyReLU>(0.1f);             // 1
    m.add<aelab::ConvTranspose2d>(4, 2, 3, 2, 1, 1);  // 2 -> (N, 2, 6, 6)
    m.add<aelab::Flatten>();                   // 3 -> (N, 72)
    m.add<aelab::Linear>(72, 5);               // 4
    m.init(3);
    const Tensor x = random_tensor(rng, {2, 3, 6, 5});
    const Tensor w0 = m.param_tensor("0.weight"), b0 = m.param_tensor("0.bias");
    const Tensor w2 = m.param_tensor("2.weight"), b2 = m.param_tensor("2.bias");
    const Tensor w4 = m.param_tensor("4.weight"), b4 = m.param_tensor("4.bias");
    // the same computation through the Tensor ops
    const Tensor h0 = aelab::conv2d(x, w0, &b0, {{2, 2}, {1, 1}, {1, 1}});
    const Tensor h1 = aelab::leaky_relu(h0, 0.1f);
    const Tensor h2 = aelab::conv_transpose2d(h1, w2, &b2, {{2, 2}, {1, 1}, {1, 1}, {1, 1}});
    Tensor h3 = h2;
    h3.reshape({2, 72});
    const Tensor y_ops = aelab::linear(h3, w4, &b4);
    const Tensor y = m.forward(x);
    CHECK(max_rel_error(y, y_ops) < 1e-6);

    const Tensor dy = random_tensor(rng, {2, 5});
    Tensor dh3 = aelab::zeros({2, 72}), dw4 = aelab::zeros({5, 72}), db4 = aelab::zeros({5});
    aelab::linear_backward(&dh3, &dw4, &db4, dy, h3, w4);
    Tensor dh2 = dh3;
    dh2.reshape({2, 2, 6, 6});
    Tensor dh1 = aelab::zeros({2, 4, 3, 3}), dw2 = aelab::zeros({4, 2, 3, 3}), db2 = aelab::zeros({2});
    aelab::conv_transpose2d_backward(&dh1, &dw2, &db2, dh2, h1, w2,
                                     {{2, 2}, {1, 1}, {1, 1}, {1, 1}});
    Tensor dh0 = aelab::zeros({2, 4, 3, 3});
    aelab::leaky_relu_backward(dh0, dh1, h0, 0.1f);
    Tensor dx_ops = aelab::zeros({2, 3, 6, 5}), dw0 = aelab::zeros({4, 3, 3, 3}), db0 = aelab::zeros({4});
    aelab::conv2d_backward(&dx_ops, &dw0, &db0, dh0, x, w0, {{2, 2}, {1, 1}, {1, 1}});

    m.zero_grad();
    const Tensor dx = m.backward(dy);
    CHECK(max_rel_error(dx, dx_ops) < 1e-6);
    CHECK(max_rel_error(m.grad_tensor("0.weight"), dw0) < 1e-6);
    CHECK(max_rel_error(m.grad_tensor("0.bias"), db0) < 1e-6);
    CHECK(max_rel_error(m.grad_tensor("2.weight"), dw2) < 1e-6);
    CHECK(max_rel_error(m.grad_tensor("2.bias"), db2) < 1e-6);
    CHECK(max_rel_error(m.grad_tensor("4.weight"), dw4) < 1e-6);
    CHECK(max_rel_error(m.grad_tensor("4.bias"), db4) < 1e-6);
    // A second backward adds the same gradients again (zero_grad is the caller's job).
    m.backward(dy);
    CHECK(max_rel_error(m.grad_tensor("0.weight"), Tensor(2.0f * dw0)) < 1e-6);
    CHECK(max_rel_error(m.grad_tensor("4.bias"), Tensor(2.0f * db4)) < 1e-6);
}

TEST_CASE("layers: max unpooling uses the paired pool's switches (course example)") {
    aelab::Sequential m({1, 4, 4});
    auto& pool = m.add<aelab::MaxPool2d>(2, 2);
    m.add<aelab::MaxUnpool2d>(pool, 0);
    const Tensor x = aelab::from_values({1, 1, 4, 4}, {1, 2, 6, 3, 3, 5, 2, 1, 1, 2, 2, 1, 7, 3, 4, 8});
    const Tensor pooled = m.forward(x, 0, 1);
    testutil::check_values(pooled, {1, 1, 2, 2}, {5, 6, 7, 8});
    // The decoder's [[1, 2], [3, 4]] goes back where 5, 6, 7, 8 came from.
    const Tensor up = m.forward(aelab::from_values({1, 1, 2, 2}, {1, 2, 3, 4}), 1, 2);
    testutil::check_values(up, {1, 1, 4, 4}, {0, 0, 2, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 0, 0, 4});
    // backward gathers from the same positions
    const Tensor d_in = m.backward(up, 1, 2);
    testutil::check_values(d_in, {1, 1, 2, 2}, {1, 2, 3, 4});
    CHECK(m.summary().find("MaxUnpool2d(kernel_size=(2, 2), stride=(2, 2), indices=layer 0)") !=
          std::string::npos);
    // an input that is not the pool's output shape
    CHECK_THROWS_WITH_AS(m.forward(aelab::zeros({1, 1, 3, 3}), 1, 2),
                         doctest::Contains("the paired pool's last output (layer 0"), aelab::Error);
}

TEST_CASE("layers: tied weights share the Linear's parameter block") {
    aelab::Sequential m({6});
    auto& enc = m.add<aelab::Linear>(6, 3, false);
    m.add<aelab::TiedLinear>(enc, 0, true);
    m.init(4);
    CHECK(m.param_count() == 3 * 6 + 6);  // W (3, 6) and the decoder's own bias (6)
    aelab::Rng rng(5);
    const Tensor x = random_tensor(rng, {2, 6});
    const Tensor W = m.param_tensor("0.weight"), b = m.param_tensor("1.bias");
    const Tensor z = aelab::linear(x, W, nullptr);  // (2, 3)
    Tensor expected = aelab::zeros({2, 6});        // z W + b
    for (int n = 0; n < 2; ++n)
        for (int i = 0; i < 6; ++i) {
            double s = b(i);
            for (int k = 0; k < 3; ++k) s += double(z(n, k)) * W(k, i);
            expected(n, i) = float(s);
        }
    CHECK(max_rel_error(m.forward(x), expected) < 1e-6);
    CHECK(m.layer(1).repr() == "TiedLinear(3, 6, weight=layer 0.weight^T)");
}

TEST_CASE("layers: config lines read back to the same layer") {
    aelab::Sequential m({1, 8, 8});
    m.add<aelab::Conv2d>(1, 4, std::array<int, 2>{3, 2}, aelab::Conv2dParams{{2, 1}, {1, 0}, {1, 2}}, false);
    m.add<aelab::LeakyReLU>(0.123456789f);
    auto& pool = m.add<aelab::MaxPool2d>(aelab::MaxPool2dParams{{2, 2}, {2, 1}, {1, 0}, {1, 1}});
    m.add<aelab::MaxUnpool2d>(pool, 2, std::array<int, 2>{4, 6});
    m.add<aelab::ConvTranspose2d>(4, 2, std::array<int, 2>{3, 3},
                                  aelab::ConvTranspose2dParams{{2, 2}, {1, 1}, {1, 1}, {1, 1}});
    m.add<aelab::Flatten>();
    auto& lin = m.add<aelab::Linear>(2 * 8 * 12, 5);
    m.add<aelab::TiedLinear>(lin, 6, true);
    m.add<aelab::Unflatten>(Shape{2, 8, 12});
    m.add<aelab::Sigmoid>();
    m.add<aelab::Tanh>();
    m.add<aelab::Softplus>();
    m.add<aelab::ReLU>();
    m.add<aelab::BatchNorm2d>(2, 1e-3f, 0.25f, false);
    m.add<aelab::Dropout>(0.3f);
    m.add<aelab::UpsampleNearest2d>(std::array<int, 2>{2, 3});
    const std::string text = m.layers_text();
    aelab::Sequential back = aelab::Sequential::from_layers_text({1, 8, 8}, text);
    CHECK(back.layers_text() == text);
    REQUIRE(back.size() == m.size());
    for (std::size_t i = 0; i < m.size(); ++i) CHECK(back.layer(i).repr() == m.layer(i).repr());
    CHECK(back.param_count() == m.param_count());
    CHECK(m.output_shape({2, 1, 8, 8}) == Shape{2, 2, 16, 36});
    CHECK(m.layer(1).config().str() == "LeakyReLU negative_slope=0.123456791");
    CHECK(m.layer(13).config().str() ==
          "BatchNorm2d num_features=2 eps=0.00100000005 momentum=0.25 affine=0");
    CHECK(m.layer(14).config().str() == "Dropout p=0.300000012");
    CHECK(m.layer(15).config().str() == "UpsampleNearest2d scale_factor=2,3");
    CHECK(back.buffer_count() == m.buffer_count());

    // Hand-written lines may leave out the keys that have torch's defaults; an unpooling names
    // its pool by index and takes its output size from the pool's geometry.
    aelab::Sequential written = aelab::Sequential::from_layers_text(
        {1, 8, 8},
        "Conv2d in_channels=1 out_channels=4 kernel_size=3,3 stride=1,1 padding=1,1 dilation=1,1 bias=0\n"
        "BatchNorm2d num_features=4\n"
        "Dropout\n"
        "MaxPool2d kernel_size=2,2 stride=2,2 padding=0,0 dilation=1,1\n"
        "MaxUnpool2d pool=3\n"
        "UpsampleNearest2d scale_factor=2\n");
    CHECK(written.layer(1).repr() == "BatchNorm2d(4, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)");
    CHECK(written.layer(2).repr() == "Dropout(p=0.5, inplace=False)");
    CHECK(written.layer(4).repr() == "MaxUnpool2d(kernel_size=(2, 2), stride=(2, 2), indices=layer 3)");
    CHECK(written.layer(5).repr() == "Upsample(scale_factor=2.0, mode=nearest)");
    CHECK(written.output_shape({2, 1, 8, 8}) == Shape{2, 4, 16, 16});
    CHECK(written.param_count() == 4 * 9 + 2 * 4);
    CHECK(written.buffer_count() == 2 * 4);
    written.init(1);
    CHECK(shape_of(written.forward(aelab::zeros({2, 1, 8, 8}))) == Shape{2, 4, 16, 16});

    CHECK_THROWS_WITH_AS(aelab::Sequential::from_layers_text({1, 4, 4}, "UpsampleNearest2d scale_factor=2,2,2\n"),
                         doctest::Contains("scale_factor must have 1 or 2 values"), aelab::Error);
    CHECK_THROWS_WITH_AS(aelab::Sequential::from_layers_text({1, 4, 4}, "BatchNorm2d eps=0.1\n"),
                         doctest::Contains("missing num_features"), aelab::Error);
    CHECK_THROWS_WITH_AS(aelab::Sequential::from_layers_text({3}, "Dropout p=2\n"),
                         doctest::Contains("architecture layer 0: Dropout: p must be in [0, 1]"), aelab::Error);
    CHECK_THROWS_WITH_AS(aelab::Sequential::from_layers_text({1, 4, 4}, "ReLU\nMaxUnpool2d pool=0\n"),
                         doctest::Contains("layer 0 is ReLU(), not a MaxPool2d"), aelab::Error);

    CHECK_THROWS_WITH_AS(aelab::Sequential::from_layers_text({3}, "Dense in=3\n"),
                         doctest::Contains("unknown layer type 'Dense'"), aelab::Error);
    CHECK_THROWS_WITH_AS(aelab::Sequential::from_layers_text({3}, "ReLU\nTiedLinear tied_to=0 bias=0\n"),
                         doctest::Contains("layer 0 is ReLU(), not a Linear"), aelab::Error);
    CHECK_THROWS_WITH_AS(aelab::Sequential::from_layers_text({3}, "Linear in_features=3 out_features=x bias=1\n"),
                         doctest::Contains("out_features must be integers"), aelab::Error);
    CHECK_THROWS_WITH_AS(aelab::Sequential::from_layers_text({3}, "Linear in_features=3 bias=1\n"),
                         doctest::Contains("missing out_features"), aelab::Error);
}

TEST_CASE("layers: nearest upsampling copies each value into its block (resize-convolution)") {
    auto m = single<aelab::UpsampleNearest2d>({1, 2, 2}, std::array<int, 2>{2, 3});
    const Tensor up = m.forward(aelab::from_values({1, 1, 2, 2}, {1, 2, 3, 4}));
    testutil::check_values(up, {1, 1, 4, 6},
                           {1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4});
    // backward sums each block
    Tensor d_out = aelab::zeros({1, 1, 4, 6});
    for (std::size_t i = 0; i < d_out.size(); ++i) d_out.data()[i] = float(i);
    testutil::check_values(m.backward(d_out), {1, 1, 2, 2},
                           {0 + 1 + 2 + 6 + 7 + 8, 3 + 4 + 5 + 9 + 10 + 11, 12 + 13 + 14 + 18 + 19 + 20,
                            15 + 16 + 17 + 21 + 22 + 23});
}

TEST_CASE("layers: BatchNorm2d uses batch statistics in training and running ones in evaluation") {
    aelab::Sequential m({2, 3, 3});
    m.add<aelab::BatchNorm2d>(2);
    m.init(1);  // torch's init: weight 1, bias 0; running mean 0, variance 1
    CHECK(m.param_tensor("0.weight") == aelab::from_values({2}, {1, 1}));
    CHECK(m.param_tensor("0.bias") == aelab::from_values({2}, {0, 0}));
    REQUIRE(m.buffer_blocks().size() == 2);
    CHECK(m.buffer_blocks()[0].name == "0.running_mean");
    CHECK(m.buffer_blocks()[1].name == "0.running_var");
    CHECK(m.buffer_tensor("0.running_var") == aelab::from_values({2}, {1, 1}));
    CHECK_THROWS_WITH_AS(m.buffer_tensor("0.weight"), doctest::Contains("no buffer named '0.weight'"),
                         aelab::Error);

    aelab::Rng rng(3);
    Tensor x = random_tensor(rng, {4, 2, 3, 3}, -1.0f, 3.0f);
    for (std::size_t i = 0; i < x.size(); ++i)  // channel 1 shifted and spread out
        if ((i / 9) % 2 == 1) x.data()[i] = 5.0f + 4.0f * x.data()[i];
    // the batch's mean and variances per channel, in double
    double mean[2] = {0, 0}, var[2] = {0, 0};
    const double M = 4 * 9;
    for (std::size_t i = 0; i < x.size(); ++i) mean[(i / 9) % 2] += x.data()[i] / M;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double d = x.data()[i] - mean[(i / 9) % 2];
        var[(i / 9) % 2] += d * d / M;
    }

    const Tensor y = m.forward(x);
    for (std::size_t c = 0; c < 2; ++c) {  // training output: mean 0, (biased) variance ~1
        double s = 0, ss = 0;
        for (std::size_t i = 0; i < y.size(); ++i)
            if ((i / 9) % 2 == c) s += y.data()[i], ss += double(y.data()[i]) * y.data()[i];
        CHECK(s / M == doctest::Approx(0.0).epsilon(1e-5));
        CHECK(ss / M == doctest::Approx(var[c] / (var[c] + 1e-5)).epsilon(1e-5));
        // one step of momentum 0.1 from (0, 1), with the unbiased variance
        CHECK(m.buffer_tensor("0.running_mean")(c) == doctest::Approx(0.1 * mean[c]).epsilon(1e-6));
        CHECK(m.buffer_tensor("0.running_var")(c) ==
              doctest::Approx(0.9 + 0.1 * var[c] * M / (M - 1)).epsilon(1e-6));
    }

    // evaluation: (x - running_mean) / sqrt(running_var + eps), and the running stats stay put
    m.set_training(false);
    CHECK_FALSE(m.layer(0).training());
    const Tensor rm = m.buffer_tensor("0.running_mean"), rv = m.buffer_tensor("0.running_var");
    const Tensor y_eval = m.forward(x);
    for (std::size_t i = 0; i < x.size(); ++i) {
        const std::size_t c = (i / 9) % 2;
        CHECK(y_eval.data()[i] ==
              doctest::Approx((x.data()[i] - rm(c)) / std::sqrt(rv(c) + 1e-5)).epsilon(1e-5));
    }
    CHECK(m.buffer_tensor("0.running_mean") == rm);
    CHECK(m.buffer_tensor("0.running_var") == rv);
    // evaluation backward is the per-channel scale alone
    const Tensor d_out = random_tensor(rng, {4, 2, 3, 3});
    m.zero_grad();
    const Tensor d_x = m.backward(d_out);
    for (std::size_t i = 0; i < x.size(); ++i)
        CHECK(d_x.data()[i] == doctest::Approx(d_out.data()[i] / std::sqrt(rv((i / 9) % 2) + 1e-5)).epsilon(1e-5));

    // init restores the initial buffers; the running stats are not parameters (optimizer-free)
    m.init(1);
    CHECK(m.buffer_tensor("0.running_mean") == aelab::from_values({2}, {0, 0}));
    CHECK(m.param_count() == 4);
    // under the other schemes the scale is one as well (a 1-D weight), the shift zero
    m.init(2, aelab::InitScheme::kaiming_uniform);
    CHECK(m.param_tensor("0.weight") == aelab::from_values({2}, {1, 1}));
    CHECK(m.param_tensor("0.bias") == aelab::from_values({2}, {0, 0}));
}

TEST_CASE("layers: Dropout drops with rate p, scales by 1/(1-p), repeats per seed, stops in evaluation") {
    const float p = 0.3f;
    aelab::Sequential m({1000});
    auto& dropout = m.add<aelab::Dropout>(p);
    m.init(11);
    CHECK(dropout.repr() == "Dropout(p=0.3, inplace=False)");
    aelab::Rng rng(4);
    const Tensor x = random_tensor(rng, {100, 1000}, 1.0f, 2.0f);  // no zeros of its own
    const Tensor y = m.forward(x);
    std::size_t dropped = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (y.data()[i] == 0.0f) {
            ++dropped;
            continue;
        }
        CHECK(y.data()[i] == doctest::Approx(x.data()[i] / (1.0f - p)).epsilon(1e-6));
    }
    // 100000 draws: the rate is within 4 standard deviations (0.0058) of p
    CHECK(std::fabs(double(dropped) / double(x.size()) - p) < 0.006);

    // backward uses the mask of the last forward
    const Tensor d_out = random_tensor(rng, {100, 1000});
    const Tensor d_x = m.backward(d_out);
    for (std::size_t i = 0; i < x.size(); ++i)
        CHECK(d_x.data()[i] == doctest::Approx(y.data()[i] == 0.0f ? 0.0f : d_out.data()[i] / (1.0f - p)));

    // a new forward draws a new mask; the same seed gives the same masks again
    const Tensor y2 = m.forward(x);
    CHECK_FALSE(y2 == y);
    m.init(11);
    CHECK(m.forward(x) == y);
    CHECK(m.forward(x) == y2);
    dropout.set_seed(99);
    const Tensor y99 = m.forward(x);
    dropout.set_seed(99);
    CHECK(m.forward(x) == y99);
    m.init(12);
    CHECK_FALSE(m.forward(x) == y);

    // evaluation mode: the identity, forward and backward
    m.set_training(false);
    CHECK(m.forward(x) == x);
    CHECK(m.backward(d_out) == d_out);
    m.set_training(true);
    CHECK_FALSE(m.forward(x) == x);

    // p = 0 keeps everything, p = 1 drops everything (torch)
    auto keep = single<aelab::Dropout>({3}, 0.0f);
    CHECK(keep.forward(x) == x);
    auto drop = single<aelab::Dropout>({3}, 1.0f);
    CHECK(drop.forward(x) == aelab::zeros({100, 1000}));
}

TEST_CASE("layers: a Dropout's seed leaves the other layers' initial weights alone") {
    aelab::Sequential plain({4});
    plain.add<aelab::Linear>(4, 3);
    plain.add<aelab::Linear>(3, 2);
    aelab::Sequential with_dropout({4});
    with_dropout.add<aelab::Linear>(4, 3);
    with_dropout.add<aelab::Dropout>(0.5f);
    with_dropout.add<aelab::Linear>(3, 2);
    plain.init(5);
    with_dropout.init(5);
    CHECK(plain.param_tensor("0.weight") == with_dropout.param_tensor("0.weight"));
    CHECK(plain.param_tensor("1.weight") == with_dropout.param_tensor("2.weight"));
    CHECK(plain.param_tensor("1.bias") == with_dropout.param_tensor("2.bias"));
    // and two Dropouts in one model draw different masks
    aelab::Sequential two({1000});
    two.add<aelab::Dropout>(0.5f);
    two.add<aelab::Dropout>(0.5f);
    two.init(5);
    const Tensor ones = Tensor(Shape{1, 1000}, 1.0f);
    CHECK_FALSE(two.forward(ones, 0, 1) == two.forward(ones, 1, 2));
}

TEST_CASE("layers: set_training switches every layer of a model") {
    aelab::Sequential m({2, 4, 4});
    m.add<aelab::Conv2d>(2, 2, 3, 1, 1);
    m.add<aelab::BatchNorm2d>(2);
    m.add<aelab::Dropout>(0.5f);
    for (std::size_t i = 0; i < m.size(); ++i) CHECK(m.layer(i).training());
    m.set_training(false);
    for (std::size_t i = 0; i < m.size(); ++i) CHECK_FALSE(m.layer(i).training());
    m.set_training(true);
    for (std::size_t i = 0; i < m.size(); ++i) CHECK(m.layer(i).training());
    // a layer added to a model in evaluation mode joins it
    m.set_training(false);
    CHECK_FALSE(m.training());
    CHECK_FALSE(m.add<aelab::Dropout>(0.5f).training());
}
