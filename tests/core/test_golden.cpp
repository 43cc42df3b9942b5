// Every op against PyTorch (tests/golden/ops.bin, from tests/golden/make_golden.py): forward
// outputs and the gradients of sum(y * dy) for inputs, weights and biases. Convolutions and
// pools are checked through both the fast Tensor API and the scalar twins (*_ref).
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "aelab/model.hpp"
#include "aelab/ops.hpp"
#include "aelab/recipe_gan.hpp"
#include "golden.hpp"
#include "test_util.hpp"

using aelab::dim;
using aelab::Tensor;
using testutil::max_rel_error;

namespace {

constexpr double kTol = 1e-4;

Tensor zeros_like(const Tensor& t) {
    return aelab::zeros(aelab::Shape(t.shape().begin(), t.shape().end()));
}

void expect_close(const Tensor& actual, const std::string& name) {
    const Tensor expected = golden::ops().tensor(name);
    INFO(name, " expected shape ", aelab::shape_str(expected.shape()), " got ",
         aelab::shape_str(actual.shape()));
    REQUIRE(aelab::shape_str(actual.shape()) == aelab::shape_str(expected.shape()));
    CHECK(max_rel_error(actual, expected) < kTol);
}

// Runs one golden conv case through the Tensor API (fast path) and the raw scalar twins.
// `forward(x, w, b)` returns y; `backward(dy, x, w, dx, dw, db)` adds the gradients; `*_ref`
// do the same through the twins on raw buffers.
template <class Forward, class Backward, class ForwardRef, class BackwardRef>
void check_conv_case(const std::string& pre, Forward forward, Backward backward,
                     ForwardRef forward_ref, BackwardRef backward_ref) {
    const auto& G = golden::ops();
    const Tensor x = G.tensor(pre + "x"), w = G.tensor(pre + "w"), dy = G.tensor(pre + "dy");
    const bool has_bias = G.has(pre + "b");
    const Tensor b = has_bias ? G.tensor(pre + "b") : aelab::zeros({1});
    const Tensor* bias = has_bias ? &b : nullptr;

    expect_close(forward(x, w, bias), pre + "y");
    Tensor dx = zeros_like(x), dw = zeros_like(w), db = zeros_like(b);
    backward(dy, x, w, &dx, &dw, has_bias ? &db : nullptr);
    expect_close(dx, pre + "dx");
    expect_close(dw, pre + "dw");
    if (has_bias) expect_close(db, pre + "db");

    Tensor y_ref = zeros_like(G.tensor(pre + "y"));
    forward_ref(y_ref.data(), x, w, bias ? b.data() : nullptr);
    expect_close(y_ref, pre + "y");
    Tensor dx_ref = zeros_like(x), dw_ref = zeros_like(w), db_ref = zeros_like(b);
    backward_ref(dx_ref.data(), dw_ref.data(), has_bias ? db_ref.data() : nullptr, dy, x, w);
    expect_close(dx_ref, pre + "dx");
    expect_close(dw_ref, pre + "dw");
    if (has_bias) expect_close(db_ref, pre + "db");
}

std::string case_prefix(const char* op, int i) {
    return std::string(op) + "/" + std::to_string(i) + "/";
}

}  // namespace

TEST_CASE("golden: conv1d, conv2d, conv3d match PyTorch (forward and gradients)") {
    const auto& G = golden::ops();
    REQUIRE(G.case_count("conv1d") == 3);
    for (int i = 0; i < G.case_count("conv1d"); ++i) {
        const std::string pre = case_prefix("conv1d", i);
        const auto q = G.params(pre + "params");  // stride, padding, dilation
        const aelab::Conv1dParams p{q[0], q[1], q[2]};
        check_conv_case(
            pre,
            [&](const Tensor& x, const Tensor& w, const Tensor* b) {
                return aelab::conv1d(x, w, b, p);
            },
            [&](const Tensor& dy, const Tensor& x, const Tensor& w, Tensor* dx, Tensor* dw,
                Tensor* db) { aelab::conv1d_backward(dx, dw, db, dy, x, w, p); },
            [&](float* y, const Tensor& x, const Tensor& w, const float* b) {
                aelab::conv1d_forward_ref(y, x.data(), w.data(), b, dim(x, 0), dim(x, 1), dim(x, 2),
                                          dim(w, 0), dim(w, 2), p);
            },
            [&](float* dx, float* dw, float* db, const Tensor& dy, const Tensor& x,
                const Tensor& w) {
                aelab::conv1d_backward_ref(dx, dw, db, dy.data(), x.data(), w.data(), dim(x, 0),
                                           dim(x, 1), dim(x, 2), dim(w, 0), dim(w, 2), p);
            });
    }
    REQUIRE(G.case_count("conv2d") == 5);
    for (int i = 0; i < G.case_count("conv2d"); ++i) {
        const std::string pre = case_prefix("conv2d", i);
        const auto q = G.params(pre + "params");  // stride (2), padding (2), dilation (2)
        const aelab::Conv2dParams p{{q[0], q[1]}, {q[2], q[3]}, {q[4], q[5]}};
        check_conv_case(
            pre,
            [&](const Tensor& x, const Tensor& w, const Tensor* b) {
                return aelab::conv2d(x, w, b, p);
            },
            [&](const Tensor& dy, const Tensor& x, const Tensor& w, Tensor* dx, Tensor* dw,
                Tensor* db) { aelab::conv2d_backward(dx, dw, db, dy, x, w, p); },
            [&](float* y, const Tensor& x, const Tensor& w, const float* b) {
                aelab::conv2d_forward_ref(y, x.data(), w.data(), b, dim(x, 0), dim(x, 1), dim(x, 2),
                                          dim(x, 3), dim(w, 0), dim(w, 2), dim(w, 3), p);
            },
            [&](float* dx, float* dw, float* db, const Tensor& dy, const Tensor& x,
                const Tensor& w) {
                aelab::conv2d_backward_ref(dx, dw, db, dy.data(), x.data(), w.data(), dim(x, 0),
                                           dim(x, 1), dim(x, 2), dim(x, 3), dim(w, 0), dim(w, 2),
                                           dim(w, 3), p);
            });
    }
    REQUIRE(G.case_count("conv3d") == 2);
    for (int i = 0; i < G.case_count("conv3d"); ++i) {
        const std::string pre = case_prefix("conv3d", i);
        const auto q = G.params(pre + "params");  // stride (3), padding (3), dilation (3)
        const aelab::Conv3dParams p{{q[0], q[1], q[2]}, {q[3], q[4], q[5]}, {q[6], q[7], q[8]}};
        check_conv_case(
            pre,
            [&](const Tensor& x, const Tensor& w, const Tensor* b) {
                return aelab::conv3d(x, w, b, p);
            },
            [&](const Tensor& dy, const Tensor& x, const Tensor& w, Tensor* dx, Tensor* dw,
                Tensor* db) { aelab::conv3d_backward(dx, dw, db, dy, x, w, p); },
            [&](float* y, const Tensor& x, const Tensor& w, const float* b) {
                aelab::conv3d_forward_ref(y, x.data(), w.data(), b, dim(x, 0), dim(x, 1), dim(x, 2),
                                          dim(x, 3), dim(x, 4), dim(w, 0), dim(w, 2), dim(w, 3),
                                          dim(w, 4), p);
            },
            [&](float* dx, float* dw, float* db, const Tensor& dy, const Tensor& x,
                const Tensor& w) {
                aelab::conv3d_backward_ref(dx, dw, db, dy.data(), x.data(), w.data(), dim(x, 0),
                                           dim(x, 1), dim(x, 2), dim(x, 3), dim(x, 4), dim(w, 0),
                                           dim(w, 2), dim(w, 3), dim(w, 4), p);
            });
    }
}

TEST_CASE("golden: conv_transpose1d and conv_transpose2d match PyTorch") {
    const auto& G = golden::ops();
    REQUIRE(G.case_count("conv_transpose1d") == 2);
    for (int i = 0; i < G.case_count("conv_transpose1d"); ++i) {
        const std::string pre = case_prefix("conv_transpose1d", i);
        const auto q = G.params(pre + "params");  // stride, padding, dilation, output_padding
        const aelab::ConvTranspose1dParams p{q[0], q[1], q[3], q[2]};
        check_conv_case(
            pre,
            [&](const Tensor& x, const Tensor& w, const Tensor* b) {
                return aelab::conv_transpose1d(x, w, b, p);
            },
            [&](const Tensor& dy, const Tensor& x, const Tensor& w, Tensor* dx, Tensor* dw,
                Tensor* db) { aelab::conv_transpose1d_backward(dx, dw, db, dy, x, w, p); },
            [&](float* y, const Tensor& x, const Tensor& w, const float* b) {
                aelab::conv_transpose1d_forward_ref(y, x.data(), w.data(), b, dim(x, 0), dim(x, 1),
                                                    dim(x, 2), dim(w, 1), dim(w, 2), p);
            },
            [&](float* dx, float* dw, float* db, const Tensor& dy, const Tensor& x,
                const Tensor& w) {
                aelab::conv_transpose1d_backward_ref(dx, dw, db, dy.data(), x.data(), w.data(),
                                                     dim(x, 0), dim(x, 1), dim(x, 2), dim(w, 1),
                                                     dim(w, 2), p);
            });
    }
    REQUIRE(G.case_count("conv_transpose2d") == 4);
    for (int i = 0; i < G.case_count("conv_transpose2d"); ++i) {
        const std::string pre = case_prefix("conv_transpose2d", i);
        const auto q =
            G.params(pre + "params");  // stride, padding, dilation, output_padding (2 each)
        aelab::ConvTranspose2dParams p;
        p.stride = {q[0], q[1]};
        p.padding = {q[2], q[3]};
        p.dilation = {q[4], q[5]};
        p.output_padding = {q[6], q[7]};
        check_conv_case(
            pre,
            [&](const Tensor& x, const Tensor& w, const Tensor* b) {
                return aelab::conv_transpose2d(x, w, b, p);
            },
            [&](const Tensor& dy, const Tensor& x, const Tensor& w, Tensor* dx, Tensor* dw,
                Tensor* db) { aelab::conv_transpose2d_backward(dx, dw, db, dy, x, w, p); },
            [&](float* y, const Tensor& x, const Tensor& w, const float* b) {
                aelab::conv_transpose2d_forward_ref(y, x.data(), w.data(), b, dim(x, 0), dim(x, 1),
                                                    dim(x, 2), dim(x, 3), dim(w, 1), dim(w, 2),
                                                    dim(w, 3), p);
            },
            [&](float* dx, float* dw, float* db, const Tensor& dy, const Tensor& x,
                const Tensor& w) {
                aelab::conv_transpose2d_backward_ref(dx, dw, db, dy.data(), x.data(), w.data(),
                                                     dim(x, 0), dim(x, 1), dim(x, 2), dim(x, 3),
                                                     dim(w, 1), dim(w, 2), dim(w, 3), p);
            });
    }
}

TEST_CASE("golden: pooling, unpooling and upsampling match PyTorch") {
    const auto& G = golden::ops();
    REQUIRE(G.case_count("max_pool2d") == 3);
    for (int i = 0; i < G.case_count("max_pool2d"); ++i) {
        const std::string pre = case_prefix("max_pool2d", i);
        const auto q = G.params(pre + "params");  // kernel, stride, padding, dilation (2 each)
        aelab::MaxPool2dParams p{{q[0], q[1]}, {q[2], q[3]}, {q[4], q[5]}, {q[6], q[7]}};
        const Tensor x = G.tensor(pre + "x");
        auto r = aelab::max_pool2d(x, p);
        expect_close(r.out, pre + "y");
        const auto expected_indices = G.indices(pre + "indices");
        CHECK(r.indices == expected_indices);
        Tensor y_ref = zeros_like(r.out);
        auto idx_ref = aelab::IndexTensor::from_shape(r.indices.shape());
        aelab::max_pool2d_forward_ref(y_ref.data(), idx_ref.data(), x.data(), dim(x, 0), dim(x, 1),
                                      dim(x, 2), dim(x, 3), p);
        expect_close(y_ref, pre + "y");
        CHECK(idx_ref == expected_indices);
        Tensor dx = zeros_like(x);
        aelab::max_pool2d_backward(dx, G.tensor(pre + "dy"), r.indices);
        expect_close(dx, pre + "dx");
    }
    REQUIRE(G.case_count("avg_pool2d") == 3);
    for (int i = 0; i < G.case_count("avg_pool2d"); ++i) {
        const std::string pre = case_prefix("avg_pool2d", i);
        const auto q = G.params(pre + "params");  // kernel, stride, padding (2 each)
        aelab::AvgPool2dParams p{{q[0], q[1]}, {q[2], q[3]}, {q[4], q[5]}};
        const Tensor x = G.tensor(pre + "x");
        expect_close(aelab::avg_pool2d(x, p), pre + "y");
        Tensor dx = zeros_like(x);
        aelab::avg_pool2d_backward(dx, G.tensor(pre + "dy"), p);
        expect_close(dx, pre + "dx");
        Tensor y_ref = zeros_like(G.tensor(pre + "y")), dx_ref = zeros_like(x);
        aelab::avg_pool2d_forward_ref(y_ref.data(), x.data(), dim(x, 0), dim(x, 1), dim(x, 2),
                                      dim(x, 3), p);
        aelab::avg_pool2d_backward_ref(dx_ref.data(), G.tensor(pre + "dy").data(), dim(x, 0),
                                       dim(x, 1), dim(x, 2), dim(x, 3), p);
        expect_close(y_ref, pre + "y");
        expect_close(dx_ref, pre + "dx");
    }
    REQUIRE(G.case_count("max_unpool2d") == 2);
    for (int i = 0; i < G.case_count("max_unpool2d"); ++i) {
        const std::string pre = case_prefix("max_unpool2d", i);
        const auto q = G.params(pre + "params");  // kernel, stride, padding, output size (2 each)
        aelab::MaxUnpool2dParams p{{q[0], q[1]}, {q[2], q[3]}, {q[4], q[5]}, {q[6], q[7]}};
        const Tensor x = G.tensor(pre + "x");
        const auto indices = G.indices(pre + "indices");
        expect_close(aelab::max_unpool2d(x, indices, p), pre + "y");
        Tensor dx = zeros_like(x);
        aelab::max_unpool2d_backward(dx, G.tensor(pre + "dy"), indices);
        expect_close(dx, pre + "dx");
    }
    for (const char* op : {"upsample_nearest2d", "upsample_bed_of_nails2d"}) {
        REQUIRE(G.case_count(op) == 2);
        for (int i = 0; i < G.case_count(op); ++i) {
            const std::string pre = case_prefix(op, i);
            const auto q = G.params(pre + "params");  // scale_h, scale_w
            const Tensor x = G.tensor(pre + "x");
            const bool nearest = std::string(op) == "upsample_nearest2d";
            expect_close(nearest ? aelab::upsample_nearest2d(x, q[0], q[1])
                                 : aelab::upsample_bed_of_nails2d(x, q[0], q[1]),
                         pre + "y");
            Tensor dx = zeros_like(x);
            if (nearest)
                aelab::upsample_nearest2d_backward(dx, G.tensor(pre + "dy"), q[0], q[1]);
            else
                aelab::upsample_bed_of_nails2d_backward(dx, G.tensor(pre + "dy"), q[0], q[1]);
            expect_close(dx, pre + "dx");
        }
    }
}

TEST_CASE("golden: linear matches PyTorch") {
    const auto& G = golden::ops();
    REQUIRE(G.case_count("linear") == 3);
    for (int i = 0; i < G.case_count("linear"); ++i) {
        const std::string pre = case_prefix("linear", i);
        const Tensor x = G.tensor(pre + "x"), w = G.tensor(pre + "w"), dy = G.tensor(pre + "dy");
        const bool has_bias = G.has(pre + "b");
        const Tensor b = has_bias ? G.tensor(pre + "b") : aelab::zeros({1});
        expect_close(aelab::linear(x, w, has_bias ? &b : nullptr), pre + "y");
        Tensor dx = zeros_like(x), dw = zeros_like(w), db = zeros_like(b);
        aelab::linear_backward(&dx, &dw, has_bias ? &db : nullptr, dy, x, w);
        expect_close(dx, pre + "dx");
        expect_close(dw, pre + "dw");
        if (has_bias) expect_close(db, pre + "db");
    }
}

TEST_CASE("golden: activations match PyTorch") {
    const auto& G = golden::ops();
    struct Activation {
        const char* name;
        Tensor (*forward)(const Tensor&);
        void (*backward)(Tensor&, const Tensor&, const Tensor&);
    };
    const Activation activations[] = {
        {"relu", aelab::relu, aelab::relu_backward},
        {"sigmoid", aelab::sigmoid, aelab::sigmoid_backward},
        {"tanh", aelab::tanh, aelab::tanh_backward},
        {"softplus", aelab::softplus, aelab::softplus_backward},
    };
    for (const auto& a : activations) {
        const std::string pre = std::string(a.name) + "/0/";
        const Tensor x = G.tensor(pre + "x");
        expect_close(a.forward(x), pre + "y");
        Tensor dx = zeros_like(x);
        a.backward(dx, G.tensor(pre + "dy"), x);
        expect_close(dx, pre + "dx");
    }
    const Tensor x = G.tensor("leaky_relu/0/x");
    expect_close(aelab::leaky_relu(x, 0.2f), "leaky_relu/0/y");
    Tensor dx = zeros_like(x);
    aelab::leaky_relu_backward(dx, G.tensor("leaky_relu/0/dy"), x, 0.2f);
    expect_close(dx, "leaky_relu/0/dx");
}

TEST_CASE("golden: losses and their gradients match PyTorch") {
    const auto& G = golden::ops();
    for (const char* op : {"mse_loss", "bce_with_logits_loss"}) {
        const std::string pre = std::string(op) + "/0/";
        const Tensor x = G.tensor(pre + "x"), t = G.tensor(pre + "t");
        const float d_loss = G.tensor(pre + "dy").data()[0];
        const bool mse = std::string(op) == "mse_loss";
        const float loss = mse ? aelab::mse_loss(x, t) : aelab::bce_with_logits_loss(x, t);
        CHECK(loss == doctest::Approx(G.tensor(pre + "y").data()[0]).epsilon(kTol));
        Tensor dx = zeros_like(x);
        if (mse)
            aelab::mse_loss_backward(dx, x, t, d_loss);
        else
            aelab::bce_with_logits_loss_backward(dx, x, t, d_loss);
        expect_close(dx, pre + "dx");
    }
    const Tensor mu = G.tensor("kl_normal_loss/0/mu"), logvar = G.tensor("kl_normal_loss/0/logvar");
    CHECK(aelab::kl_normal_loss(mu, logvar) ==
          doctest::Approx(G.tensor("kl_normal_loss/0/y").data()[0]).epsilon(kTol));
    Tensor d_mu = zeros_like(mu), d_logvar = zeros_like(logvar);
    aelab::kl_normal_loss_backward(&d_mu, &d_logvar, mu, logvar,
                                   G.tensor("kl_normal_loss/0/dy").data()[0]);
    expect_close(d_mu, "kl_normal_loss/0/dmu");
    expect_close(d_logvar, "kl_normal_loss/0/dlogvar");
}

// Batch normalisation in training mode (batch statistics, running statistics after one step)
// and in evaluation mode (running statistics), through the raw ops and the BatchNorm2d layer.
TEST_CASE("golden: batch_norm2d matches PyTorch in training and evaluation mode") {
    const auto& G = golden::ops();
    REQUIRE(G.case_count("batch_norm2d") == 3);
    REQUIRE(G.case_count("batch_norm2d_eval") == 1);
    for (const char* op : {"batch_norm2d", "batch_norm2d_eval"}) {
        const bool training = std::string(op) == "batch_norm2d";
        for (int i = 0; i < G.case_count(op); ++i) {
            const std::string pre = case_prefix(op, i);
            INFO(pre);
            const Tensor x = G.tensor(pre + "x"), dy = G.tensor(pre + "dy");
            const bool affine = G.has(pre + "w");
            const Tensor w = affine ? G.tensor(pre + "w") : aelab::zeros({1});
            const Tensor b = affine ? G.tensor(pre + "b") : aelab::zeros({1});
            const Tensor hyper = G.tensor(pre + "hyper");  // eps, momentum
            const float eps = hyper(0), momentum = hyper(1);
            const int N = dim(x, 0), C = dim(x, 1), H = dim(x, 2), W = dim(x, 3);

            // raw ops
            Tensor running_mean = G.tensor(pre + "running_mean"), running_var = G.tensor(pre + "running_var");
            Tensor y = zeros_like(x);
            Tensor mean = aelab::zeros({std::size_t(C)}), invstd = aelab::zeros({std::size_t(C)});
            const float* gamma = affine ? w.data() : nullptr;
            const float* beta = affine ? b.data() : nullptr;
            if (training) {
                aelab::batchnorm2d_forward_train(y.data(), mean.data(), invstd.data(),
                                                 running_mean.data(), running_var.data(), x.data(),
                                                 gamma, beta, N, C, H, W, eps, momentum);
            } else {
                aelab::batchnorm2d_forward_eval(y.data(), x.data(), running_mean.data(),
                                                running_var.data(), gamma, beta, N, C, H, W, eps);
                for (int c = 0; c < C; ++c) {
                    mean(c) = running_mean(c);
                    invstd(c) = float(1.0 / std::sqrt(double(running_var(c)) + eps));
                }
            }
            expect_close(y, pre + "y");
            expect_close(running_mean, pre + "running_mean_out");
            expect_close(running_var, pre + "running_var_out");
            Tensor dx = zeros_like(x), dw = zeros_like(w), db = zeros_like(b);
            aelab::batchnorm2d_backward(dx.data(), affine ? dw.data() : nullptr,
                                        affine ? db.data() : nullptr, dy.data(), x.data(), gamma,
                                        mean.data(), invstd.data(), N, C, H, W, training);
            expect_close(dx, pre + "dx");
            if (affine) {
                expect_close(dw, pre + "dw");
                expect_close(db, pre + "db");
            }

            // the layer: parameters and running statistics in the model's buffers
            aelab::Sequential m(aelab::shape_of(x));
            m.add<aelab::BatchNorm2d>(C, eps, momentum, affine);
            if (affine) {
                std::copy(w.begin(), w.end(), m.params());
                std::copy(b.begin(), b.end(), m.params() + C);
            }
            const Tensor rm0 = G.tensor(pre + "running_mean"), rv0 = G.tensor(pre + "running_var");
            std::copy(rm0.begin(), rm0.end(), m.buffers());
            std::copy(rv0.begin(), rv0.end(), m.buffers() + C);
            m.set_training(training);
            expect_close(m.forward(x), pre + "y");
            expect_close(m.buffer_tensor("0.running_mean"), pre + "running_mean_out");
            expect_close(m.buffer_tensor("0.running_var"), pre + "running_var_out");
            m.zero_grad();
            expect_close(m.backward(dy), pre + "dx");
            if (affine) {
                expect_close(m.grad_tensor("0.weight"), pre + "dw");
                expect_close(m.grad_tensor("0.bias"), pre + "db");
            }
        }
    }
}

TEST_CASE("golden: softmax cross-entropy matches F.cross_entropy, with huge logits too") {
    const auto& G = golden::ops();
    const int cases = G.case_count("softmax_cross_entropy_loss");
    CHECK(cases == 3);
    for (int c = 0; c < cases; ++c) {
        const std::string pre = "softmax_cross_entropy_loss/" + std::to_string(c) + "/";
        CAPTURE(pre);
        const Tensor x = G.tensor(pre + "x");
        const std::vector<int> labels = G.params(pre + "labels");
        const float loss = aelab::softmax_cross_entropy_loss(x, labels);
        CHECK(std::isfinite(loss));
        CHECK(loss == doctest::Approx(G.tensor(pre + "y").data()[0]).epsilon(kTol).scale(1e-6));
        Tensor dx = zeros_like(x);
        aelab::softmax_cross_entropy_loss_backward(dx, x, labels, G.tensor(pre + "dy").data()[0]);
        expect_close(dx, pre + "dx");
    }
}

TEST_CASE("softmax cross-entropy: hand values") {
    // Equal logits over K classes: the loss is log K whatever the label; the gradient is
    // (1/K - onehot) / N.
    const Tensor z = aelab::zeros({2, 4});
    CHECK(aelab::softmax_cross_entropy_loss(z, {1, 3}) == doctest::Approx(std::log(4.0)));
    Tensor dz = aelab::zeros({2, 4});
    aelab::softmax_cross_entropy_loss_backward(dz, z, {1, 3});
    testutil::check_values(dz, {2, 4}, {0.125f, -0.375f, 0.125f, 0.125f, 0.125f, 0.125f, 0.125f, -0.375f});
    // logits (0, ln 3): softmax (1/4, 3/4); label 1 costs -ln(3/4), label 0 costs ln 4.
    const Tensor w = aelab::from_values({2, 2}, {0.0f, std::log(3.0f), 0.0f, std::log(3.0f)});
    CHECK(aelab::softmax_cross_entropy_loss(w, {1, 0}) == doctest::Approx((-std::log(0.75) + std::log(4.0)) / 2));
    // Far beyond exp's range the loss stays finite: z = (1000, 0), label 1 costs 1000.
    CHECK(aelab::softmax_cross_entropy_loss(aelab::from_values({1, 2}, {1000.0f, 0.0f}), {1}) ==
          doctest::Approx(1000.0));
}

// A GAN's alternating updates (core recipe_gan.hpp) against PyTorch: one discriminator update
// (L_D, its gradients, the weights after Adam), then one generator update through the updated
// discriminator for each generator loss (L_G, its gradients, dL_G / dG(z), the weights after).
namespace {

aelab::Sequential golden_gan_mlp(int out, const std::string& prefix) {
    const auto& G = golden::ops();
    aelab::Sequential m({2});
    m.add<aelab::Linear>(2, 5);
    m.add<aelab::LeakyReLU>(0.2f);
    m.add<aelab::Linear>(5, 5);
    m.add<aelab::LeakyReLU>(0.2f);
    m.add<aelab::Linear>(5, out);
    for (std::size_t i = 0; i < 6; ++i) {
        const Tensor t = G.tensor(prefix + std::to_string(i));
        const aelab::ParamBlock& b = m.blocks()[i];
        REQUIRE(b.size == t.size());
        std::copy(t.begin(), t.end(), m.params() + b.offset);
    }
    return m;
}

Tensor block_of(const aelab::Sequential& m, std::size_t i, bool grad) {
    const aelab::ParamBlock& b = m.blocks()[i];
    return grad ? m.grad_tensor(b.name) : m.param_tensor(b.name);
}

}  // namespace

TEST_CASE("golden: a GAN's discriminator and generator updates match PyTorch (both generator losses)") {
    const auto& G = golden::ops();
    const std::string pre = "gan/0/";
    aelab::AdamOptions adam;
    adam.lr = 0.01f;
    adam.beta1 = 0.5f;
    for (const aelab::GanLoss kind : {aelab::GanLoss::saturating, aelab::GanLoss::non_saturating}) {
        const std::string k = kind == aelab::GanLoss::saturating ? "saturating/" : "non_saturating/";
        CAPTURE(k);
        aelab::Gan gan(golden_gan_mlp(2, pre + "g"), golden_gan_mlp(1, pre + "d"), adam, adam, kind);
        const aelab::GanUpdate ud = gan.discriminator_step(G.tensor(pre + "real"), G.tensor(pre + "z_d"));
        CHECK(ud.loss == doctest::Approx(G.tensor(pre + "loss_d").data()[0]).epsilon(kTol));
        for (std::size_t i = 0; i < 6; ++i) {
            expect_close(block_of(gan.discriminator(), i, true), pre + "dd" + std::to_string(i));
            expect_close(block_of(gan.discriminator(), i, false), pre + "d_after" + std::to_string(i));
        }
        Tensor d_fake;
        const aelab::GanUpdate ug = gan.generator_gradients(G.tensor(pre + "z_g"), &d_fake);
        CHECK(ug.loss == doctest::Approx(G.tensor(pre + k + "loss_g").data()[0]).epsilon(kTol));
        expect_close(d_fake, pre + k + "dfake");
        const aelab::GanUpdate ug2 = gan.generator_step(G.tensor(pre + "z_g"));  // the same gradients, then Adam
        CHECK(ug2.loss == ug.loss);
        for (std::size_t i = 0; i < 6; ++i) {
            expect_close(block_of(gan.generator(), i, true), pre + k + "dg" + std::to_string(i));
            expect_close(block_of(gan.generator(), i, false), pre + k + "g_after" + std::to_string(i));
        }
        // The per-sample gradient the page draws as arrows is N times the batch gradient.
        const Tensor fake_before = G.tensor(pre + "z_g");  // any points: compare through D as it is now
        const Tensor x = gan.generate(fake_before);
        Tensor d_batch;
        gan.generator_gradients(fake_before, &d_batch);
        const Tensor per_sample = gan.sample_gradients(x);
        for (std::size_t i = 0; i < x.size(); ++i)
            CHECK(per_sample.data()[i] == doctest::Approx(6.0f * d_batch.data()[i]).epsilon(1e-5));
    }
}

// The code penalties: the L1 of the activations, and the contractive penalty of a sigmoid encoder
// (closed form here, autograd's Jacobian in PyTorch) carried back to x, W and b.
TEST_CASE("golden: the sparse and contractive penalties match PyTorch") {
    const auto& G = golden::ops();
    const Tensor h = G.tensor("l1_activation_penalty/0/h");
    CHECK(aelab::l1_activation_penalty(h) == doctest::Approx(G.tensor("l1_activation_penalty/0/y").data()[0]).epsilon(kTol));
    Tensor dh = zeros_like(h);
    aelab::l1_activation_penalty_backward(dh, h, G.tensor("l1_activation_penalty/0/dy").data()[0]);
    expect_close(dh, "l1_activation_penalty/0/dh");

    const std::string pre = "contractive_penalty/0/";
    const Tensor x = G.tensor(pre + "x"), w = G.tensor(pre + "w"), b = G.tensor(pre + "b");
    const Tensor a = aelab::linear(x, w, &b), code = aelab::sigmoid(a);
    CHECK(aelab::contractive_penalty(code, w) == doctest::Approx(G.tensor(pre + "y").data()[0]).epsilon(kTol));
    Tensor d_code = zeros_like(code), d_a = zeros_like(a), dx = zeros_like(x), dw = zeros_like(w), db = zeros_like(b);
    aelab::contractive_penalty_backward(d_code, &dw, code, w, G.tensor(pre + "dy").data()[0]);
    aelab::sigmoid_backward(d_a, d_code, a);
    aelab::linear_backward(&dx, &dw, &db, d_a, x, w);
    expect_close(dx, pre + "dx");
    expect_close(dw, pre + "dw");
    expect_close(db, pre + "db");
}
