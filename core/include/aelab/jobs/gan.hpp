// aelab core: the training jobs of the "Generative adversarial networks" lesson.
//
//   kind "gan-plane": a PlaneGan. Keys target (ring|line|two_clusters|drawn), draw (the drawn
//   polyline, x,y per vertex, when target=drawn), noise, latent, hidden, batch, lr, kd, kg,
//   nonsat, seed. (A spec with the former key events, a replayed list of mid-run changes, is
//   refused: changes now go through adjust.)
//   adjust(), between steps: kd and kg (k_d, k_g from the next step on), nonsat (the generator's
//   loss from the next step on), once=d or once=g (the next step is one update of that network
//   instead of a period; then periods again; once=none cancels one not taken yet). Any other
//   key is refused.
//   step(): L_D of the step (before any D update: the untrained pair's L_D on a fixed batch);
//   curves 0 and 1: L_D and L_G, the loss of each network's most recent update. A parameter
//   that is no longer finite stops the run. evaluate(): gan_plane_eval_from's figures (mode
//   coverage). View state: G and D, the counters, the last updates, the period and the loss.
//
//   kind "gan-image": an ImageGan and the VAE recipe on class_subset(data, class), one GAN
//   period and one VAE step per step. Keys class (-1: all, 0-9), seed, lr (the GAN's), latent,
//   hidden, batch, kd, kg, nonsat (the GAN's), vae_hidden, vae_latent, vae_beta, vae_lr,
//   vae_batch. step(): the GAN's L_D; curves 0-2: L_D, L_G, the VAE's loss (recon + KL). No
//   evaluation. View state: G, D and the VAE.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "aelab/dataset.hpp"
#include "aelab/recipe_gan.hpp"
#include "aelab/recipe_vae.hpp"
#include "aelab/train_job.hpp"

namespace aelab {

struct PlaneGanJobOptions {
    PlaneGanOptions gan;  // the run's start (steps unused: the page's run sets them)
};
// The fixed batch of the untrained pair's L_D (and the lesson's fixed real points and fakes).
constexpr std::uint64_t kGanPlaneRealSeed = 4242, kGanPlaneFakeSeed = 4343;
JobSpec gan_plane_job_spec(const PlaneGanJobOptions& o);
PlaneGanJobOptions gan_plane_job_options(const JobSpec& spec);
GanModeStats gan_plane_eval_from(const std::vector<float>& figures);

class PlaneGanJob : public TrainJob {
public:
    explicit PlaneGanJob(const PlaneGanJobOptions& o);
    int curve_count() const override { return 2; }
    float step(float* curves) override;
    bool evaluates() const override { return true; }
    std::vector<float> evaluate() override;
    void save_view(std::vector<float>& out) const override;
    void load_view(const std::vector<float>& in) override;
    int epoch_size() const override { return gan_.options().batch_size; }
    int batch_size() const override { return gan_.options().batch_size; }
    void adjust(const JobSpec& change) override;
    PlaneGan& gan() { return gan_; }
    // The next step's single update, if adjust asked for one: 'd', 'g' or 0.
    char once() const { return once_; }

private:
    PlaneGan gan_;
    int step_ = 0;
    char once_ = 0;
};

struct ImageGanJobOptions {
    ImageGanOptions gan;
    VaeRecipeOptions vae;
};
JobSpec gan_image_job_spec(const ImageGanJobOptions& o);
ImageGanJobOptions gan_image_job_options(const JobSpec& spec);

class ImageGanJob : public TrainJob {
public:
    ImageGanJob(const Dataset& data, const ImageGanJobOptions& o);
    int curve_count() const override { return 3; }
    float step(float* curves) override;
    void save_view(std::vector<float>& out) const override;
    void load_view(const std::vector<float>& in) override;
    int epoch_size() const override { return int(subset_->size(Split::train)); }
    int batch_size() const override { return gan_->options().batch_size; }
    const Dataset& subset() const { return *subset_; }
    ImageGan& gan() { return *gan_; }
    VaeRecipe& vae() { return *vae_; }

private:
    std::unique_ptr<Dataset> subset_;  // both recipes hold a reference to it
    std::unique_ptr<ImageGan> gan_;
    std::unique_ptr<VaeRecipe> vae_;
};

std::unique_ptr<TrainJob> make_gan_plane_job(const JobSpec& spec, const Dataset* data);
std::unique_ptr<TrainJob> make_gan_image_job(const JobSpec& spec, const Dataset* data);

}  // namespace aelab
