// aelab core: the "Generative adversarial networks" lesson's recipe, shared by the lesson page and
// `aelab-cli train gan`, so both give the same numbers for the same settings.
//
// A generator G maps a latent z ~ N(0, I) to a sample (like a decoder); a discriminator D maps a
// sample to one logit l, and D(x) = sigmoid(l) is its probability that x is real. They are
// trained in alternating periods: k_d discriminator updates (G fixed), then k_g generator
// updates (D fixed). With l_r = D's logits on real samples and l_f on fakes G(z):
//
//   discriminator  L_D = BCE(l_r, 1) + BCE(l_f, 0) = -mean log D(x) - mean log(1 - D(G(z)))
//   generator      saturating      L_G =  mean log(1 - D(G(z))) = -BCE(l_f, 0)   (the minimax game)
//                  non-saturating  L_G = -mean log D(G(z))      =  BCE(l_f, 1)   (Goodfellow 2014's fix)
//
// Both networks minimise their loss, each with its own Adam (beta1 = 0.5, as the DCGAN paper);
// BCE is the core's bce_with_logits_loss (mean over the batch). Why the fix: dL_G / dl_f is
// -sigmoid(l_f) / N for the saturating loss, which vanishes when D confidently rejects the fakes
// (l_f very negative, early in training), and (sigmoid(l_f) - 1) / N, near -1 / N there, for
// the non-saturating one. Both push D(G(z)) up; only the second pushes hard when it is low.
//
// Two recipes on top of the same Gan:
//   PlaneGan   2-D samples (toy2d targets: the ring of eight Gaussians, a line, two clusters, or
//              a drawn curve): G = Linear(latent, H) LeakyReLU Linear(H, H) LeakyReLU Linear(H, 2),
//              D = Linear(2, H) LeakyReLU Linear(H, H) LeakyReLU Linear(H, 1), slope 0.2;
//              fresh real samples every step (the target is known exactly).
//   ImageGan   Fashion-MNIST (one class or all): G = Linear(latent, H) LeakyReLU Linear(H, 784)
//              Sigmoid Unflatten, D = Flatten Linear(784, H) LeakyReLU Linear(H, 1).
//
// Mode coverage on a mode target (the ring): every generated sample goes to its nearest mode
// centre; it is high quality when it lies within 3 standard deviations (3 * noise) of it; a mode
// is covered when at least kGanCoveredFraction (2%) of ALL the generated samples are high-quality
// samples of that mode (a fair share on the ring is 12.5%). Evaluation draws its own fixed z
// (kGanEvalSeed), so it never changes training and gives the same figure twice.
//
// Determinism: G is initialised from Rng(seed), D from Rng(seed + 1) (PyTorch's default init),
// latents come from Rng(seed + 2) and real samples from Rng(seed + 3).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "aelab/dataset.hpp"
#include "aelab/model.hpp"
#include "aelab/optim.hpp"
#include "aelab/rng.hpp"
#include "aelab/tensor.hpp"
#include "aelab/toy2d.hpp"

namespace aelab {

enum class GanLoss { saturating, non_saturating };
const char* gan_loss_name(GanLoss k);  // "saturating log(1 - D(G(z)))", "non-saturating -log D(G(z))"

// --- The generator's loss on D's logits at the fakes, l (N, 1) -------------------------------------
// saturating: mean over N of log(1 - sigmoid(l)); non-saturating: mean of -log sigmoid(l).
// Backward ADDS d_loss * dL/dl into d_logits (shaped like logits).
float gan_generator_loss(const Tensor& fake_logits, GanLoss kind);
void gan_generator_loss_backward(Tensor& d_logits, const Tensor& fake_logits, GanLoss kind, float d_loss = 1.0f);
// The discriminator's loss BCE(l_r, 1) + BCE(l_f, 0), and its backward into both logit gradients.
float gan_discriminator_loss(const Tensor& real_logits, const Tensor& fake_logits);
void gan_discriminator_loss_backward(Tensor& d_real_logits, Tensor& d_fake_logits, const Tensor& real_logits,
                                     const Tensor& fake_logits, float d_loss = 1.0f);

// --- Two networks and their alternating updates ---------------------------------------------------------
struct GanUpdate {
    float loss = 0;
    float d_real = 0, d_fake = 0;  // mean D(x) on the real and the fake samples of that update (d_real 0 for G)
};

class Gan {
public:
    // generator: (N, latent) -> (N, sample...); discriminator: (N, sample...) -> (N, 1) logits.
    // Throws aelab::Error when the two do not chain.
    Gan(Sequential generator, Sequential discriminator, const AdamOptions& d_optim, const AdamOptions& g_optim,
        GanLoss loss = GanLoss::non_saturating);

    // The gradients only (into the networks' gradient buffers, which are zeroed first), and the loss:
    // of L_D for real (N_r, sample...) and fakes G(z); of L_G for G(z) through D (D's gradient
    // buffer is left holding L_G's gradient for D, which no update uses). *d_fake, when given,
    // receives dL_G / dG(z) (N, sample...).
    GanUpdate discriminator_gradients(const Tensor& real, const Tensor& z);
    GanUpdate generator_gradients(const Tensor& z, Tensor* d_fake = nullptr);
    // One Adam update of D alone (G fixed) / of G alone (D fixed).
    GanUpdate discriminator_step(const Tensor& real, const Tensor& z);
    GanUpdate generator_step(const Tensor& z);

    Tensor generate(const Tensor& z);            // (N, sample...)
    Tensor probability(const Tensor& x);         // (N): D(x) = sigmoid(logit)
    // dl / dx per sample for the generator's loss of ONE sample, l(x) = log(1 - D(x)) or
    // -log D(x): (N, sample...). A generator step moves each fake along -dl/dx (times dG/dtheta).
    Tensor sample_gradients(const Tensor& x);

    Sequential& generator() { return g_; }
    Sequential& discriminator() { return d_; }
    const Sequential& generator() const { return g_; }
    const Sequential& discriminator() const { return d_; }
    std::size_t latent() const { return g_.sample_shape()[0]; }
    GanLoss loss() const { return loss_; }
    void set_loss(GanLoss k) { loss_ = k; }
    void set_learning_rate(float d_lr, float g_lr);
    // Throws aelab::Error when a parameter of either network is no longer finite.
    void check_finite() const;

private:
    Sequential g_, d_;
    Adam d_optim_, g_optim_;
    GanLoss loss_;
};

// --- Mode coverage --------------------------------------------------------------------------------------------
constexpr std::uint64_t kGanEvalSeed = 31337;
constexpr float kGanCoveredFraction = 0.02f;
struct GanModeStats {
    int modes = 0, modes_covered = 0;
    double high_quality_fraction = 0;     // of all samples
    std::vector<int> high_quality_per_mode;  // counts, one per mode
    std::size_t samples = 0;
};
// samples (N, 2); centres x,y per mode; a sample is high quality within 3 * stddev of its nearest mode.
GanModeStats gan_mode_stats(const Tensor& samples, const std::vector<float>& centres, float stddev,
                            float covered_fraction = kGanCoveredFraction);

// --- The plane recipe ---------------------------------------------------------------------------------------------
enum class GanTarget { ring, line, two_clusters, drawn };
constexpr int kGanTargetCount = 4;
const char* gan_target_name(GanTarget t);  // "ring", "line", "two-clusters", "drawn"
bool gan_target_has_modes(GanTarget t);    // ring, two clusters

struct PlaneGanOptions {
    GanTarget target = GanTarget::ring;
    toy2d::Curve drawn;      // the drawn target's polyline(s) (target drawn)
    float noise = 0.05f;     // each mode's standard deviation (ring, two clusters), or the noise around a curve
    int latent = 2;
    int hidden = 64;
    int batch_size = 128;
    float learning_rate = 1e-3f;  // both networks (Adam, beta1 = 0.5)
    int d_steps = 1, g_steps = 1;  // updates per period
    GanLoss loss = GanLoss::non_saturating;
    int steps = 4000;             // periods
    std::uint64_t seed = 1;
};

// The generator and discriminator of the plane recipe, initialised from seed and seed + 1.
Sequential plane_gan_generator(int latent, int hidden, std::uint64_t seed);
Sequential plane_gan_discriminator(int hidden, std::uint64_t seed);

class PlaneGan {
public:
    explicit PlaneGan(const PlaneGanOptions& o = {});

    // One update of one network on a fresh batch (what the page's "1 D step" / "1 G step" do).
    GanUpdate discriminator_step();
    GanUpdate generator_step();
    // One period: d_steps discriminator updates, then g_steps generator updates.
    void train_period();
    int periods_done() const { return periods_; }
    int d_updates() const { return d_updates_; }
    int g_updates() const { return g_updates_; }
    // The last update of each network (zeros before its first).
    const GanUpdate& last_d() const { return last_d_; }
    const GanUpdate& last_g() const { return last_g_; }

    // n samples of the target from Rng(seed) (the page's fixed picture of it): (n, 2).
    Tensor real_samples(std::size_t n, std::uint64_t seed) const;
    // G(z) for n latents from Rng(seed): the points and, in *z, the latents.
    Tensor fake_samples(std::size_t n, std::uint64_t seed, Tensor* z = nullptr);
    // Mode coverage of `count` samples from z ~ Rng(kGanEvalSeed); modes 0 for a curve target.
    GanModeStats evaluate(std::size_t count = 2000);
    std::vector<float> mode_centres() const;

    Gan& gan() { return gan_; }
    const PlaneGanOptions& options() const { return o_; }
    void set_loss(GanLoss k);
    void set_period(int d_steps, int g_steps);
    // A view copy built from the same options (aelab/jobs/gan.hpp) takes the counters and the
    // last updates of the run whose weights it loads.
    void set_view_state(int periods, int d_updates, int g_updates, const GanUpdate& last_d, const GanUpdate& last_g);

private:
    Tensor real_batch();
    Tensor latent_batch();
    PlaneGanOptions o_;
    Gan gan_;
    Rng z_rng_, real_rng_;
    GanUpdate last_d_, last_g_;
    int periods_ = 0, d_updates_ = 0, g_updates_ = 0;
};

// --- The image recipe ---------------------------------------------------------------------------------------------
struct ImageGanOptions {
    int class_index = -1;  // a Fashion-MNIST class 0-9, or -1 for all
    int latent = 32;
    int hidden = 128;
    int batch_size = 32;  // with hidden 128: about 5 ms a period natively, so it trains live in a page
    float learning_rate = 5e-4f;
    int d_steps = 1, g_steps = 1;
    GanLoss loss = GanLoss::non_saturating;
    std::uint64_t seed = 1;
};

// The training images of one class (all of them for class_index -1), with the test split kept
// whole: a Dataset the VAE recipe can train on too.
Dataset class_subset(const Dataset& data, int class_index);

class ImageGan {
public:
    // `train` (28 x 28 images, e.g. class_subset()) must outlive the recipe.
    ImageGan(const Dataset& train, const ImageGanOptions& o = {});
    void train_period();
    int periods_done() const { return periods_; }
    const GanUpdate& last_d() const { return last_d_; }
    const GanUpdate& last_g() const { return last_g_; }
    // G(z) as (N, 1, 28, 28) images in [0, 1].
    Tensor generate(const Tensor& z) { return gan_.generate(z); }
    Gan& gan() { return gan_; }
    const ImageGanOptions& options() const { return o_; }

private:
    const Dataset& data_;
    ImageGanOptions o_;
    Gan gan_;
    Rng z_rng_, real_rng_;
    GanUpdate last_d_, last_g_;
    int periods_ = 0;
};

}  // namespace aelab
