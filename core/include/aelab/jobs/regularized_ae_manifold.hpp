// aelab core: the training job of the regularized-ae lesson's section "The manifold picture on
// 2-D data": a ManifoldRecipe (the three small autoencoders on the plane) built from a JobSpec.
//   kind "manifold"; keys shape (circle|spiral|two-moons|line: a toy2d curve preset, or drawn),
//   curve (drawn: the vertices x0,y0,x1,y1,... in whole kManifoldDrawQuantum), code, tied,
//   points, data_noise, noise, lambda, lr, batch, steps, seed. No dataset.
// step(): the denoiser's objective, no other curves. evaluate(): mean_cosine, mean_length and
// count of each kind's field (kAllManifoldKinds order; manifold_stats_from). View state: the
// three networks' weights and the three kinds' losses of the latest step (the page's table).
#pragma once
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "aelab/recipe_manifold.hpp"
#include "aelab/train_job.hpp"

namespace aelab {

constexpr float kManifoldDrawQuantum = 0.05f;  // a drawn vertex is a whole number of these
constexpr int kManifoldMaxDrawn = 48;           // vertices
constexpr int kManifoldMaxQuanta = 50;          // |coordinate| <= 2.5

struct ManifoldJobOptions {
    ManifoldOptions recipe;
    std::string shape = "circle";  // a toy2d curve preset's name, or "drawn"
    std::vector<int> drawn;        // shape drawn: x,y pairs in quanta
};

JobSpec manifold_job_spec(const ManifoldJobOptions& o);
ManifoldJobOptions manifold_job_options(const JobSpec& spec);
// The curve the options describe; throws aelab::Error when a drawn curve has fewer than two vertices.
toy2d::Curve manifold_job_curve(const ManifoldJobOptions& o);
std::array<FieldStats, kManifoldKinds> manifold_stats_from(const std::vector<float>& figures);

class ManifoldJob : public TrainJob {
public:
    explicit ManifoldJob(const ManifoldJobOptions& o);
    float step(float* curves) override;
    bool evaluates() const override { return true; }
    std::vector<float> evaluate() override;
    void save_view(std::vector<float>& out) const override;
    void load_view(const std::vector<float>& in) override;
    int epoch_size() const override { return o_.recipe.points; }
    int batch_size() const override { return o_.recipe.batch_size; }
    ManifoldRecipe& recipe() { return recipe_; }
    // Each kind's objective at the latest step (in a view copy: of the snapshot's step).
    float loss(ManifoldKind k) const { return losses_[std::size_t(k)]; }

private:
    ManifoldJobOptions o_;
    ManifoldRecipe recipe_;
    std::array<float, kManifoldKinds> losses_{};
};

std::unique_ptr<TrainJob> make_manifold_job(const JobSpec& spec, const Dataset* data);

}  // namespace aelab
