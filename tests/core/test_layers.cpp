// Tests for core/src/nn/layer*.cpp: each layer's output shape, its errors (naming the layer,
// the expected and the actual shape), forward/backward against the ops it wraps, the
// accumulate-into-grads contract, the pool/unpool pairing and config round trips.
#include <doctest/doctest.h>

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
    const std::string text = m.layers_text();
    aelab::Sequential back = aelab::Sequential::from_layers_text({1, 8, 8}, text);
    CHECK(back.layers_text() == text);
    REQUIRE(back.size() == m.size());
    for (std::size_t i = 0; i < m.size(); ++i) CHECK(back.layer(i).repr() == m.layer(i).repr());
    CHECK(back.param_count() == m.param_count());
    CHECK(m.output_shape({2, 1, 8, 8}) == Shape{2, 2, 8, 12});
    CHECK(m.layer(1).config().str() == "LeakyReLU negative_slope=0.123456791");

    CHECK_THROWS_WITH_AS(aelab::Sequential::from_layers_text({3}, "Dense in=3\n"),
                         doctest::Contains("unknown layer type 'Dense'"), aelab::Error);
    CHECK_THROWS_WITH_AS(aelab::Sequential::from_layers_text({3}, "ReLU\nTiedLinear tied_to=0 bias=0\n"),
                         doctest::Contains("layer 0 is ReLU(), not a Linear"), aelab::Error);
    CHECK_THROWS_WITH_AS(aelab::Sequential::from_layers_text({3}, "Linear in_features=3 out_features=x bias=1\n"),
                         doctest::Contains("out_features must be integers"), aelab::Error);
    CHECK_THROWS_WITH_AS(aelab::Sequential::from_layers_text({3}, "Linear in_features=3 bias=1\n"),
                         doctest::Contains("missing out_features"), aelab::Error);
}
