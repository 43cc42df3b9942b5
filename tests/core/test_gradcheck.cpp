// Finite-difference gradient checks: ONE harness, one small case per op with a backward.
// For a random upstream gradient dy, L(inputs) = sum(forward(inputs) * dy) accumulated in
// double; each checked input element is nudged by +-eps and (L+ - L-) / (2 eps) is compared
// with what the op's backward added into that element's gradient.
// Inputs are kept away from kinks (relu at 0, ties in max pooling) by more than eps.
// Whole models (Sequential, Vae) are cases too, with their parameter buffer as an input.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "aelab/models.hpp"
#include "aelab/ops.hpp"
#include "aelab/recipe_gan.hpp"
#include "test_util.hpp"

using aelab::Shape;
using aelab::Tensor;
using testutil::random_tensor;

namespace {

using Inputs = std::vector<Tensor>;

struct GradCase {
    std::string name;
    Inputs inputs;
    std::vector<bool> differentiable;  // per input: false for targets
    std::function<Tensor(const Inputs&)> forward;
    // Adds the gradients of sum(forward(inputs) * dy) into grads (shaped like inputs).
    std::function<void(const Inputs&, const Tensor& dy, Inputs& grads)> backward;
};

Tensor zeros_like(const Tensor& t) {
    return aelab::zeros(Shape(t.shape().begin(), t.shape().end()));
}
Tensor scalar(float v) { return aelab::from_values({1}, {v}); }

double weighted_sum(const Tensor& y, const Tensor& dy) {
    double s = 0;
    for (std::size_t i = 0; i < y.size(); ++i) s += double(y.data()[i]) * dy.data()[i];
    return s;
}

void check_gradients(GradCase c, aelab::Rng& rng, float eps = 1e-2f) {
    INFO("op ", c.name);
    const Tensor y = c.forward(c.inputs);
    const Tensor dy = random_tensor(rng, Shape(y.shape().begin(), y.shape().end()));
    Inputs grads;
    for (const auto& t : c.inputs) grads.push_back(zeros_like(t));
    c.backward(c.inputs, dy, grads);
    for (std::size_t k = 0; k < c.inputs.size(); ++k) {
        if (!c.differentiable[k]) continue;
        Tensor& x = c.inputs[k];
        // Every element of small inputs, an even sample of larger ones.
        const std::size_t step = std::max<std::size_t>(1, x.size() / 48);
        for (std::size_t i = 0; i < x.size(); i += step) {
            const float saved = x.data()[i];
            x.data()[i] = saved + eps;
            const double up = weighted_sum(c.forward(c.inputs), dy);
            x.data()[i] = saved - eps;
            const double down = weighted_sum(c.forward(c.inputs), dy);
            x.data()[i] = saved;
            const double numeric = (up - down) / (2.0 * double(eps));
            const double analytic = grads[k].data()[i];
            INFO("input ", k, " element ", i, " numeric ", numeric, " analytic ", analytic);
            CHECK(std::fabs(numeric - analytic) <= 2e-3 + 1e-2 * std::fabs(numeric));
        }
    }
}

// Values in [-1, 1] whose magnitude is at least `gap` (away from relu's kink at 0).
Tensor away_from_zero(aelab::Rng& rng, const Shape& shape, float gap = 0.1f) {
    Tensor t = random_tensor(rng, shape);
    for (auto& v : t) v = v < 0 ? v - gap : v + gap;
    return t;
}

// Distinct values 0.05 apart in random order: no two candidates of a max come within 2 eps.
Tensor distinct_values(aelab::Rng& rng, const Shape& shape) {
    Tensor t = aelab::zeros(shape);
    for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = 0.05f * float(i);
    for (std::size_t i = t.size(); i > 1; --i)
        std::swap(t.data()[i - 1], t.data()[rng.below(std::uint32_t(i))]);
    return t;
}

}  // namespace

TEST_CASE("gradcheck: convolutions and linear") {
    aelab::Rng rng(51);
    aelab::Conv1dParams p1{2, 1, 2};
    check_gradients(
        {"conv1d",
         {random_tensor(rng, {2, 2, 9}), random_tensor(rng, {3, 2, 3}), random_tensor(rng, {3})},
         {true, true, true},
         [&](const Inputs& in) { return aelab::conv1d(in[0], in[1], &in[2], p1); },
         [&](const Inputs& in, const Tensor& dy, Inputs& g) {
             aelab::conv1d_backward(&g[0], &g[1], &g[2], dy, in[0], in[1], p1);
         }},
        rng);
    aelab::Conv2dParams p2{{2, 1}, {1, 0}, {1, 2}};
    check_gradients({"conv2d",
                     {random_tensor(rng, {2, 3, 6, 7}), random_tensor(rng, {4, 3, 3, 2}),
                      random_tensor(rng, {4})},
                     {true, true, true},
                     [&](const Inputs& in) { return aelab::conv2d(in[0], in[1], &in[2], p2); },
                     [&](const Inputs& in, const Tensor& dy, Inputs& g) {
                         aelab::conv2d_backward(&g[0], &g[1], &g[2], dy, in[0], in[1], p2);
                     }},
                    rng);
    aelab::Conv3dParams p3{{1, 2, 1}, {1, 0, 1}, {1, 1, 2}};
    check_gradients({"conv3d",
                     {random_tensor(rng, {1, 2, 4, 5, 5}), random_tensor(rng, {2, 2, 2, 2, 2}),
                      random_tensor(rng, {2})},
                     {true, true, true},
                     [&](const Inputs& in) { return aelab::conv3d(in[0], in[1], &in[2], p3); },
                     [&](const Inputs& in, const Tensor& dy, Inputs& g) {
                         aelab::conv3d_backward(&g[0], &g[1], &g[2], dy, in[0], in[1], p3);
                     }},
                    rng);
    aelab::ConvTranspose1dParams pt1{2, 1, 1, 1};
    check_gradients(
        {"conv_transpose1d",
         {random_tensor(rng, {2, 3, 5}), random_tensor(rng, {3, 2, 3}), random_tensor(rng, {2})},
         {true, true, true},
         [&](const Inputs& in) { return aelab::conv_transpose1d(in[0], in[1], &in[2], pt1); },
         [&](const Inputs& in, const Tensor& dy, Inputs& g) {
             aelab::conv_transpose1d_backward(&g[0], &g[1], &g[2], dy, in[0], in[1], pt1);
         }},
        rng);
    aelab::ConvTranspose2dParams pt2{{2, 2}, {1, 0}, {1, 0}, {1, 2}};
    check_gradients(
        {"conv_transpose2d",
         {random_tensor(rng, {2, 3, 3, 4}), random_tensor(rng, {3, 2, 3, 2}),
          random_tensor(rng, {2})},
         {true, true, true},
         [&](const Inputs& in) { return aelab::conv_transpose2d(in[0], in[1], &in[2], pt2); },
         [&](const Inputs& in, const Tensor& dy, Inputs& g) {
             aelab::conv_transpose2d_backward(&g[0], &g[1], &g[2], dy, in[0], in[1], pt2);
         }},
        rng);
    check_gradients(
        {"linear",
         {random_tensor(rng, {3, 7}), random_tensor(rng, {5, 7}), random_tensor(rng, {5})},
         {true, true, true},
         [&](const Inputs& in) { return aelab::linear(in[0], in[1], &in[2]); },
         [&](const Inputs& in, const Tensor& dy, Inputs& g) {
             aelab::linear_backward(&g[0], &g[1], &g[2], dy, in[0], in[1]);
         }},
        rng);
}

TEST_CASE("gradcheck: pooling, unpooling, upsampling") {
    aelab::Rng rng(52);
    aelab::MaxPool2dParams pm{{3, 2}, {2, 1}, {1, 0}, {1, 2}};
    check_gradients({"max_pool2d",
                     {distinct_values(rng, {2, 2, 7, 6})},
                     {true},
                     [&](const Inputs& in) { return aelab::max_pool2d(in[0], pm).out; },
                     [&](const Inputs& in, const Tensor& dy, Inputs& g) {
                         aelab::max_pool2d_backward(g[0], dy, aelab::max_pool2d(in[0], pm).indices);
                     }},
                    rng);
    aelab::AvgPool2dParams pa{{3, 2}, {2, 1}, {1, 1}};
    check_gradients({"avg_pool2d",
                     {random_tensor(rng, {2, 2, 7, 6})},
                     {true},
                     [&](const Inputs& in) { return aelab::avg_pool2d(in[0], pa); },
                     [&](const Inputs&, const Tensor& dy, Inputs& g) {
                         aelab::avg_pool2d_backward(g[0], dy, pa);
                     }},
                    rng);
    const auto switches = aelab::max_pool2d(distinct_values(rng, {2, 2, 6, 6})).indices;
    check_gradients({"max_unpool2d",
                     {random_tensor(rng, {2, 2, 3, 3})},
                     {true},
                     [&](const Inputs& in) { return aelab::max_unpool2d(in[0], switches); },
                     [&](const Inputs&, const Tensor& dy, Inputs& g) {
                         aelab::max_unpool2d_backward(g[0], dy, switches);
                     }},
                    rng);
    check_gradients({"upsample_nearest2d",
                     {random_tensor(rng, {2, 2, 3, 4})},
                     {true},
                     [&](const Inputs& in) { return aelab::upsample_nearest2d(in[0], 2, 3); },
                     [&](const Inputs&, const Tensor& dy, Inputs& g) {
                         aelab::upsample_nearest2d_backward(g[0], dy, 2, 3);
                     }},
                    rng);
    check_gradients({"upsample_bed_of_nails2d",
                     {random_tensor(rng, {2, 2, 3, 4})},
                     {true},
                     [&](const Inputs& in) { return aelab::upsample_bed_of_nails2d(in[0], 3, 2); },
                     [&](const Inputs&, const Tensor& dy, Inputs& g) {
                         aelab::upsample_bed_of_nails2d_backward(g[0], dy, 3, 2);
                     }},
                    rng);
}

TEST_CASE("gradcheck: batch normalisation (training and evaluation) and dropout (fixed mask)") {
    aelab::Rng rng(56);
    // training: the gradient flows through the batch mean and variance as well
    for (const bool training : {true, false}) {
        const int N = 3, C = 2, H = 4, W = 3;
        const Tensor running_mean = random_tensor(rng, {2}), running_var = random_tensor(rng, {2}, 0.5f, 2.0f);
        check_gradients(
            {training ? "batchnorm2d (training)" : "batchnorm2d (evaluation)",
             {random_tensor(rng, {N, C, H, W}, -1.0f, 2.0f), random_tensor(rng, {2}, 0.5f, 1.5f),
              random_tensor(rng, {2})},
             {true, true, true},
             [=](const Inputs& in) {
                 Tensor y = zeros_like(in[0]);
                 if (training) {
                     float mean[C], invstd[C];
                     aelab::batchnorm2d_forward_train(y.data(), mean, invstd, nullptr, nullptr,
                                                      in[0].data(), in[1].data(), in[2].data(), N, C,
                                                      H, W, 1e-5f, 0.1f);
                 } else {
                     aelab::batchnorm2d_forward_eval(y.data(), in[0].data(), running_mean.data(),
                                                     running_var.data(), in[1].data(), in[2].data(),
                                                     N, C, H, W, 1e-5f);
                 }
                 return y;
             },
             [=](const Inputs& in, const Tensor& dy, Inputs& g) {
                 float mean[C], invstd[C];
                 Tensor y = zeros_like(in[0]);
                 if (training) {
                     aelab::batchnorm2d_forward_train(y.data(), mean, invstd, nullptr, nullptr,
                                                      in[0].data(), in[1].data(), in[2].data(), N, C,
                                                      H, W, 1e-5f, 0.1f);
                 } else {
                     for (int c = 0; c < C; ++c) {
                         mean[c] = running_mean(c);
                         invstd[c] = 1.0f / std::sqrt(running_var(c) + 1e-5f);
                     }
                 }
                 aelab::batchnorm2d_backward(g[0].data(), g[1].data(), g[2].data(), dy.data(),
                                             in[0].data(), in[1].data(), mean, invstd, N, C, H, W,
                                             training);
             }},
            rng);
    }
    // affine=False: the scale is one and the shift zero
    check_gradients({"batchnorm2d (training, affine=False)",
                     {random_tensor(rng, {2, 3, 2, 2})},
                     {true},
                     [](const Inputs& in) {
                         Tensor y = zeros_like(in[0]);
                         float mean[3], invstd[3];
                         aelab::batchnorm2d_forward_train(y.data(), mean, invstd, nullptr, nullptr,
                                                          in[0].data(), nullptr, nullptr, 2, 3, 2, 2,
                                                          1e-5f, 0.1f);
                         return y;
                     },
                     [](const Inputs& in, const Tensor& dy, Inputs& g) {
                         Tensor y = zeros_like(in[0]);
                         float mean[3], invstd[3];
                         aelab::batchnorm2d_forward_train(y.data(), mean, invstd, nullptr, nullptr,
                                                          in[0].data(), nullptr, nullptr, 2, 3, 2, 2,
                                                          1e-5f, 0.1f);
                         aelab::batchnorm2d_backward(g[0].data(), nullptr, nullptr, dy.data(),
                                                     in[0].data(), nullptr, mean, invstd, 2, 3, 2, 2,
                                                     true);
                     }},
                    rng);
    Tensor mask = aelab::zeros({4, 9});
    aelab::dropout_mask(mask.data(), mask.size(), 0.3f, rng);
    check_gradients({"dropout",
                     {random_tensor(rng, {4, 9})},
                     {true},
                     [&](const Inputs& in) {
                         Tensor y = zeros_like(in[0]);
                         aelab::dropout_forward(y.data(), in[0].data(), mask.data(), mask.size());
                         return y;
                     },
                     [&](const Inputs&, const Tensor& dy, Inputs& g) {
                         aelab::dropout_backward(g[0].data(), dy.data(), mask.data(), mask.size());
                     }},
                    rng);
}

TEST_CASE("gradcheck: activations") {
    aelab::Rng rng(53);
    using Fwd = Tensor (*)(const Tensor&);
    using Bwd = void (*)(Tensor&, const Tensor&, const Tensor&);
    const struct {
        const char* name;
        Fwd forward;
        Bwd backward;
    } activations[] = {{"relu", aelab::relu, aelab::relu_backward},
                       {"sigmoid", aelab::sigmoid, aelab::sigmoid_backward},
                       {"tanh", aelab::tanh, aelab::tanh_backward},
                       {"softplus", aelab::softplus, aelab::softplus_backward}};
    for (const auto& a : activations) {
        Tensor x = away_from_zero(rng, {3, 11});
        for (auto& v : x) v *= 3.0f;  // reach the flat tails too
        check_gradients(
            {a.name,
             {x},
             {true},
             [&](const Inputs& in) { return a.forward(in[0]); },
             [&](const Inputs& in, const Tensor& dy, Inputs& g) { a.backward(g[0], dy, in[0]); }},
            rng);
    }
    check_gradients({"leaky_relu",
                     {away_from_zero(rng, {3, 11})},
                     {true},
                     [&](const Inputs& in) { return aelab::leaky_relu(in[0], 0.1f); },
                     [&](const Inputs& in, const Tensor& dy, Inputs& g) {
                         aelab::leaky_relu_backward(g[0], dy, in[0], 0.1f);
                     }},
                    rng);
}

TEST_CASE("gradcheck: losses") {
    aelab::Rng rng(54);
    check_gradients({"mse_loss",
                     {random_tensor(rng, {3, 8}), random_tensor(rng, {3, 8}, 0.0f, 1.0f)},
                     {true, false},
                     [&](const Inputs& in) { return scalar(aelab::mse_loss(in[0], in[1])); },
                     [&](const Inputs& in, const Tensor& dy, Inputs& g) {
                         aelab::mse_loss_backward(g[0], in[0], in[1], dy.data()[0]);
                     }},
                    rng);
    Tensor logits = random_tensor(rng, {3, 8});
    for (auto& v : logits) v *= 4.0f;
    check_gradients(
        {"bce_with_logits_loss",
         {logits, random_tensor(rng, {3, 8}, 0.0f, 1.0f)},
         {true, false},
         [&](const Inputs& in) { return scalar(aelab::bce_with_logits_loss(in[0], in[1])); },
         [&](const Inputs& in, const Tensor& dy, Inputs& g) {
             aelab::bce_with_logits_loss_backward(g[0], in[0], in[1], dy.data()[0]);
         }},
        rng);
    check_gradients({"kl_normal_loss",
                     {random_tensor(rng, {4, 5}), random_tensor(rng, {4, 5})},
                     {true, true},
                     [&](const Inputs& in) { return scalar(aelab::kl_normal_loss(in[0], in[1])); },
                     [&](const Inputs& in, const Tensor& dy, Inputs& g) {
                         aelab::kl_normal_loss_backward(&g[0], &g[1], in[0], in[1], dy.data()[0]);
                     }},
                    rng);
    const std::vector<int> labels = {3, 0, 4, 4};
    Tensor class_logits = random_tensor(rng, {4, 5});
    for (auto& v : class_logits) v *= 3.0f;
    check_gradients({"softmax_cross_entropy_loss",
                     {class_logits},
                     {true},
                     [&](const Inputs& in) { return scalar(aelab::softmax_cross_entropy_loss(in[0], labels)); },
                     [&](const Inputs& in, const Tensor& dy, Inputs& g) {
                         aelab::softmax_cross_entropy_loss_backward(g[0], in[0], labels, dy.data()[0]);
                     }},
                    rng);
}

TEST_CASE("gradcheck: code penalties (L1 of the activations, contractive of a sigmoid encoder)") {
    aelab::Rng rng(58);
    check_gradients({"l1_activation_penalty",
                     {away_from_zero(rng, {3, 7})},
                     {true},
                     [&](const Inputs& in) { return scalar(aelab::l1_activation_penalty(in[0])); },
                     [&](const Inputs& in, const Tensor& dy, Inputs& g) {
                         aelab::l1_activation_penalty_backward(g[0], in[0], dy.data()[0]);
                     }},
                    rng);
    // The penalty as a function of the code h (in (0, 1), as a sigmoid's) and W taken apart.
    check_gradients({"contractive_penalty (h, W)",
                     {random_tensor(rng, {3, 5}, 0.05f, 0.95f), random_tensor(rng, {5, 6})},
                     {true, true},
                     [&](const Inputs& in) { return scalar(aelab::contractive_penalty(in[0], in[1])); },
                     [&](const Inputs& in, const Tensor& dy, Inputs& g) {
                         aelab::contractive_penalty_backward(g[0], &g[1], in[0], in[1], dy.data()[0]);
                     }},
                    rng, 1e-3f);
    // ||d sigmoid(x W^T + b) / dx||_F^2 as a function of x, W and b: the penalty's two paths to W
    // (through h and through ||W_j||^2) carried back through the sigmoid and linear backward.
    Tensor W = random_tensor(rng, {4, 6});
    for (auto& v : W) v *= 2.0f;
    check_gradients({"contractive_penalty of a sigmoid encoder (x, W, b)",
                     {random_tensor(rng, {3, 6}), W, random_tensor(rng, {4})},
                     {true, true, true},
                     [&](const Inputs& in) {
                         const Tensor h = aelab::sigmoid(aelab::linear(in[0], in[1], &in[2]));
                         return scalar(aelab::contractive_penalty(h, in[1]));
                     },
                     [&](const Inputs& in, const Tensor& dy, Inputs& g) {
                         const Tensor a = aelab::linear(in[0], in[1], &in[2]);
                         const Tensor h = aelab::sigmoid(a);
                         Tensor d_h = zeros_like(h), d_a = zeros_like(a);
                         aelab::contractive_penalty_backward(d_h, &g[1], h, in[1], dy.data()[0]);
                         aelab::sigmoid_backward(d_a, d_h, a);
                         aelab::linear_backward(&g[0], &g[1], &g[2], d_a, in[0], in[1]);
                     }},
                    rng, 1e-3f);
}

// Whole models: the parameter buffer is one more input. forward copies it into the model and
// runs it; backward reads the model's gradient buffer after zero_grad + forward + backward.
namespace {

Tensor buffer_tensor(const aelab::Sequential& m) {
    return aelab::from_values({m.param_count()},
                              std::vector<float>(m.params(), m.params() + m.param_count()));
}

void load_params(aelab::Sequential& m, const Tensor& p) { std::copy(p.begin(), p.end(), m.params()); }

void add_grads(const aelab::Sequential& m, Tensor& g, float scale = 1.0f) {
    for (std::size_t i = 0; i < m.param_count(); ++i) g.data()[i] += scale * m.grads()[i];
}

// Smooth activations only: a finite difference across a ReLU kink or a max-pool tie is wrong.
GradCase model_case(const std::string& name, aelab::Sequential& m, const Tensor& x) {
    return {name,
            {x, buffer_tensor(m)},
            {true, true},
            [&m](const Inputs& in) {
                load_params(m, in[1]);
                return m.forward(in[0]);
            },
            [&m](const Inputs& in, const Tensor& dy, Inputs& g) {
                load_params(m, in[1]);
                m.zero_grad();
                m.forward(in[0]);
                g[0] += m.backward(dy);
                add_grads(m, g[1]);
            }};
}

}  // namespace

TEST_CASE("gradcheck: whole models (small conv AE, tied linear AE, VAE with fixed eps)") {
    aelab::Rng rng(55);
    aelab::Sequential conv_ae({1, 8, 8});
    conv_ae.add<aelab::Conv2d>(1, 3, 3, 2, 1);  // -> (N, 3, 4, 4)
    conv_ae.add<aelab::Tanh>();
    conv_ae.add<aelab::Flatten>();
    conv_ae.add<aelab::Linear>(48, 4);
    conv_ae.add<aelab::Linear>(4, 48);
    conv_ae.add<aelab::Softplus>();
    conv_ae.add<aelab::Unflatten>(Shape{3, 4, 4});
    conv_ae.add<aelab::ConvTranspose2d>(3, 1, 3, 2, 1, 1);  // -> (N, 1, 8, 8)
    conv_ae.add<aelab::Sigmoid>();
    conv_ae.init(1);
    check_gradients(model_case("conv autoencoder", conv_ae, random_tensor(rng, {2, 1, 8, 8}, 0.0f, 1.0f)), rng);

    // The training tricks and resize-convolution: BatchNorm2d on batch statistics, Dropout with
    // its mask fixed by reseeding before every forward, nearest upsampling; then the same model
    // in evaluation mode (running statistics, no dropout).
    aelab::Sequential tricks({2, 4, 4});
    tricks.add<aelab::Conv2d>(2, 3, 3, 1, 1);
    tricks.add<aelab::BatchNorm2d>(3);
    tricks.add<aelab::Tanh>();
    auto& dropout = tricks.add<aelab::Dropout>(0.25f);
    tricks.add<aelab::UpsampleNearest2d>(std::array<int, 2>{2, 1});
    tricks.add<aelab::Conv2d>(3, 2, 3, 1, 1);
    tricks.init(3);
    for (const bool training : {true, false}) {
        tricks.set_training(training);
        GradCase c = model_case(training ? "BatchNorm2d, Dropout, Upsample (training)"
                                         : "BatchNorm2d, Dropout, Upsample (evaluation)",
                                tricks, random_tensor(rng, {3, 2, 4, 4}));
        auto forward = c.forward;
        auto backward = c.backward;
        c.forward = [&dropout, forward](const Inputs& in) {
            dropout.set_seed(8);
            return forward(in);
        };
        c.backward = [&dropout, backward](const Inputs& in, const Tensor& dy, Inputs& g) {
            dropout.set_seed(8);
            backward(in, dy, g);
        };
        check_gradients(c, rng);
    }
    CHECK(tricks.buffer_tensor("1.running_var")(0) != 1.0f);  // the training forwards moved it

    // The tied weight gets gradient from both of its uses.
    aelab::Sequential tied({12});
    auto& enc = tied.add<aelab::Linear>(12, 4, false);
    tied.add<aelab::LeakyReLU>(0.2f);
    tied.add<aelab::TiedLinear>(enc, 0, true);
    tied.init(2);
    check_gradients(model_case("tied linear autoencoder", tied, away_from_zero(rng, {3, 12})), rng);

    // The VAE's loss (recon + beta * KL) with eps fixed: gradients through the decoder, the
    // reparameterisation and the encoder, plus the KL's own.
    aelab::Vae vae({6, 2, 0.5f, {1, 4, 4}}, 3);
    const Tensor eps = random_tensor(rng, {3, 2});
    const Tensor x = random_tensor(rng, {3, 1, 4, 4}, 0.0f, 1.0f);
    aelab::Sequential& net = vae.net();
    check_gradients({"VAE",
                     {x, buffer_tensor(net)},
                     {false, true},
                     [&](const Inputs& in) {
                         load_params(net, in[1]);
                         vae.forward(in[0], eps);
                         return scalar(vae.loss(in[0]).total);
                     },
                     [&](const Inputs& in, const Tensor& dy, Inputs& g) {
                         load_params(net, in[1]);
                         net.zero_grad();
                         vae.forward(in[0], eps);
                         vae.backward(in[0]);
                         add_grads(net, g[1], dy.data()[0]);
                     }},
                    rng);
}

// The GAN's losses (core recipe_gan.hpp): the generator's loss on logits (both kinds), the
// discriminator's on real and fake logits, and whole updates: L_D through D for its parameters
// and both inputs; L_G through a fixed D into G's parameters and z, and dL_G / dx at the fakes.
// Tanh networks: the finite differences need smooth activations.
namespace {

aelab::Sequential smooth_mlp(int in, int out, std::uint64_t seed) {
    aelab::Sequential m({std::size_t(in)});
    m.add<aelab::Linear>(in, 4);
    m.add<aelab::Tanh>();
    m.add<aelab::Linear>(4, out);
    m.init(seed);
    return m;
}

}  // namespace

TEST_CASE("gradcheck: GAN losses, the discriminator's update and the generator's through a fixed discriminator") {
    aelab::Rng rng(56);
    for (const aelab::GanLoss kind : {aelab::GanLoss::saturating, aelab::GanLoss::non_saturating}) {
        Tensor logits = random_tensor(rng, {5, 1});
        for (auto& v : logits) v *= 4.0f;
        check_gradients({std::string("gan_generator_loss ") + aelab::gan_loss_name(kind),
                         {logits},
                         {true},
                         [=](const Inputs& in) { return scalar(aelab::gan_generator_loss(in[0], kind)); },
                         [=](const Inputs& in, const Tensor& dy, Inputs& g) {
                             aelab::gan_generator_loss_backward(g[0], in[0], kind, dy.data()[0]);
                         }},
                        rng);
    }
    check_gradients({"gan_discriminator_loss",
                     {random_tensor(rng, {4, 1}), random_tensor(rng, {3, 1})},
                     {true, true},
                     [](const Inputs& in) { return scalar(aelab::gan_discriminator_loss(in[0], in[1])); },
                     [](const Inputs& in, const Tensor& dy, Inputs& g) {
                         aelab::gan_discriminator_loss_backward(g[0], g[1], in[0], in[1], dy.data()[0]);
                     }},
                    rng);

    for (const aelab::GanLoss kind : {aelab::GanLoss::saturating, aelab::GanLoss::non_saturating}) {
        aelab::AdamOptions adam;
        aelab::Gan gan(smooth_mlp(3, 2, 1), smooth_mlp(2, 1, 2), adam, adam, kind);
        aelab::Sequential& G = gan.generator();
        aelab::Sequential& D = gan.discriminator();
        const Tensor real = random_tensor(rng, {4, 2});
        // L_D for D's parameters (G's output is a constant for D's update).
        check_gradients({"GAN discriminator loss, D's parameters",
                         {random_tensor(rng, {3, 3}), buffer_tensor(D)},
                         {false, true},
                         [&](const Inputs& in) {
                             load_params(D, in[1]);
                             return scalar(aelab::gan_discriminator_loss(D.forward(real), D.forward(G.forward(in[0]))));
                         },
                         [&](const Inputs& in, const Tensor& dy, Inputs& g) {
                             load_params(D, in[1]);
                             gan.discriminator_gradients(real, in[0]);
                             add_grads(D, g[1], dy.data()[0]);
                         }},
                        rng);
        // L_G for G's parameters and z, through D held fixed.
        check_gradients({std::string("GAN generator loss through D, ") + aelab::gan_loss_name(kind),
                         {random_tensor(rng, {3, 3}), buffer_tensor(G)},
                         {true, true},
                         [&](const Inputs& in) {
                             load_params(G, in[1]);
                             return scalar(aelab::gan_generator_loss(D.forward(G.forward(in[0])), kind));
                         },
                         [&](const Inputs& in, const Tensor& dy, Inputs& g) {
                             load_params(G, in[1]);
                             Tensor d_fake;
                             gan.generator_gradients(in[0], &d_fake);
                             add_grads(G, g[1], dy.data()[0]);
                             // dL/dz from dL/dG(z): back through G once more.
                             G.zero_grad();
                             G.forward(in[0]);
                             Tensor dz = G.backward(d_fake);
                             for (std::size_t i = 0; i < dz.size(); ++i) g[0].data()[i] += dy.data()[0] * dz.data()[i];
                         }},
                        rng);
        // The arrows: dl/dx per sample, the generator's loss of each point x alone.
        check_gradients({std::string("GAN per-sample generator gradient dl/dx, ") + aelab::gan_loss_name(kind),
                         {random_tensor(rng, {4, 2})},
                         {true},
                         [&](const Inputs& in) {
                             const Tensor l = D.forward(in[0]);
                             Tensor per = aelab::zeros({l.shape()[0]});
                             for (std::size_t i = 0; i < l.shape()[0]; ++i)
                                 per(i) = aelab::gan_generator_loss(aelab::from_values({1, 1}, {l(i, 0)}), kind);
                             return per;
                         },
                         [&](const Inputs& in, const Tensor& dy, Inputs& g) {
                             const Tensor dx = gan.sample_gradients(in[0]);
                             for (std::size_t i = 0; i < 4; ++i)
                                 for (std::size_t j = 0; j < 2; ++j) g[0](i, j) += dy.data()[i] * dx(i, j);
                         }},
                        rng);
    }
}
