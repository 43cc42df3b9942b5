// The "PCA as a linear autoencoder" recipe (see recipe_linear_ae.hpp).
// Symbols: N training images, M test images, D = rows * cols pixels, k latent size.
#include "aelab/recipe_linear_ae.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <utility>

#include "aelab/loss.hpp"

namespace aelab {
namespace {

// images (n, 1, rows, cols) minus the (D) mean, same shape.
Tensor centred(const Tensor& images, const Tensor& mean) {
    Tensor c = images;
    const std::size_t D = mean.size(), n = c.size() / D;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < D; ++j) c.data()[i * D + j] -= mean.data()[j];
    return c;
}

// The first k rows of M (K, D).
Tensor first_rows(const Tensor& M, std::size_t k) {
    const std::size_t D = M.shape()[1];
    Tensor r = zeros({k, D});
    std::memcpy(r.data(), M.data(), k * D * sizeof(float));
    return r;
}

Tensor transposed(const Tensor& M) {  // (a, b) -> (b, a)
    const std::size_t a = M.shape()[0], b = M.shape()[1];
    Tensor t = zeros({b, a});
    for (std::size_t i = 0; i < a; ++i)
        for (std::size_t j = 0; j < b; ++j) t.data()[j * a + i] = M.data()[i * b + j];
    return t;
}

// A (k, D) times B (m, D)^T -> (k, m), in double.
Tensor row_products(const Tensor& A, const Tensor& B) {
    const std::size_t k = A.shape()[0], m = B.shape()[0], D = A.shape()[1];
    Tensor P = zeros({k, m});
    for (std::size_t i = 0; i < k; ++i)
        for (std::size_t j = 0; j < m; ++j) {
            double s = 0;
            for (std::size_t d = 0; d < D; ++d) s += double(A.data()[i * D + d]) * B.data()[j * D + d];
            P.data()[i * m + j] = float(s);
        }
    return P;
}

bool all_finite(const Tensor& t) {
    return std::all_of(t.begin(), t.end(), [](float v) { return std::isfinite(v); });
}

std::vector<double> angles_or_nan(const Tensor& directions, const Tensor& reference) {
    const std::size_t k = directions.shape()[0];
    if (!all_finite(directions)) return std::vector<double>(k, std::numeric_limits<double>::quiet_NaN());
    try {
        return principal_angles_deg(directions, reference);
    } catch (const Error&) {
        // Dependent directions (a column collapsed to zero): the span has fewer than k
        // dimensions, so it misses at least one PCA direction entirely.
        return std::vector<double>(k, 90.0);
    }
}

// The data, once the configuration is checked against it.
std::shared_ptr<const LinearAeData> checked(std::shared_ptr<const LinearAeData> data, const LinearAeConfig& c) {
    const auto fail = [](const std::string& m) { throw Error("LinearAeRecipe: " + m); };
    if (!data) fail("no data");
    const LinearAeData& d = *data;
    const int components = int(d.pca.components.shape()[0]);
    if (c.latent < LinearAeConfig::kMinLatent || c.latent > LinearAeConfig::kMaxLatent || c.latent > components)
        fail("latent size must be in [" + std::to_string(LinearAeConfig::kMinLatent) + ", " +
             std::to_string(std::min(LinearAeConfig::kMaxLatent, components)) + "], got " + std::to_string(c.latent));
    if (c.batch_size < 1 || std::size_t(c.batch_size) > d.train_centered.shape()[0])
        fail("batch size must be in [1, " + std::to_string(d.train_centered.shape()[0]) + "], got " +
             std::to_string(c.batch_size));
    if (!(c.learning_rate > 0) || !std::isfinite(c.learning_rate))
        fail("learning rate must be positive, got " + std::to_string(c.learning_rate));
    if (c.steps < 1) fail("steps must be >= 1, got " + std::to_string(c.steps));
    if (c.probe_every < 1) fail("probe_every must be >= 1, got " + std::to_string(c.probe_every));
    if (!(c.decay_start >= 0 && c.decay_start <= 1) || !(c.final_lr_fraction > 0 && c.final_lr_fraction <= 1))
        fail("decay_start must be in [0, 1] and final_lr_fraction in (0, 1]");
    return data;
}

// PCA codes (M, k) of the test images with the first k components.
Tensor pca_codes(const LinearAeData& data, std::size_t k) {
    const std::size_t M = data.test_images.shape()[0], D = data.pca.mean.size();
    Tensor flat = data.test_images;
    flat.reshape({M, D});
    const Tensor codes = pca_encode(data.pca, flat);  // (M, K)
    const std::size_t K = codes.shape()[1];
    k = std::min(k, K);
    Tensor z = zeros({M, k});
    for (std::size_t i = 0; i < M; ++i)
        for (std::size_t j = 0; j < k; ++j) z.data()[i * k + j] = codes.data()[i * K + j];
    return z;
}

}  // namespace

std::shared_ptr<const LinearAeData> prepare_linear_ae_data(const Dataset& d, std::size_t components) {
    const std::size_t N = d.size(Split::train), M = d.size(Split::test), D = std::size_t(d.rows) * d.cols;
    if (N < 2 || M < 1) throw Error("prepare_linear_ae_data: the dataset needs >= 2 training and >= 1 test images");
    auto data = std::make_shared<LinearAeData>();
    Tensor train = d.batch(Split::train, 0, N);  // (N, 1, rows, cols)
    Tensor flat = train;
    flat.reshape({N, D});
    data->pca = pca(flat, std::min(components, D));
    data->train_centered = centred(train, data->pca.mean);
    data->test_images = d.batch(Split::test, 0, M);
    data->test_centered = centred(data->test_images, data->pca.mean);
    data->test_labels = d.test_labels;
    return data;
}

float pca_test_mse(const LinearAeData& data, int k) {
    const std::size_t M = data.test_images.shape()[0], D = data.pca.mean.size();
    Tensor flat = data.test_images;
    flat.reshape({M, D});
    return mse_loss(pca_decode(data.pca, pca_codes(data, std::size_t(std::max(k, 0)))), flat);
}

LinearAeRecipe::LinearAeRecipe(std::shared_ptr<const LinearAeData> data, const LinearAeConfig& config)
    : data_(checked(std::move(data), config)),
      config_(config),
      model_(linear_autoencoder({config.latent, config.tied, config.activation,
                                 Shape(data_->train_centered.shape().begin() + 1, data_->train_centered.shape().end())},
                                config.seed)),
      adam_(AdamOptions{config.learning_rate}),
      trainer_(model_, adam_),
      sampler_(data_->train_centered.shape()[0], std::size_t(config.batch_size), config.seed) {
    // Flatten, Linear (encoder), [activation], Linear or TiedLinear (decoder), Unflatten.
    encoder_layer_ = 1;
    code_end_ = config.activation == Activation::none ? 2 : 3;
    decoder_layer_ = code_end_;
    Shape batch_shape(data_->train_centered.shape().begin(), data_->train_centered.shape().end());
    batch_shape[0] = std::size_t(config.batch_size);
    batch_ = zeros(batch_shape);
    pca_mse_ = aelab::pca_test_mse(*data_, config.latent);
    probes_.push_back(probe());
}

float LinearAeRecipe::current_learning_rate() const {
    const double t = double(step_) / config_.steps;
    if (t <= config_.decay_start) return config_.learning_rate;
    const double into = (t - config_.decay_start) / std::max(1e-12, 1.0 - config_.decay_start);
    const double f = 1.0 - (1.0 - config_.final_lr_fraction) * std::min(1.0, into);
    return float(config_.learning_rate * f);
}

float LinearAeRecipe::train_step() {
    const std::vector<std::size_t> idx = sampler_.next();
    const std::size_t D = data_->pca.mean.size();
    for (std::size_t i = 0; i < idx.size(); ++i)
        std::memcpy(batch_.data() + i * D, data_->train_centered.data() + idx[i] * D, D * sizeof(float));
    adam_.set_lr(current_learning_rate());
    const float loss = trainer_.train_step(batch_);
    ++step_;
    if (step_ % config_.probe_every == 0) probes_.push_back(probe());
    return loss;
}

LinearAeProbe LinearAeRecipe::probe() {
    LinearAeProbe p;
    p.step = step_;
    const std::vector<double> a = decoder_angles();
    p.max_angle_deg = a.back();
    double sum = 0;
    for (double v : a) sum += v;
    p.mean_angle_deg = sum / double(a.size());
    p.test_mse = test_mse();
    return p;
}

std::vector<double> LinearAeRecipe::decoder_angles() const { return angles_or_nan(decoder_directions(), pca_directions()); }
std::vector<double> LinearAeRecipe::encoder_angles() const { return angles_or_nan(encoder_directions(), pca_directions()); }

float LinearAeRecipe::test_mse() { return trainer_.evaluate(data_->test_centered); }

Tensor LinearAeRecipe::encoder_weight() const { return model_.param_tensor(std::to_string(encoder_layer_) + ".weight"); }

Tensor LinearAeRecipe::decoder_weight() const {
    if (config_.tied) return transposed(encoder_weight());
    return model_.param_tensor(std::to_string(decoder_layer_) + ".weight");  // (D, k)
}

Tensor LinearAeRecipe::encoder_directions() const { return encoder_weight(); }
Tensor LinearAeRecipe::decoder_directions() const { return transposed(decoder_weight()); }
Tensor LinearAeRecipe::pca_directions() const { return first_rows(data_->pca.components, std::size_t(config_.latent)); }

Tensor LinearAeRecipe::decoder_gram() const {
    const Tensor W = decoder_directions();
    return row_products(W, W);
}

Tensor LinearAeRecipe::pca_coordinates() const { return row_products(pca_directions(), decoder_directions()); }

Tensor LinearAeRecipe::test_codes() { return model_.forward(data_->test_centered, 0, code_end_); }  // (M, k)

Tensor LinearAeRecipe::pca_test_codes() const { return pca_codes(*data_, std::size_t(config_.latent)); }

Tensor LinearAeRecipe::reconstruct(const Tensor& images) {
    Tensor out = model_.forward(centred(images, data_->pca.mean));
    const std::size_t D = data_->pca.mean.size(), n = out.size() / D;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < D; ++j) out.data()[i * D + j] += data_->pca.mean.data()[j];
    return out;
}

}  // namespace aelab
