// Tests for core/src/nn/sequential.cpp, init.cpp, models.cpp and vae.cpp: the parameter
// buffer's layout, summaries, error prefixes, initialisation (PyTorch's bounds, Kaiming and
// Xavier statistics, determinism for a seed, the same numbers natively and in wasm), the
// lesson models' shapes and the VAE's step-by-step forward.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "aelab/models.hpp"
#include "test_util.hpp"

using aelab::Shape;
using aelab::Tensor;
using testutil::random_tensor;

namespace {

float max_abs(const Tensor& t) {
    float m = 0;
    for (float v : t) m = std::max(m, std::fabs(v));
    return m;
}

double spread(const Tensor& t) {
    double s = 0, s2 = 0;
    for (float v : t) s += v, s2 += double(v) * v;
    const double mean = s / double(t.size());
    return std::sqrt(s2 / double(t.size()) - mean * mean);
}

}  // namespace

TEST_CASE("model: the conv autoencoder of benchmark case h") {
    aelab::Sequential m = aelab::conv_autoencoder(0);
    // Per layer: 16*9+16, 32*16*9+32, 1568*16+16, 16*1568+1568, 32*16*9+16, 16*9+1.
    CHECK(m.param_count() == 160 + 4640 + 25104 + 26656 + 4624 + 145);
    const auto& blocks = m.blocks();
    REQUIRE(blocks.size() == 12);
    CHECK(blocks[0].name == "0.weight");
    CHECK(blocks[0].shape == Shape{16, 1, 3, 3});
    CHECK(blocks[1].name == "0.bias");
    CHECK(blocks[1].offset == 144);
    CHECK(blocks[4].name == "5.weight");
    CHECK(blocks[4].shape == Shape{16, 1568});
    CHECK(blocks[8].name == "9.weight");
    CHECK(blocks[8].shape == Shape{32, 16, 3, 3});  // transposed conv: (C_in, C_out, kH, kW)
    // Blocks tile the buffer with no gaps.
    std::size_t at = 0;
    for (const auto& b : blocks) {
        CHECK(b.offset == at);
        at += b.size;
    }
    CHECK(at == m.param_count());

    CHECK(m.output_shape({32, 1, 28, 28}) == Shape{32, 1, 28, 28});
    const std::string s = m.summary();
    INFO(s);
    const std::string first_row = s.substr(s.find("\n0 "), s.find("\n1 ") - s.find("\n0 "));
    CHECK(first_row.find("Conv2d(1, 16, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))") != std::string::npos);
    CHECK(first_row.find("(N, 16, 14, 14)") != std::string::npos);
    CHECK(first_row.find(" 160") != std::string::npos);
    CHECK(s.find("Linear(1568, 16)") != std::string::npos);
    CHECK(s.find("(N, 1568)") != std::string::npos);
    CHECK(s.find("ConvTranspose2d(16, 1, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), "
                 "output_padding=(1, 1))") != std::string::npos);
    CHECK(s.find("Total params: 61329") != std::string::npos);

    aelab::Rng rng(1);
    const Tensor y = m.forward(random_tensor(rng, {2, 1, 28, 28}, 0.0f, 1.0f));
    CHECK(y.shape() == Shape{2, 1, 28, 28});
    for (float v : y) CHECK((v > 0.0f && v < 1.0f));
    // Errors name the layer by index.
    CHECK_THROWS_WITH_AS(m.forward(aelab::zeros({2, 1, 20, 20})),
                         "layer 5 Linear(1568, 16): input must have shape (N, 1568), got (2, 800)",
                         aelab::Error);
    CHECK_THROWS_WITH_AS(m.block("5.gamma"), doctest::Contains("no parameter named '5.gamma' (have: 0.weight, 0.bias"),
                         aelab::Error);
}

TEST_CASE("init: PyTorch's default bounds, and the same seed gives the same numbers") {
    aelab::Sequential a = aelab::conv_autoencoder(42), b = aelab::conv_autoencoder(42),
                      c = aelab::conv_autoencoder(43);
    CHECK(std::equal(a.params(), a.params() + a.param_count(), b.params()));
    CHECK(!std::equal(a.params(), a.params() + a.param_count(), c.params()));
    // kaiming_uniform(a = sqrt(5)) gives U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and so does the
    // bias. For the transposed conv torch's fan_in is C_out * kH * kW (16 * 9 for layer 9).
    const struct {
        const char* name;
        float fan_in;
    } bounds[] = {{"0.weight", 9},   {"0.bias", 9},   {"5.weight", 1568}, {"5.bias", 1568},
                  {"9.weight", 144}, {"9.bias", 144}, {"11.weight", 9}};
    for (const auto& bd : bounds) {
        INFO(bd.name);
        const Tensor t = a.param_tensor(bd.name);
        const float bound = 1.0f / std::sqrt(bd.fan_in);
        CHECK(max_abs(t) <= bound);
        if (t.size() >= 144) CHECK(max_abs(t) > 0.9f * bound);  // the range is used
    }
    // Fixed values: aelab::Rng is the same natively and in wasm, and so is this.
    const float* p = a.params();
    CHECK(p[0] == -0.0385701656f);
    CHECK(p[1] == -0.175841779f);
    CHECK(p[a.param_count() - 1] == 0.121806502f);
}

TEST_CASE("init: Kaiming and Xavier statistics") {
    aelab::Rng rng(9);
    std::vector<float> w(64 * 200 * 9);  // a conv weight (64, 200, 3, 3): fan_in 1800, fan_out 576
    const Shape shape{64, 200, 3, 3};
    auto as_tensor = [&] { return aelab::from_values({w.size()}, w); };
    CHECK(aelab::compute_fans(shape).fan_in == 1800);
    CHECK(aelab::compute_fans(shape).fan_out == 576);
    aelab::kaiming_uniform(w.data(), shape, rng, 0.0f, aelab::FanMode::fan_in, aelab::Nonlinearity::relu);
    CHECK(max_abs(as_tensor()) <= std::sqrt(6.0f / 1800));
    CHECK(spread(as_tensor()) == doctest::Approx(std::sqrt(2.0 / 1800)).epsilon(0.02));
    aelab::kaiming_normal(w.data(), shape, rng, 0.0f, aelab::FanMode::fan_out, aelab::Nonlinearity::relu);
    CHECK(spread(as_tensor()) == doctest::Approx(std::sqrt(2.0 / 576)).epsilon(0.02));
    aelab::xavier_uniform(w.data(), shape, rng);
    CHECK(max_abs(as_tensor()) <= std::sqrt(6.0f / (1800 + 576)));
    CHECK(spread(as_tensor()) == doctest::Approx(std::sqrt(2.0 / (1800 + 576))).epsilon(0.02));
    aelab::xavier_normal(w.data(), shape, rng, aelab::calculate_gain(aelab::Nonlinearity::tanh));
    CHECK(spread(as_tensor()) == doctest::Approx(5.0 / 3.0 * std::sqrt(2.0 / (1800 + 576))).epsilon(0.02));
    CHECK(aelab::calculate_gain(aelab::Nonlinearity::leaky_relu, std::sqrt(5.0f)) ==
          doctest::Approx(std::sqrt(1.0 / 3.0)));
    CHECK_THROWS_WITH_AS(aelab::compute_fans({5}), doctest::Contains("at least 2 dimensions, got shape (5,)"),
                         aelab::Error);

    // Under a scheme, weights follow it and biases are zero.
    aelab::Sequential m = aelab::conv_autoencoder(0);
    m.init(5, aelab::InitScheme::kaiming_normal);
    CHECK(max_abs(m.param_tensor("0.bias")) == 0.0f);
    CHECK(spread(m.param_tensor("5.weight")) == doctest::Approx(std::sqrt(2.0 / 1568)).epsilon(0.03));
}

TEST_CASE("model: linear and denoising autoencoders") {
    aelab::Sequential pca = aelab::linear_autoencoder({8});
    CHECK(pca.param_count() == 2 * 784 * 8);  // W1 and W2, no biases
    aelab::Sequential tied = aelab::linear_autoencoder({8, true});
    CHECK(tied.param_count() == 784 * 8);  // W2 = W1^T
    aelab::Sequential relu = aelab::linear_autoencoder({8, false, aelab::Activation::relu});
    CHECK(relu.layer(2).type() == "ReLU");
    aelab::Rng rng(3);
    const Tensor x = random_tensor(rng, {3, 1, 28, 28}, 0.0f, 1.0f);
    CHECK(tied.forward(x).shape() == Shape{3, 1, 28, 28});
    // The tied decoder is the transpose of the encoder: with W having orthonormal rows it
    // would be a projection; here just check x_hat = W^T W x by hand for one pixel.
    const Tensor W = tied.param_tensor("1.weight");  // (8, 784)
    const Tensor x_hat = tied.forward(x);
    double z[8] = {};
    for (int k = 0; k < 8; ++k)
        for (int d = 0; d < 784; ++d) z[k] += double(W(k, d)) * x.data()[d];
    double pixel = 0;
    for (int k = 0; k < 8; ++k) pixel += z[k] * W(k, 100);
    CHECK(x_hat.data()[100] == doctest::Approx(pixel).epsilon(1e-4));

    aelab::Sequential dae = aelab::denoising_autoencoder();
    CHECK(dae.output_shape({2, 1, 28, 28}) == Shape{2, 1, 28, 28});
    CHECK(dae.param_count() == (784 * 128 + 128) + (128 * 32 + 32) + (32 * 128 + 128) + (128 * 784 + 784));
}

TEST_CASE("model: the VAE's forward, step by step") {
    aelab::Vae vae({16, 2, 1.0f, {1, 28, 28}}, 1);
    aelab::Rng rng(2);
    const Tensor x = random_tensor(rng, {3, 1, 28, 28}, 0.0f, 1.0f);
    const aelab::VaeOutput& o = vae.forward(x, rng);
    CHECK(o.mu.shape() == Shape{3, 2});
    CHECK(o.logvar.shape() == Shape{3, 2});
    CHECK(o.recon.shape() == Shape{3, 1, 28, 28});
    for (std::size_t i = 0; i < 6; ++i)
        CHECK(o.z.data()[i] == doctest::Approx(o.mu.data()[i] + std::exp(0.5f * o.logvar.data()[i]) * o.eps.data()[i]));
    for (std::size_t i = 0; i < o.recon.size(); ++i)
        CHECK(o.recon.data()[i] == doctest::Approx(1.0 / (1.0 + std::exp(-double(o.logits.data()[i])))));
    const aelab::VaeLoss l = vae.loss(x);
    CHECK(l.total == doctest::Approx(l.recon + l.kl));
    CHECK(l.recon > 0.0f);
    CHECK(l.kl >= 0.0f);
    // mu alone is the encoder's first half; decode is sigmoid of the decoder.
    const Tensor mu = vae.encode_mean(x);
    CHECK(testutil::max_rel_error(mu, o.mu) < 1e-6);
    const Tensor images = vae.decode(o.z);
    CHECK(testutil::max_rel_error(images, o.recon) < 1e-6);
    CHECK(vae.summary().find("z = mu + exp(0.5 * logvar) * eps") != std::string::npos);
    CHECK_THROWS_WITH_AS(vae.forward(x, aelab::zeros({3, 3})), doctest::Contains("Vae: eps must have shape (3, 2)"),
                         aelab::Error);
    // A network whose halves do not fit a VAE.
    aelab::Sequential bad({4});
    bad.add<aelab::Linear>(4, 3);
    bad.add<aelab::Linear>(1, 4);
    CHECK_THROWS_WITH_AS(aelab::Vae(std::move(bad), 1, 1, 1.0f), doctest::Contains("encoder must output (N, 2)"),
                         aelab::Error);
}

TEST_CASE("backward_params: the parameter gradients of backward, without the input gradient") {
    // The conv autoencoder (Conv2d first) and the linear one from its Linear (after Flatten):
    // the first layer of the range skips d_x, the others run backward.
    for (int which = 0; which < 2; ++which) {
        aelab::LinearAutoencoderOptions lo;
        lo.latent = 5;
        lo.sample_shape = {12};
        aelab::Sequential m =
            which == 0 ? aelab::conv_autoencoder(3) : aelab::linear_autoencoder(lo, 3);
        const std::size_t first = which == 0 ? 0 : 1;
        aelab::Rng rng(21);
        const Tensor x = random_tensor(rng, which == 0 ? Shape{3, 1, 28, 28} : Shape{3, 12});
        const Tensor y = m.forward(x);
        const Tensor d_out = random_tensor(rng, Shape(y.shape().begin(), y.shape().end()));
        m.zero_grad();
        const Tensor d_x = m.backward(d_out, first, m.size());
        CHECK(max_abs(d_x) > 0.0f);
        const std::vector<float> full(m.grads(), m.grads() + m.param_count());
        m.zero_grad();
        m.backward_params(d_out, first, m.size());
        INFO("model ", which);
        for (std::size_t i = 0; i < full.size(); ++i) REQUIRE(m.grads()[i] == full[i]);
        // A wrong shape still names the layer.
        CHECK_THROWS_AS(m.backward_params(random_tensor(rng, {2, 2}), first, m.size()),
                        aelab::Error);
    }
}
