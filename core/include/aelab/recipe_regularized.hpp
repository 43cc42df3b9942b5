// aelab core: the recipes of the "Sparse and contractive autoencoders" lesson and of
// `aelab-cli train sparse-ae|contractive-ae`, so the page and the commands train the same
// networks and report the same numbers. Every random draw comes from aelab::Rng seeded by the
// recipe's seed. Images are Fashion-MNIST (N, 1, 28, 28) in [0, 1]; D = 784 pixels.
//
//   SparseAe        an OVERCOMPLETE autoencoder on centred images x - m (m the mean training
//                   image): h = relu(W_e (x - m) + b_e) (K = 1024 > D code units),
//                   x_hat = m + W_d h + b_d (linear decoder: the reconstruction is the mean plus a
//                   sum of "atoms", the columns d_j of W_d, weighted by the code). Centring keeps
//                   units alive: on raw pixels, all >= 0, a unit whose weights sum negative is off
//                   for every image from the start (half of them at PyTorch's init). Loss
//                       J = mean (x_hat - x)^2 + lambda * mean over the batch of sum_j |h_j|
//                   (l1_activation_penalty, loss.hpp), Adam. After every step each atom is scaled
//                   back to unit length: otherwise the penalty could be dodged by shrinking h by
//                   c and growing W_d by c (the same reconstruction, c times less penalty).
//                   The ReLU makes the code exactly zero where a unit is off, so sparsity is a
//                   count: the fraction of units active (h_j > 0) per image.
//   SparseSweep     the same network at several lambdas, on the same batches from the same
//                   initial weights, stepped one network at a time (round robin) so a page can
//                   slice the sweep into its frames: reconstruction against sparsity.
//   ContractiveRecipe  two sigmoid-encoder autoencoders h = sigmoid(W x + b) (K = 128),
//                   x_hat = sigmoid(W_d h + b_d), from the same initial weights on the same
//                   batches: a plain one (MSE only) and a contractive one (Rifai et al. 2011),
//                       J = mean (x_hat - x)^2 + lambda * mean over the batch of ||dh/dx||_F^2
//                   with the closed form ||dh/dx||_F^2 = sum_j (h_j (1 - h_j))^2 ||W_j||^2
//                   (contractive_penalty, loss.hpp). Evaluated by the Frobenius norm of the
//                   encoder's Jacobian and its singular values at test images.
//
// Held-out figures use the first eval_count Fashion-MNIST test images.
//
// Why these sizes: the page trains them live in a browser's frame budget (single-thread wasm
// SIMD). A 784-1024-784 step on a batch of 32 is ~0.1 GFLOP (forward and backward, both
// layers): a few milliseconds natively, a few tens in a browser, so the main run makes several
// steps a second inside the frame budget and the sweep's networks, which share it, at least one.
// K = 1024 is over-complete (more code units than pixels), the regime where only the penalty
// stops the network from copying its input. The contractive pair needs no over-completeness:
// K = 128 keeps both networks cheap and the Jacobian's spectrum (K singular values, from the
// K x K matrix J J^T) quick to compute.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "aelab/dataset.hpp"
#include "aelab/model.hpp"
#include "aelab/optim.hpp"
#include "aelab/tensor.hpp"
#include "aelab/train.hpp"

namespace aelab {

//-----------------------------------------------------------------------------------------------
// Sparse autoencoders
//-----------------------------------------------------------------------------------------------
struct SparseAeOptions {
    int code = 1024;              // K
    float lambda = 3e-4f;         // weight of sum_j |h_j| (per image) against the per-pixel MSE
    float learning_rate = 1e-3f;  // Adam
    int batch_size = 16;
    int steps = 1500;             // the default length of a run (lesson and CLI)
    int eval_count = 500;         // held-out test images
    std::uint64_t seed = 1;       // initial weights and batch order
};
constexpr float kMaxSparseLambda = 0.1f;
constexpr int kMinSparseCode = 16, kMaxSparseCode = 2048;

// Held-out figures of a sparse autoencoder.
struct SparseEval {
    double mse = 0;              // per pixel, x_hat against x
    double fraction_active = 0;  // mean over images of (units with h_j > 0) / K
    double l1 = 0;               // mean over images of sum_j |h_j|
    double dead_fraction = 0;    // units active on none of the images
    double atom_spread = 0;      // mean atom_spread_px over the units active on some image
};

class SparseAe {
public:
    // data must outlive the network. Throws aelab::Error for bad options.
    SparseAe(const Dataset& data, const SparseAeOptions& o = {});
    // One mini-batch; returns J (MSE + lambda * penalty) before the update; last_mse() and
    // last_penalty() are its two parts.
    float train_step();
    float last_mse() const { return mse_; }
    float last_penalty() const { return penalty_; }  // sum_j |h_j| per image, not times lambda
    float last_fraction_active() const { return active_; }  // of the batch's code entries, before the update
    int step() const { return step_; }

    Tensor encode(const Tensor& x);  // (N, 1, 28, 28) -> h (N, K)
    Tensor decode(const Tensor& h);  // (N, K) -> x_hat (N, 1, 28, 28)
    // The held-out figures; `codes`, when given, receives the codes of the eval images (N, K).
    SparseEval evaluate(Tensor* codes = nullptr);
    // The decoder's atoms: column j of W_d as row j, (K, 784), each of unit length.
    Tensor atoms() const;
    const Tensor& eval_images() const { return eval_; }  // (eval_count, 1, 28, 28)
    // The mean training image m (1, 1, 28, 28): the network codes x - m and adds m back.
    const Tensor& mean_image() const { return mean_; }
    Sequential& net() { return net_; }
    const SparseAeOptions& options() const { return o_; }

private:
    void normalise_atoms();
    Tensor centred(const Tensor& x) const;  // x - m, for any number of images
    const Dataset& data_;
    SparseAeOptions o_;
    Sequential net_;  // Flatten, Linear(784, K), ReLU | Linear(K, 784), Unflatten: encoder = [0, 3)
    Adam opt_;
    BatchSampler sampler_;
    Tensor eval_, mean_;
    float mse_ = 0, penalty_ = 0, active_ = 0;
    int step_ = 0;
};

// An atom's spatial spread in pixels: with weights w = a^2 / sum a^2 over its 28 x 28 pixels,
// sqrt(sum w * |p - centroid|^2). A global blob spreads over the image (~8 px or more); a local
// stroke stays within a few pixels. atom: 784 values.
double atom_spread_px(const float* atom);
// Fraction of the code's entries h (N, K) that are > 0, per row (N).
std::vector<double> active_fraction_per_image(const Tensor& h);
// Units ordered by how many rows of h (N, K) they are active (> 0) in, most used first; ties by
// index. The counts (per unit) come back in `uses` when it is given.
std::vector<int> units_by_use(const Tensor& h, std::vector<int>* uses = nullptr);
// The atoms of `units` (rows of atoms (K, 784)) as images (units.size(), 1, 28, 28).
Tensor atom_images(const Tensor& atoms, const std::vector<int>& units);

// The lesson's and the CLI's sweep.
const std::vector<float>& default_sparse_lambdas();  // 0, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2

struct SweepPoint {
    float lambda = 0;
    SparseEval eval;
};

class SparseSweep {
public:
    // One network per lambda, each with `base`'s other options (same seed: same initial weights
    // and batches), trained for base.steps steps. Throws for an empty or bad lambda list.
    SparseSweep(const Dataset& data, const std::vector<float>& lambdas, const SparseAeOptions& base = {});
    // One step of the network that is furthest behind; returns its loss. Does nothing (returns
    // 0) when done().
    float train_step();
    // The network the next train_step() trains (size() when done).
    std::size_t next() const;
    int steps_per_network() const { return o_.steps; }
    bool done() const;
    int steps_taken() const;  // over all networks
    int total_steps() const { return int(nets_.size()) * o_.steps; }
    // Evaluates every network as it is now.
    std::vector<SweepPoint> evaluate();
    std::size_t size() const { return nets_.size(); }
    SparseAe& net(std::size_t i) { return *nets_.at(i); }
    float lambda(std::size_t i) const { return lambdas_.at(i); }

private:
    SparseAeOptions o_;
    std::vector<float> lambdas_;
    std::vector<std::unique_ptr<SparseAe>> nets_;
};

//-----------------------------------------------------------------------------------------------
// Contractive autoencoders
//-----------------------------------------------------------------------------------------------
struct ContractiveOptions {
    int code = 128;               // K
    float lambda = 0.01f;         // weight of ||dh/dx||_F^2 (per image) against the per-pixel MSE
    float learning_rate = 1e-3f;  // Adam
    int batch_size = 64;
    int steps = 2000;
    int eval_count = 500;
    std::uint64_t seed = 1;
};
constexpr float kMaxContractiveLambda = 10.0f;

struct ContractiveEval {
    double mse_plain = 0, mse_contractive = 0;                   // per pixel
    double jacobian_fro_plain = 0, jacobian_fro_contractive = 0;  // mean over images of ||dh/dx||_F
};

class ContractiveRecipe {
public:
    ContractiveRecipe(const Dataset& data, const ContractiveOptions& o = {});
    // One mini-batch for both networks; returns the contractive one's J before the update. The
    // plain one's loss (its MSE) is last_plain_loss().
    float train_step();
    float last_plain_loss() const { return plain_loss_; }
    float last_mse() const { return mse_; }          // the contractive network's MSE part
    float last_penalty() const { return penalty_; }  // its ||dh/dx||_F^2 per image, not times lambda
    int step() const { return step_; }
    ContractiveEval evaluate();

    // The code h (N, K) of either network (contractive = true for the penalised one).
    Tensor encode(bool contractive, const Tensor& x);
    Tensor reconstruct(bool contractive, const Tensor& x);
    // The encoder's Jacobian dh/dx (K, 784) at one image x (784 values, any shape).
    Tensor jacobian(bool contractive, const Tensor& x);
    // Its singular values, descending (K of them): square roots of the eigenvalues of J J^T.
    std::vector<double> singular_values(bool contractive, const Tensor& x);
    const Tensor& eval_images() const { return eval_; }
    Sequential& net(bool contractive) { return contractive ? cae_ : plain_; }
    const ContractiveOptions& options() const { return o_; }

private:
    float step_one(Sequential& net, Adam& opt, float lambda, float* mse, float* penalty);
    const Dataset& data_;
    ContractiveOptions o_;
    // Flatten, Linear(784, K), Sigmoid | Linear(K, 784), Sigmoid, Unflatten: encoder = [0, 3)
    Sequential plain_, cae_;
    Adam plain_opt_, cae_opt_;
    BatchSampler sampler_;
    Tensor batch_, eval_;
    float plain_loss_ = 0, mse_ = 0, penalty_ = 0;
    int step_ = 0;
};

// The singular values of a (K, D) matrix, descending: sqrt of the eigenvalues of M M^T (K <= 1024).
std::vector<double> singular_values(const Tensor& M);

}  // namespace aelab
