// aelab core: the training jobs of the "Sparse and contractive autoencoders" lesson
// (aelab/recipe_regularized.hpp).
//   kind "sparse_ae"       one SparseAe; keys code, lambda, lr, batch, steps, eval, seed.
//                          step(): J; curves: the batch's MSE, its fraction of active code
//                          entries. evaluate(): the SparseEval and the codes of the eval images
//                          (sparse_eval_from). View state: the network.
//   kind "sparse_sweep"    a SparseSweep; keys lambdas (a list), code, lr, batch, steps (per
//                          network), eval, seed, atoms (how many of each finished network's
//                          most used atoms to keep). step(): the loss of the network it stepped
//                          (0 when done); curve 0: that network's index (size() when done). A
//                          network is evaluated in the step that finishes it. View state: the
//                          evaluations so far and their atoms, not the networks (no view reads
//                          them).
//   kind "contractive_ae"  a ContractiveRecipe; keys code, lambda, lr, batch, steps, eval, seed.
//                          step(): the contractive network's J; curves: the plain network's
//                          loss, the penalty. evaluate(): contractive_eval_from. View state:
//                          both networks.
#pragma once
#include <memory>
#include <vector>

#include "aelab/recipe_regularized.hpp"
#include "aelab/train_job.hpp"

namespace aelab {

//-----------------------------------------------------------------------------------------------
// One sparse autoencoder
//-----------------------------------------------------------------------------------------------
JobSpec sparse_job_spec(const SparseAeOptions& o);
SparseAeOptions sparse_job_options(const JobSpec& spec);
// The figures of SparseJob::evaluate(): the SparseEval exactly, and the codes (N, K) when
// `codes` is given.
SparseEval sparse_eval_from(const std::vector<float>& figures, Tensor* codes = nullptr);

class SparseJob : public TrainJob {
public:
    SparseJob(const Dataset& data, const SparseAeOptions& o);
    int curve_count() const override { return 2; }
    float step(float* curves) override;
    bool evaluates() const override { return true; }
    std::vector<float> evaluate() override;
    void save_view(std::vector<float>& out) const override;
    void load_view(const std::vector<float>& in) override;
    int epoch_size() const override { return epoch_size_; }
    int batch_size() const override { return ae_.options().batch_size; }
    SparseAe& ae() { return ae_; }

private:
    SparseAe ae_;
    int epoch_size_;
};
std::unique_ptr<TrainJob> make_sparse_job(const JobSpec& spec, const Dataset* data);

//-----------------------------------------------------------------------------------------------
// The lambda sweep
//-----------------------------------------------------------------------------------------------
struct SparseSweepJobOptions {
    std::vector<float> lambdas;
    SparseAeOptions o;  // every network's (o.lambda unused), o.steps per network
    int atoms = 8;      // most used atoms kept per finished network
};
JobSpec sparse_sweep_job_spec(const SparseSweepJobOptions& o);
SparseSweepJobOptions sparse_sweep_job_options(const JobSpec& spec);

class SparseSweepJob : public TrainJob {
public:
    SparseSweepJob(const Dataset& data, const SparseSweepJobOptions& o);
    int curve_count() const override { return 1; }
    float step(float* curves) override;
    void save_view(std::vector<float>& out) const override;
    void load_view(const std::vector<float>& in) override;
    int epoch_size() const override { return epoch_size_; }
    int batch_size() const override { return o_.o.batch_size; }
    std::size_t size() const { return o_.lambdas.size(); }
    // The finished networks' evaluations (lambda order) and their `atoms` most used atoms
    // (units_by_use of the eval images' codes) as images (n, 1, 28, 28).
    const std::vector<SweepPoint>& results() const { return results_; }
    const std::vector<Tensor>& top_atoms() const { return top_atoms_; }
    SparseSweep& sweep() { return sweep_; }

private:
    SparseSweepJobOptions o_;
    SparseSweep sweep_;
    std::vector<SweepPoint> results_;
    std::vector<Tensor> top_atoms_;
    int epoch_size_;
};
std::unique_ptr<TrainJob> make_sparse_sweep_job(const JobSpec& spec, const Dataset* data);

//-----------------------------------------------------------------------------------------------
// The contractive pair
//-----------------------------------------------------------------------------------------------
JobSpec contractive_job_spec(const ContractiveOptions& o);
ContractiveOptions contractive_job_options(const JobSpec& spec);
ContractiveEval contractive_eval_from(const std::vector<float>& figures);

class ContractiveJob : public TrainJob {
public:
    ContractiveJob(const Dataset& data, const ContractiveOptions& o);
    int curve_count() const override { return 2; }
    float step(float* curves) override;
    bool evaluates() const override { return true; }
    std::vector<float> evaluate() override;
    void save_view(std::vector<float>& out) const override;
    void load_view(const std::vector<float>& in) override;
    int epoch_size() const override { return epoch_size_; }
    int batch_size() const override { return recipe_.options().batch_size; }
    ContractiveRecipe& recipe() { return recipe_; }

private:
    ContractiveRecipe recipe_;
    int epoch_size_;
};
std::unique_ptr<TrainJob> make_contractive_job(const JobSpec& spec, const Dataset* data);

}  // namespace aelab
