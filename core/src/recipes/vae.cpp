// The "VAE sampling" recipe (see recipe_vae.hpp): the lesson's defaults, training, the test
// ELBO, encoding and decoding, and latent grids and prior samples.
// Legend: N batch, L latent size (2), H x W image (28 x 28), n grid side.
#include "aelab/recipe_vae.hpp"

#include <algorithm>
#include <string>

#include "aelab/rng.hpp"

namespace aelab {

VaeOptions vae_model_options(const VaeRecipeOptions& o) {
    VaeOptions m;
    m.hidden = o.hidden;
    m.latent = o.latent;
    m.beta = o.beta;
    m.sample_shape = {1, 28, 28};
    return m;
}

namespace {

void check_options(const VaeRecipeOptions& o, const Dataset& data) {
    if (data.rows != 28 || data.cols != 28)
        throw Error("VaeRecipe: expected 28 x 28 images, the dataset has " + std::to_string(data.rows) + " x " +
                    std::to_string(data.cols));
    if (o.batch_size < 1 || std::size_t(o.batch_size) > data.size(Split::train))
        throw Error("VaeRecipe: batch size must be in [1, " + std::to_string(data.size(Split::train)) + "], got " +
                    std::to_string(o.batch_size));
    if (!(o.learning_rate > 0.0f)) throw Error("VaeRecipe: the learning rate must be > 0");
    if (!(o.beta >= 0.0f)) throw Error("VaeRecipe: beta must be >= 0");
}

VaeRecipeOptions with_model(VaeRecipeOptions o, const Vae& v) {
    if (v.net().sample_shape() != Shape{1, 28, 28})
        throw Error("VaeRecipe: the model must take (1, 28, 28) images, it takes " +
                    shape_str(v.net().sample_shape()));
    o.latent = v.latent();
    o.beta = v.beta();
    if (v.net().size() >= 2) {
        const Shape h = v.net().output_shape({1, 1, 28, 28}, 0, 2);  // after Flatten, Linear: (1, hidden)
        if (h.size() == 2) o.hidden = int(h[1]);
    }
    return o;
}

}  // namespace

VaeRecipe::VaeRecipe(const Dataset& data, const VaeRecipeOptions& o)
    : VaeRecipe(data, (check_options(o, data), Vae(vae_model_options(o), o.seed)), o) {}

VaeRecipe::VaeRecipe(const Dataset& data, Vae trained, const VaeRecipeOptions& o)
    : data_(data),
      o_(with_model(o, trained)),
      vae_(std::make_unique<Vae>(std::move(trained))),
      adam_(AdamOptions{o.learning_rate}),
      batches_(data.size(Split::train), std::size_t(std::max(1, o.batch_size)), o.seed + 1),
      trainer_(*vae_, adam_, o.seed + 2) {
    check_options(o_, data);
}

float VaeRecipe::train_step() {
    last_ = trainer_.train_step(data_.gather(Split::train, batches_.next()));
    ++steps_;
    return last_.total;
}

void VaeRecipe::set_beta(float beta) {
    if (!(beta >= 0.0f)) throw Error("VaeRecipe: beta must be >= 0");
    o_.beta = beta;
    vae_->set_beta(beta);
}

VaeElbo VaeRecipe::evaluate(std::size_t count) {
    const std::size_t total = data_.size(Split::test);
    if (count == 0 || count > total) count = total;
    constexpr std::size_t kChunk = 250;
    Rng rng(kVaeEvalSeed);
    VaeElbo r;
    for (std::size_t first = 0; first < count; first += kChunk) {
        const std::size_t n = std::min(kChunk, count - first);
        const Tensor x = data_.batch(Split::test, first, n);
        vae_->forward(x, rng);
        const VaeLoss l = vae_->loss(x);  // batch means; its total (with beta) is not the ELBO's
        r.recon += double(l.recon) * double(n);
        r.kl += double(l.kl) * double(n);
    }
    r.images = count;
    r.recon /= double(count);
    r.kl /= double(count);
    r.elbo = -(r.recon + r.kl);
    return r;
}

Tensor VaeRecipe::encode_means(Split s, std::size_t first, std::size_t count) {
    if (first + count > data_.size(s))
        throw Error("VaeRecipe: images [" + std::to_string(first) + ", " + std::to_string(first + count) +
                    ") out of range (" + std::to_string(data_.size(s)) + " images)");
    return vae_->encode_mean(data_.batch(s, first, count));
}

Tensor VaeRecipe::decode(const Tensor& z) { return vae_->decode(z); }

VaeOutput VaeRecipe::reparameterize(std::size_t index, const Tensor& eps) {
    if (index >= data_.size(Split::test))
        throw Error("VaeRecipe: test image " + std::to_string(index) + " out of range (" +
                    std::to_string(data_.size(Split::test)) + " images)");
    return vae_->forward(data_.batch(Split::test, index, 1), eps);
}

VaeOutput VaeRecipe::reparameterize_image(const Tensor& x, const Tensor& eps) {
    check_shape("VaeRecipe::reparameterize_image", "x", x, {1, 1, 28, 28});
    return vae_->forward(x, eps);
}

Tensor VaeRecipe::interpolate(std::size_t a, std::size_t b, int count, Tensor* z_out) {
    if (count < 2) throw Error("VaeRecipe::interpolate: count must be >= 2, got " + std::to_string(count));
    const Tensor ma = encode_means(Split::test, a, 1), mb = encode_means(Split::test, b, 1);  // (1, L)
    const std::size_t L = ma.size();
    Tensor z = zeros({std::size_t(count), L});  // (count, L)
    for (int k = 0; k < count; ++k) {
        const float t = float(k) / float(count - 1);
        for (std::size_t j = 0; j < L; ++j) z(k, j) = (1.0f - t) * ma(0, j) + t * mb(0, j);
    }
    // The endpoints are exactly the means (no rounding through (1 - t) and t).
    for (std::size_t j = 0; j < L; ++j) {
        z(0, j) = ma(0, j);
        z(count - 1, j) = mb(0, j);
    }
    if (z_out) *z_out = z;
    return decode(z);
}

Tensor latent_grid(int n, float extent) {
    if (n < 2) throw Error("latent_grid: n must be >= 2, got " + std::to_string(n));
    Tensor z = zeros({std::size_t(n) * std::size_t(n), 2});  // (n*n, 2)
    for (int r = 0; r < n; ++r)
        for (int c = 0; c < n; ++c) {
            z(r * n + c, 0) = -extent + 2.0f * extent * float(c) / float(n - 1);
            z(r * n + c, 1) = extent - 2.0f * extent * float(r) / float(n - 1);
        }
    return z;
}

Tensor sample_prior(int count, int latent, std::uint64_t seed) {
    if (count < 1 || latent < 1) throw Error("sample_prior: count and latent must be >= 1");
    Rng rng(seed);
    Tensor z = zeros({std::size_t(count), std::size_t(latent)});  // (count, L)
    for (auto& v : z) v = rng.normal();
    return z;
}

}  // namespace aelab
