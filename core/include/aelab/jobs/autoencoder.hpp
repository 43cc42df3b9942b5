// aelab core: the training jobs of the "Autoencoders: encoder, code, decoder" lesson
// (aelab/recipe_autoencoder.hpp), one per kind of run.
//   kind "toy838"        the 8-3-8 toy; keys loss (cross-entropy|squared-error), lr, momentum,
//                        steps, seed. No curves, no evaluation. View state: the net.
//   kind "side_by_side"  several MLP autoencoders on the same batches; keys arch (a list of
//                        bottleneck|deep|shallow|asymmetric, the families of bottleneck_spec()
//                        and depth_specs()), codes (their K, one each), lr, batch, steps, eval,
//                        seed. step(): the first network's loss (a non-finite loss of any network
//                        instead, so the run stops); curves: the other networks' losses.
//                        evaluate(): each network's held-out MSE (side_by_side_eval_from).
//                        View state: every network's weights and the step.
//   kind "stacked_ae"    the greedy stack beside the end-to-end network; keys h1, h2, s1, s2, s3
//                        (the stages' steps), lr, batch, eval, seed, every (the held-out MSE
//                        is computed at steps that are multiples of it; 0: at every evaluation)
//                        and probes (fit the transfer probes when the schedule is done).
//                        step(): the greedy stage's loss (the end-to-end one when it is not
//                        finite); curve 0: the end-to-end loss. evaluate(): stacked_eval_from.
//                        View state: both networks' weights and the step.
#pragma once
#include <memory>
#include <vector>

#include "aelab/recipe_autoencoder.hpp"
#include "aelab/train_job.hpp"

namespace aelab {

//-----------------------------------------------------------------------------------------------
// The 8-3-8 toy
//-----------------------------------------------------------------------------------------------
JobSpec toy838_job_spec(const Toy838Options& o);
Toy838Options toy838_job_options(const JobSpec& spec);

class Toy838Job : public TrainJob {
public:
    explicit Toy838Job(const Toy838Options& o) : toy_(o) {}
    float step(float*) override { return toy_.train_step(); }
    void save_view(std::vector<float>& out) const override;
    void load_view(const std::vector<float>& in) override;
    int epoch_size() const override { return 8; }
    int batch_size() const override { return 8; }
    Toy838& toy() { return toy_; }

private:
    Toy838 toy_;
};
std::unique_ptr<TrainJob> make_toy838_job(const JobSpec& spec, const Dataset* data);

//-----------------------------------------------------------------------------------------------
// Several MLP autoencoders side by side
//-----------------------------------------------------------------------------------------------
struct SideBySideJobOptions {
    std::vector<MlpAeSpec> specs;
    SideBySideOptions o;
};
// Throws aelab::Error for a spec that is not one of the families above.
JobSpec side_by_side_job_spec(const std::vector<MlpAeSpec>& specs, const SideBySideOptions& o);
SideBySideJobOptions side_by_side_job_options(const JobSpec& spec);
// The held-out MSE per network, exactly as SideBySideRecipe::evaluate() returned it.
std::vector<double> side_by_side_eval_from(const std::vector<float>& figures);

class SideBySideJob : public TrainJob {
public:
    SideBySideJob(const Dataset& data, const SideBySideJobOptions& o);
    int curve_count() const override { return int(recipe_.size()) - 1; }
    float step(float* curves) override;
    bool evaluates() const override { return true; }
    std::vector<float> evaluate() override;
    void save_view(std::vector<float>& out) const override;
    void load_view(const std::vector<float>& in) override;
    int epoch_size() const override { return epoch_size_; }
    int batch_size() const override { return recipe_.options().batch_size; }
    SideBySideRecipe& recipe() { return recipe_; }
    int step() const { return step_; }  // the steps behind the weights (the view copy's too)

private:
    SideBySideRecipe recipe_;
    int epoch_size_, step_ = 0;
};
std::unique_ptr<TrainJob> make_side_by_side_job(const JobSpec& spec, const Dataset* data);

//-----------------------------------------------------------------------------------------------
// The stacked autoencoder and its probes
//-----------------------------------------------------------------------------------------------
struct StackedJobOptions {
    StackedOptions o;
    int every = 0;        // held-out MSE at multiples of this step (0: at every evaluation)
    bool probes = false;  // fit the probes in the evaluation at the end of the schedule
};
JobSpec stacked_job_spec(const StackedJobOptions& o);
StackedJobOptions stacked_job_options(const JobSpec& spec);

// The transfer probes (kProbeLabelCounts labels, kProbeTestCount test images) on the greedy
// stack's codes and the pixels (probe_curve), and on the end-to-end network's codes.
struct StackedProbes {
    std::vector<ProbePoint> greedy;
    std::vector<double> end_to_end;  // per label count
};
StackedProbes stacked_probes(StackedRecipe& r, const Dataset& data);

struct StackedEval {
    bool held_out = false;  // the MSE below was computed (a step on the grid)
    float mse_greedy = 0, mse_end_to_end = 0;  // held-out pixel MSE, as the lesson plots them (float)
    bool probed = false;    // the schedule was done: probes below
    StackedProbes probes;
};
StackedEval stacked_eval_from(const std::vector<float>& figures);
// The stage of a schedule after `step` steps (StackedRecipe::stage() of a recipe at that step).
StackedStage stacked_stage_at(const StackedOptions& o, int step);

class StackedJob : public TrainJob {
public:
    StackedJob(const Dataset& data, const StackedJobOptions& o);
    int curve_count() const override { return 1; }
    float step(float* curves) override;
    bool evaluates() const override { return true; }
    std::vector<float> evaluate() override;
    void save_view(std::vector<float>& out) const override;
    void load_view(const std::vector<float>& in) override;
    int epoch_size() const override { return epoch_size_; }
    int batch_size() const override { return o_.o.batch_size; }
    StackedRecipe& recipe() { return recipe_; }
    int step() const { return step_; }  // the steps behind the weights (the view copy's too)
    StackedStage stage() const { return stacked_stage_at(o_.o, step_); }

private:
    const Dataset& data_;
    StackedJobOptions o_;
    StackedRecipe recipe_;
    int epoch_size_, step_ = 0;
};
std::unique_ptr<TrainJob> make_stacked_job(const JobSpec& spec, const Dataset* data);

}  // namespace aelab
