// aelab core: the recipe of "The manifold picture on 2-D data" (lesson regularized-ae): three
// small autoencoders on the plane, trained side by side on points near a curve, and the vector
// field x -> g(f(x)) - x each of them learns.
//
// Data: `points` samples spread along a curve (a toy2d preset or a student-drawn polyline) with
// isotropic Gaussian spread `data_noise` (toy2d::sample_curve), drawn once from the seed.
//
// Network (the same for the three kinds, from the same initial weights), `code` > 2 units:
//   f(x) = h = sigmoid(W x + b)       W (code, 2), b (code)          the encoder
//   g(h) = W^T h + c                  tied weights, c (2)            the decoder
// Tied weights as in Rifai et al. (2011): with an untied decoder V h + c the contractive penalty
// can be dodged by shrinking W and growing V (its arrows fade as it trains; the option `tied`
// lets the lesson show it). Tied weights also make the field a gradient:
// g(f(x)) - x = d/dx [ sum_j softplus(W_j x + b_j) + c.x - |x|^2 / 2 ], the shape of the
// course's d log p(x) / dx (Kamyshanska & Memisevic 2013).
//
// The three kinds, each minimising with Adam on the same mini-batches of clean points x:
//   plain        mse(g(f(x)), x)                            overcomplete, nothing stops it from
//                                                           learning the identity: arrows vanish
//   denoising    mse(g(f(x_tilde)), x), x_tilde = x + noise * eps, eps ~ N(0, I)  (Vincent 2008)
//   contractive  mse(g(f(x)), x) + lambda * mean_n ||df/dx (x_n)||_F^2            (Rifai 2011)
// mse is torch's mean over the N x 2 numbers. For the sigmoid encoder the Jacobian norm has a
// closed form: ||J||_F^2 = sum_j (h_j (1 - h_j))^2 sum_i W_ji^2 (contractive_penalty, loss.hpp).
//
// The field is evaluated on the cell centres of a grid x grid grid over [-extent, extent]^2
// (toy2d::grid_points: row 0 at the top). Its figures (field_stats) are over the grid points
// whose distance to the curve lies in [near_min, near_max]: the mean cosine between the arrow
// g(f(x)) - x and the direction from x to its nearest curve point (a zero arrow counts 0), and
// the mean arrow length. Everything is deterministic for a seed.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "aelab/model.hpp"
#include "aelab/optim.hpp"
#include "aelab/rng.hpp"
#include "aelab/tensor.hpp"
#include "aelab/toy2d.hpp"

namespace aelab {

enum class ManifoldKind { plain, denoising, contractive };
constexpr int kManifoldKinds = 3;
constexpr std::array<ManifoldKind, kManifoldKinds> kAllManifoldKinds{ManifoldKind::plain, ManifoldKind::denoising,
                                                                     ManifoldKind::contractive};
const char* manifold_kind_name(ManifoldKind k);  // "plain", "denoising", "contractive"
bool parse_manifold_kind(const std::string& name, ManifoldKind& out);

struct ManifoldOptions {
    int code = 16;                // sigmoid code units (> 2: overcomplete)
    bool tied = true;             // decoder W^T (else its own Linear(code, 2))
    int points = 1000;            // training points
    float data_noise = 0.05f;     // their spread around the curve
    float noise = 0.3f;           // the denoiser's corruption standard deviation
    float lambda = 0.1f;          // the contractive penalty's weight
    float learning_rate = 2e-2f;  // Adam, torch's other defaults
    int batch_size = 64;
    int steps = 3000;             // the default length of a run
    int grid = 24;                // the field's grid: grid x grid points
    float extent = 2.5f;          // over [-extent, extent]^2
    float near_min = 0.1f, near_max = 0.6f;  // the band around the curve the figures average over
    std::uint64_t seed = 1;       // data, initial weights, batch order, corruption
};

struct FieldStats {
    double mean_cosine = 0;  // with the direction to the nearest curve point
    double mean_length = 0;  // of the arrows g(f(x)) - x
    int count = 0;           // grid points in the band
};

// The figures of a field `field` (M, 2) given at `points` (M, 2), over the points whose distance
// to `curve` is in [near_min, near_max]. Throws aelab::Error on mismatched shapes.
FieldStats field_stats(const Tensor& points, const Tensor& field, const toy2d::Curve& curve, float near_min,
                       float near_max);

// One autoencoder of one kind.
class ManifoldAutoencoder {
public:
    ManifoldAutoencoder(ManifoldKind kind, const ManifoldOptions& o);

    // The objective on `input` (N, 2) against `target` (N, 2) (the contractive penalty taken at
    // `input`), its gradient left in model().grads() (zeroed first). No update.
    float loss_and_grad(const Tensor& input, const Tensor& target);
    // One Adam step on the clean batch (N, 2), corrupting it first for the denoiser (from
    // `noise_rng`). Returns the objective before the update.
    float train_step(const Tensor& batch, Rng& noise_rng);
    float last_reconstruction() const { return last_reconstruction_; }  // mse part of the last step
    float last_penalty() const { return last_penalty_; }                // ||J||_F^2 part (no lambda)

    Tensor reconstruct(const Tensor& x);  // g(f(x)), x (N, 2)
    Tensor field(const Tensor& x);        // g(f(x)) - x
    // mean over x of ||df/dx||_F^2 (the encoder's Jacobian).
    double jacobian_fro2(const Tensor& x);

    ManifoldKind kind() const { return kind_; }
    Sequential& model() { return model_; }

private:
    ManifoldKind kind_;
    ManifoldOptions o_;
    Sequential model_;  // Linear(2, code), Sigmoid, TiedLinear(code, 2)
    Adam opt_;
    float last_reconstruction_ = 0, last_penalty_ = 0;
};

// The three kinds trained in lockstep on the same data and mini-batches.
class ManifoldRecipe {
public:
    // Throws aelab::Error for bad options or a bad curve (toy2d's errors).
    ManifoldRecipe(const toy2d::Curve& curve, const ManifoldOptions& o = {});

    // One mini-batch for all three; returns the denoiser's objective (the others: loss()).
    float train_step();
    float loss(ManifoldKind k) const { return losses_[std::size_t(k)]; }
    int step() const { return step_; }

    const toy2d::Curve& curve() const { return curve_; }
    const Tensor& data() const { return data_; }  // (points, 2)
    const Tensor& grid() const { return grid_; }  // (grid * grid, 2)
    // The field on the grid (grid * grid, 2) and its figures.
    Tensor field(ManifoldKind k) { return net(k).field(grid_); }
    FieldStats stats(ManifoldKind k);
    FieldStats stats_of(const Tensor& grid_field) const;
    // The distance of each grid point to the curve (grid * grid), and its nearest point (grid * grid, 2).
    const std::vector<float>& grid_distance() const { return distance_; }
    const Tensor& grid_nearest() const { return nearest_; }

    ManifoldAutoencoder& net(ManifoldKind k) { return nets_[std::size_t(k)]; }
    const ManifoldOptions& options() const { return o_; }

private:
    toy2d::Curve curve_;
    ManifoldOptions o_;
    Tensor data_, grid_, nearest_;
    std::vector<float> distance_;
    std::vector<ManifoldAutoencoder> nets_;
    Rng batch_rng_, noise_rng_;
    std::array<float, kManifoldKinds> losses_{};
    int step_ = 0;
};

}  // namespace aelab
