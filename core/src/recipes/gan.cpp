// The "Generative adversarial networks" recipe (see recipe_gan.hpp): the two losses, alternating
// updates of a generator and a discriminator, mode coverage, and the plane and image recipes.
// Legend: N batch, L latent size, H hidden width, D_x a sample's size (2 on the plane, 784 for
// images); logits (N, 1).
#include "aelab/recipe_gan.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include <xtensor/xmanipulation.hpp>
#include <xtensor/xview.hpp>

#include "aelab/activation.hpp"
#include "aelab/error.hpp"
#include "aelab/layers.hpp"
#include "aelab/loss.hpp"

namespace aelab {

const char* gan_loss_name(GanLoss k) {
    return k == GanLoss::saturating ? "saturating log(1 - D(G(z)))" : "non-saturating -log D(G(z))";
}

bool gan_target_has_modes(GanTarget t) { return t == GanTarget::ring || t == GanTarget::two_clusters; }

const char* gan_target_name(GanTarget t) {
    switch (t) {
        case GanTarget::ring: return "ring";
        case GanTarget::line: return "line";
        case GanTarget::two_clusters: return "two-clusters";
        case GanTarget::drawn: return "drawn";
    }
    return "?";
}

//-----------------------------------------------------------------------------
// The losses, on D's logits
//-----------------------------------------------------------------------------

namespace {

Tensor filled_like(const Tensor& t, float v) { return Tensor(Shape(t.shape().begin(), t.shape().end()), v); }

void check_logits(const char* op, const Tensor& logits) {
    if (logits.size() == 0) throw Error(std::string(op) + ": the logits are empty");
}

}  // namespace

float gan_generator_loss(const Tensor& fake_logits, GanLoss kind) {
    check_logits("gan_generator_loss", fake_logits);
    // log(1 - sigmoid(l)) = -BCE(l, 0);  -log sigmoid(l) = BCE(l, 1).
    if (kind == GanLoss::saturating) return -bce_with_logits_loss(fake_logits, filled_like(fake_logits, 0.0f));
    return bce_with_logits_loss(fake_logits, filled_like(fake_logits, 1.0f));
}

void gan_generator_loss_backward(Tensor& d_logits, const Tensor& fake_logits, GanLoss kind, float d_loss) {
    check_logits("gan_generator_loss_backward", fake_logits);
    if (kind == GanLoss::saturating)
        bce_with_logits_loss_backward(d_logits, fake_logits, filled_like(fake_logits, 0.0f), -d_loss);
    else
        bce_with_logits_loss_backward(d_logits, fake_logits, filled_like(fake_logits, 1.0f), d_loss);
}

float gan_discriminator_loss(const Tensor& real_logits, const Tensor& fake_logits) {
    check_logits("gan_discriminator_loss", real_logits);
    check_logits("gan_discriminator_loss", fake_logits);
    return bce_with_logits_loss(real_logits, filled_like(real_logits, 1.0f)) +
           bce_with_logits_loss(fake_logits, filled_like(fake_logits, 0.0f));
}

void gan_discriminator_loss_backward(Tensor& d_real_logits, Tensor& d_fake_logits, const Tensor& real_logits,
                                     const Tensor& fake_logits, float d_loss) {
    check_logits("gan_discriminator_loss_backward", real_logits);
    check_logits("gan_discriminator_loss_backward", fake_logits);
    bce_with_logits_loss_backward(d_real_logits, real_logits, filled_like(real_logits, 1.0f), d_loss);
    bce_with_logits_loss_backward(d_fake_logits, fake_logits, filled_like(fake_logits, 0.0f), d_loss);
}

//-----------------------------------------------------------------------------
// Gan
//-----------------------------------------------------------------------------

namespace {

float mean_probability(const Tensor& logits) {
    double s = 0;
    for (float l : logits) s += 1.0 / (1.0 + std::exp(-double(l)));
    return float(s / double(logits.size()));
}

}  // namespace

Gan::Gan(Sequential generator, Sequential discriminator, const AdamOptions& d_optim, const AdamOptions& g_optim,
         GanLoss loss)
    : g_(std::move(generator)), d_(std::move(discriminator)), d_optim_(d_optim), g_optim_(g_optim), loss_(loss) {
    if (g_.sample_shape().size() != 1)
        throw Error("Gan: the generator must take (N, latent) latents, its sample shape is " + shape_str(g_.sample_shape()));
    Shape in{1};
    in.insert(in.end(), g_.sample_shape().begin(), g_.sample_shape().end());
    Shape sample{1};
    sample.insert(sample.end(), d_.sample_shape().begin(), d_.sample_shape().end());
    const Shape out = g_.output_shape(in);
    if (out != sample)
        throw Error("Gan: the generator makes " + batch_shape_str(out) + " samples, the discriminator takes " +
                    batch_shape_str(sample));
    const Shape logit = d_.output_shape(sample);
    if (logit != Shape{1, 1})
        throw Error("Gan: the discriminator must give (N, 1) logits, it gives " + batch_shape_str(logit));
}

GanUpdate Gan::discriminator_gradients(const Tensor& real, const Tensor& z) {
    const Tensor fake = g_.forward(z);  // (N_f, sample...): G is fixed here, nothing flows back into it
    if (real.dimension() != fake.dimension() ||
        !std::equal(real.shape().begin() + 1, real.shape().end(), fake.shape().begin() + 1))
        throw Error("Gan: real samples " + shape_str(real.shape()) + " and fakes " + shape_str(fake.shape()) +
                    " differ in shape");
    const std::size_t nr = real.shape()[0], nf = fake.shape()[0];
    // One pass over [real; fake]: the same as two (no layer mixes examples).
    const Tensor both = xt::concatenate(xt::xtuple(real, fake), 0);
    d_.zero_grad();
    const Tensor logits = d_.forward(both);  // (N_r + N_f, 1)
    const Tensor lr = xt::view(logits, xt::range(0, nr)), lf = xt::view(logits, xt::range(nr, nr + nf));
    Tensor d_lr = zeros({nr, 1}), d_lf = zeros({nf, 1});
    GanUpdate u;
    u.loss = gan_discriminator_loss(lr, lf);
    gan_discriminator_loss_backward(d_lr, d_lf, lr, lf);
    d_.backward_params(xt::concatenate(xt::xtuple(d_lr, d_lf), 0));
    u.d_real = mean_probability(lr);
    u.d_fake = mean_probability(lf);
    return u;
}

GanUpdate Gan::generator_gradients(const Tensor& z, Tensor* d_fake) {
    g_.zero_grad();
    d_.zero_grad();
    const Tensor fake = g_.forward(z);
    const Tensor lf = d_.forward(fake);
    Tensor d_lf = zeros({lf.shape()[0], 1});
    GanUpdate u;
    u.loss = gan_generator_loss(lf, loss_);
    gan_generator_loss_backward(d_lf, lf, loss_);
    Tensor d_x = d_.backward(d_lf);  // through D, whose weights stay as they are
    g_.backward_params(d_x);
    u.d_fake = mean_probability(lf);
    if (d_fake) *d_fake = std::move(d_x);
    return u;
}

GanUpdate Gan::discriminator_step(const Tensor& real, const Tensor& z) {
    const GanUpdate u = discriminator_gradients(real, z);
    d_optim_.step(d_);
    return u;
}

GanUpdate Gan::generator_step(const Tensor& z) {
    const GanUpdate u = generator_gradients(z);
    g_optim_.step(g_);
    return u;
}

Tensor Gan::generate(const Tensor& z) { return g_.forward(z); }

Tensor Gan::probability(const Tensor& x) {
    Tensor p = sigmoid(d_.forward(x));
    p.reshape({p.size()});
    return p;
}

Tensor Gan::sample_gradients(const Tensor& x) {
    d_.zero_grad();
    const Tensor logits = d_.forward(x);
    Tensor d_l = zeros({logits.shape()[0], 1});
    // The batch loss is the mean of the per-sample losses: N times its gradient is each one's.
    gan_generator_loss_backward(d_l, logits, loss_, float(logits.shape()[0]));
    Tensor d_x = d_.backward(d_l);
    d_.zero_grad();
    return d_x;
}

void Gan::set_learning_rate(float d_lr, float g_lr) {
    if (!(d_lr > 0.0f) || !(g_lr > 0.0f)) throw Error("Gan: learning rates must be > 0");
    d_optim_.set_lr(d_lr);
    g_optim_.set_lr(g_lr);
}

void Gan::check_finite() const {
    for (const Sequential* m : {&g_, &d_}) {
        const float* p = m->params();
        for (std::size_t i = 0; i < m->param_count(); ++i)
            if (!std::isfinite(p[i]))
                throw Error(std::string("the ") + (m == &g_ ? "generator" : "discriminator") +
                            "'s weights are no longer finite");
    }
}

//-----------------------------------------------------------------------------
// Mode coverage
//-----------------------------------------------------------------------------

GanModeStats gan_mode_stats(const Tensor& samples, const std::vector<float>& centres, float stddev,
                            float covered_fraction) {
    if (samples.dimension() != 2 || samples.shape()[1] != 2)
        throw Error("gan_mode_stats: expected (N, 2) samples, got " + shape_str(samples.shape()));
    if (centres.empty() || centres.size() % 2) throw Error("gan_mode_stats: expected x,y pairs of mode centres");
    if (!(stddev > 0.0f)) throw Error("gan_mode_stats: the modes' standard deviation must be > 0");
    GanModeStats s;
    s.modes = int(centres.size() / 2);
    s.samples = samples.shape()[0];
    s.high_quality_per_mode.assign(std::size_t(s.modes), 0);
    const float radius = 3.0f * stddev;
    std::size_t hq = 0;
    for (std::size_t i = 0; i < s.samples; ++i) {
        const float x = samples(i, 0), y = samples(i, 1);
        int best = -1;
        float best_d2 = std::numeric_limits<float>::infinity();
        for (int m = 0; m < s.modes; ++m) {
            const float dx = x - centres[2 * m], dy = y - centres[2 * m + 1], d2 = dx * dx + dy * dy;
            if (d2 < best_d2) best_d2 = d2, best = m;
        }
        if (best >= 0 && best_d2 <= radius * radius) {
            ++hq;
            ++s.high_quality_per_mode[std::size_t(best)];
        }
    }
    s.high_quality_fraction = s.samples ? double(hq) / double(s.samples) : 0.0;
    for (int c : s.high_quality_per_mode)
        if (s.samples && double(c) >= double(covered_fraction) * double(s.samples)) ++s.modes_covered;
    return s;
}

//-----------------------------------------------------------------------------
// The plane recipe
//-----------------------------------------------------------------------------

Sequential plane_gan_generator(int latent, int hidden, std::uint64_t seed) {
    Sequential g({std::size_t(latent)});
    g.add<Linear>(latent, hidden);
    g.add<LeakyReLU>(0.2f);
    g.add<Linear>(hidden, hidden);
    g.add<LeakyReLU>(0.2f);
    g.add<Linear>(hidden, 2);
    g.init(seed);
    return g;
}

Sequential plane_gan_discriminator(int hidden, std::uint64_t seed) {
    Sequential d({2});
    d.add<Linear>(2, hidden);
    d.add<LeakyReLU>(0.2f);
    d.add<Linear>(hidden, hidden);
    d.add<LeakyReLU>(0.2f);
    d.add<Linear>(hidden, 1);
    d.init(seed);
    return d;
}

namespace {

AdamOptions gan_adam(float lr) {
    if (!(lr > 0.0f) || !std::isfinite(lr)) throw Error("GAN: the learning rate must be > 0");
    AdamOptions a;
    a.lr = lr;
    a.beta1 = 0.5f;
    return a;
}

void check_period(const char* who, int d_steps, int g_steps) {
    if (d_steps < 0 || d_steps > 100 || g_steps < 0 || g_steps > 100 || d_steps + g_steps < 1)
        throw Error(std::string(who) + ": steps per period must be in [0, 100] for each network, not both 0; got " +
                    std::to_string(d_steps) + " and " + std::to_string(g_steps));
}

const PlaneGanOptions& checked(const PlaneGanOptions& o) {
    auto in = [](int v, int lo, int hi) { return v >= lo && v <= hi; };
    if (!in(o.latent, 1, 64)) throw Error("PlaneGan: latent size must be in [1, 64], got " + std::to_string(o.latent));
    if (!in(o.hidden, 1, 1024)) throw Error("PlaneGan: hidden width must be in [1, 1024], got " + std::to_string(o.hidden));
    if (!in(o.batch_size, 1, 4096))
        throw Error("PlaneGan: batch size must be in [1, 4096], got " + std::to_string(o.batch_size));
    if (!(o.noise >= 0.0f) || !std::isfinite(o.noise)) throw Error("PlaneGan: the noise must be finite and >= 0");
    if (gan_target_has_modes(o.target) && !(o.noise > 0.0f))
        throw Error("PlaneGan: the modes' standard deviation must be > 0");
    if (o.target == GanTarget::drawn && o.drawn.pieces.empty()) throw Error("PlaneGan: nothing drawn yet");
    check_period("PlaneGan", o.d_steps, o.g_steps);
    gan_adam(o.learning_rate);
    return o;
}

}  // namespace

PlaneGan::PlaneGan(const PlaneGanOptions& o)
    : o_(checked(o)),
      gan_(plane_gan_generator(o.latent, o.hidden, o.seed), plane_gan_discriminator(o.hidden, o.seed + 1),
           gan_adam(o.learning_rate), gan_adam(o.learning_rate), o.loss),
      z_rng_(o.seed + 2),
      real_rng_(o.seed + 3) {}

namespace {

Tensor sample_target(const PlaneGanOptions& o, std::size_t n, Rng& rng) {
    switch (o.target) {
        case GanTarget::ring: return toy2d::sample(toy2d::Preset::ring, n, o.noise, rng);
        case GanTarget::line: return toy2d::sample(toy2d::Preset::line, n, o.noise, rng);
        case GanTarget::two_clusters: return toy2d::sample(toy2d::Preset::two_clusters, n, o.noise, rng);
        case GanTarget::drawn: return toy2d::sample_curve(o.drawn, n, o.noise, rng);
    }
    throw Error("PlaneGan: unknown target");
}

Tensor normals(std::size_t n, std::size_t latent, Rng& rng) {
    Tensor z = zeros({n, latent});  // (N, L)
    for (float& v : z) v = rng.normal();
    return z;
}

}  // namespace

Tensor PlaneGan::real_batch() { return sample_target(o_, std::size_t(o_.batch_size), real_rng_); }
Tensor PlaneGan::latent_batch() { return normals(std::size_t(o_.batch_size), std::size_t(o_.latent), z_rng_); }

GanUpdate PlaneGan::discriminator_step() {
    const Tensor real = real_batch();
    last_d_ = gan_.discriminator_step(real, latent_batch());
    ++d_updates_;
    gan_.check_finite();
    return last_d_;
}

GanUpdate PlaneGan::generator_step() {
    last_g_ = gan_.generator_step(latent_batch());
    ++g_updates_;
    gan_.check_finite();
    return last_g_;
}

void PlaneGan::train_period() {
    for (int k = 0; k < o_.d_steps; ++k) discriminator_step();
    for (int k = 0; k < o_.g_steps; ++k) generator_step();
    ++periods_;
}

Tensor PlaneGan::real_samples(std::size_t n, std::uint64_t seed) const {
    Rng rng(seed);
    return sample_target(o_, n, rng);
}

Tensor PlaneGan::fake_samples(std::size_t n, std::uint64_t seed, Tensor* z_out) {
    Rng rng(seed);
    const Tensor z = normals(n, std::size_t(o_.latent), rng);
    if (z_out) *z_out = z;
    return gan_.generate(z);
}

std::vector<float> PlaneGan::mode_centres() const {
    if (o_.target == GanTarget::ring) return toy2d::mode_centres(toy2d::Preset::ring);
    if (o_.target == GanTarget::two_clusters) return toy2d::mode_centres(toy2d::Preset::two_clusters);
    return {};
}

GanModeStats PlaneGan::evaluate(std::size_t count) {
    const Tensor fake = fake_samples(count, kGanEvalSeed);
    const std::vector<float> centres = mode_centres();
    if (centres.empty()) {
        GanModeStats s;
        s.samples = count;
        return s;
    }
    return gan_mode_stats(fake, centres, o_.noise);
}

void PlaneGan::set_loss(GanLoss k) {
    o_.loss = k;
    gan_.set_loss(k);
}

void PlaneGan::set_period(int d_steps, int g_steps) {
    check_period("PlaneGan", d_steps, g_steps);
    o_.d_steps = d_steps;
    o_.g_steps = g_steps;
}

void PlaneGan::set_view_state(int periods, int d_updates, int g_updates, const GanUpdate& last_d, const GanUpdate& last_g) {
    periods_ = periods;
    d_updates_ = d_updates;
    g_updates_ = g_updates;
    last_d_ = last_d;
    last_g_ = last_g;
}

//-----------------------------------------------------------------------------
// The image recipe
//-----------------------------------------------------------------------------

Dataset class_subset(const Dataset& data, int class_index) {
    if (class_index < -1 || class_index >= int(data.class_names.size()))
        throw Error("class_subset: class " + std::to_string(class_index) + " out of range [-1, " +
                    std::to_string(data.class_names.size()) + ")");
    Dataset s;
    s.rows = data.rows;
    s.cols = data.cols;
    s.class_names = data.class_names;
    s.test_labels = data.test_labels;
    s.test_pixels = data.test_pixels;
    const std::size_t D = std::size_t(data.rows) * std::size_t(data.cols);
    for (std::size_t i = 0; i < data.size(Split::train); ++i)
        if (class_index < 0 || data.train_labels[i] == class_index) {
            s.train_labels.push_back(data.train_labels[i]);
            s.train_pixels.insert(s.train_pixels.end(), data.pixels(Split::train, i), data.pixels(Split::train, i) + D);
        }
    return s;
}

namespace {

const ImageGanOptions& checked(const ImageGanOptions& o, const Dataset& data) {
    if (data.rows != 28 || data.cols != 28)
        throw Error("ImageGan: expected 28 x 28 images, the dataset has " + std::to_string(data.rows) + " x " +
                    std::to_string(data.cols));
    if (data.size(Split::train) == 0) throw Error("ImageGan: no training images");
    if (o.latent < 1 || o.latent > 256) throw Error("ImageGan: latent size must be in [1, 256]");
    if (o.hidden < 1 || o.hidden > 2048) throw Error("ImageGan: hidden width must be in [1, 2048]");
    if (o.batch_size < 1 || o.batch_size > 1024) throw Error("ImageGan: batch size must be in [1, 1024]");
    check_period("ImageGan", o.d_steps, o.g_steps);
    gan_adam(o.learning_rate);
    return o;
}

Sequential image_generator(const ImageGanOptions& o) {
    Sequential g({std::size_t(o.latent)});
    g.add<Linear>(o.latent, o.hidden);
    g.add<LeakyReLU>(0.2f);
    g.add<Linear>(o.hidden, 784);
    g.add<Sigmoid>();
    g.add<Unflatten>(Shape{1, 28, 28});
    g.init(o.seed);
    return g;
}

Sequential image_discriminator(const ImageGanOptions& o) {
    Sequential d({1, 28, 28});
    d.add<Flatten>();
    d.add<Linear>(784, o.hidden);
    d.add<LeakyReLU>(0.2f);
    d.add<Linear>(o.hidden, 1);
    d.init(o.seed + 1);
    return d;
}

}  // namespace

ImageGan::ImageGan(const Dataset& train, const ImageGanOptions& o)
    : data_(train),
      o_(checked(o, train)),
      gan_(image_generator(o), image_discriminator(o), gan_adam(o.learning_rate), gan_adam(o.learning_rate), o.loss),
      z_rng_(o.seed + 2),
      real_rng_(o.seed + 3) {}

void ImageGan::train_period() {
    const std::size_t B = std::size_t(o_.batch_size), n = data_.size(Split::train);
    std::vector<std::size_t> idx(B);
    for (int k = 0; k < o_.d_steps; ++k) {
        for (auto& i : idx) i = real_rng_.below(std::uint32_t(n));
        last_d_ = gan_.discriminator_step(data_.gather(Split::train, idx), normals(B, std::size_t(o_.latent), z_rng_));
    }
    for (int k = 0; k < o_.g_steps; ++k) last_g_ = gan_.generator_step(normals(B, std::size_t(o_.latent), z_rng_));
    gan_.check_finite();
    ++periods_;
}

}  // namespace aelab
