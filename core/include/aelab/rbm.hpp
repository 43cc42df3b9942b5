// aelab core: restricted Boltzmann machines with binary visible and binary hidden units.
//
//   energy        E(v, h) = -b^T v - c^T h - v^T W h          v in {0,1}^V, h in {0,1}^H
//   joint         p(v, h) = exp(-E(v, h)) / Z
//   conditionals  p(h_j = 1 | v) = sigmoid(c_j + v^T W_j)      W_j: column j of W
//                 p(v_i = 1 | h) = sigmoid(b_i + W_i h)        W_i: row i of W
//   free energy   F(v) = -b^T v - sum_j softplus(c_j + v^T W_j),  p(v) = exp(-F(v)) / Z
//
// Layout: W is (V, H) (visible rows, hidden columns), b is (V), c is (H); batches are rows,
// v (N, V) and h (N, H), so p(h | v) = sigmoid(v W + c) and p(v | h) = sigmoid(h W^T + b) are the
// matrix products a student writes in PyTorch (torch.sigmoid(v @ W + c)).
//
// Sampling: a Bernoulli draw compares one Rng::uniform() per element, in row-major order, with
// the probability (x = u < p), so a seed gives the same samples natively and in the browser.
//
// Contrastive divergence CD-k (Hinton 2002) on a batch v0:
//   positive phase  ph0 = p(h | v0), h0 ~ ph0
//   Gibbs chain     for t = 1..k: pv_t = p(v | h_{t-1}), v_t ~ pv_t, ph_t = p(h | v_t), h_t ~ ph_t
//                   (h_k is not drawn: nothing uses it; the uniforms go h0, v1, h1, ..., v_k)
//   negative phase  statistics of (v_k, ph_k)
//   gradient        dW = (v0^T ph0 - v_k^T ph_k) / N,  db = mean(v0 - v_k),  dc = mean(ph0 - ph_k)
//                   (an estimate of the log-likelihood's gradient: the hidden units are
//                   averaged out with their probabilities, as in Hinton's practical guide)
//   update          vel = momentum * vel + lr * (grad - weight_decay * W),  W += vel
//                   (the biases the same, without weight decay); ASCENT on the log-likelihood
// The reconstruction error CD reports is the mean over images and pixels of (v0 - pv_1)^2.
//
// Exact log-likelihood: Z sums 2^(V+H) states, but the visible units sum out in closed form,
//   log Z = log sum_h exp(c^T h) prod_i (1 + exp(b_i + W_i h)),
// so an RBM with few hidden units (H <= kRbmExactMaxHidden) has an exact log Z and exact
// log-likelihood log p(v) = -F(v) - log Z (nats per image), by enumerating the 2^H hidden states
// in Gray-code order (one column added or removed per state: 2^H * V multiply-adds).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "aelab/rng.hpp"
#include "aelab/tensor.hpp"

namespace aelab {

// The most hidden units an exact log Z enumerates (2^20 states).
constexpr int kRbmExactMaxHidden = 20;

struct Rbm {
    Tensor W;  // (V, H)
    Tensor b;  // (V) visible biases
    Tensor c;  // (H) hidden biases
    int visible() const { return dim(W, 0); }
    int hidden() const { return dim(W, 1); }
};

// W ~ N(0, init_std^2) drawn row-major from rng; b and c zero. Throws aelab::Error for sizes
// < 1 or too large (limits.hpp).
Rbm make_rbm(int visible, int hidden, Rng& rng, float init_std = 0.01f);
// Sets b_i = log(p_i / (1 - p_i)) from the mean p_i of each visible unit over v (N, V), p clipped
// to [0.01, 0.99] (Hinton's practical guide: the visible biases start at the data's log odds).
void init_visible_bias(Rbm& rbm, const Tensor& v);

// p(h = 1 | v) for v (N, V): (N, H). Throws aelab::Error naming "rbm hidden_probs", the expected
// and the actual shape when v's width is not V.
Tensor rbm_hidden_probs(const Rbm& rbm, const Tensor& v);
// p(v = 1 | h) for h (N, H): (N, V). Same error rule ("rbm visible_probs").
Tensor rbm_visible_probs(const Rbm& rbm, const Tensor& h);
// Binary samples x = (u < p), one rng.uniform() per element in row-major order.
Tensor sample_bernoulli(const Tensor& p, Rng& rng);

// E(v, h) per row of v (N, V) and h (N, H): N values.
std::vector<double> rbm_energy(const Rbm& rbm, const Tensor& v, const Tensor& h);
// F(v) per row of v (N, V): N values (double, softplus computed stably).
std::vector<double> rbm_free_energy(const Rbm& rbm, const Tensor& v);

// --- Contrastive divergence --------------------------------------------------------------------
struct CdOptions {
    int k = 1;                   // Gibbs steps in the negative phase (>= 1)
    float learning_rate = 0.05f;
    float momentum = 0.5f;
    float weight_decay = 0.0f;   // L2 on W only
};

// Everything one CD-k step computed, for a lesson to show (every tensor is for the whole batch).
struct CdTrace {
    Tensor v0, ph0, h0;    // data (N, V); p(h | v0) and its sample (N, H)
    Tensor pv1;            // p(v | h0) (N, V): the reconstruction the error is measured on
    Tensor vk, phk;        // the chain's end after k steps: v_k (N, V) and p(h | v_k) (N, H)
    Tensor dW, db, dc;     // the gradient estimate (before momentum, weight decay, lr)
    double recon_error = 0;  // mean over images and pixels of (v0 - pv1)^2
};

// The gradient estimate and trace of CD-k on v0 (N, V) (binary or in [0, 1]); does not change
// the RBM.
CdTrace rbm_cd_gradient(const Rbm& rbm, const Tensor& v0, int k, Rng& rng);

// Momentum SGD on an RBM (velocities for W, b and c).
class RbmTrainer {
public:
    RbmTrainer(Rbm& rbm, const CdOptions& o);
    // One CD-k step on v0 and the update; returns the reconstruction error. The trace of the
    // last step is kept (last()).
    double step(const Tensor& v0, Rng& rng);
    const CdTrace& last() const { return trace_; }
    CdOptions& options() { return o_; }
    const CdOptions& options() const { return o_; }

private:
    Rbm& rbm_;
    CdOptions o_;
    Tensor vW_, vb_, vc_;
    CdTrace trace_;
};

// --- Exact likelihood (small RBMs) ---------------------------------------------------------------
// log Z by enumerating the 2^H hidden states (log-sum-exp in double). Throws aelab::Error when
// H > kRbmExactMaxHidden.
double rbm_log_partition(const Rbm& rbm);
// The same sum, resumable: a page sums a slice of the states at a time (2^16 x 784 softplus terms
// take about half a second natively) and keeps drawing in between. Works on its own copy of the
// RBM; log_z() equals rbm_log_partition's bit for bit once done().
class RbmLogPartition {
public:
    // Throws aelab::Error when the RBM has more than kRbmExactMaxHidden hidden units.
    explicit RbmLogPartition(const Rbm& rbm);
    // Sums up to `max_states` more states; returns done().
    bool advance(std::uint64_t max_states);
    bool done() const { return next_ == states_; }
    double progress() const { return double(next_) / double(states_); }
    double log_z() const;  // valid once done()
    const Rbm& rbm() const { return rbm_; }
    std::uint64_t states() const { return states_; }

private:
    Rbm rbm_;
    std::vector<double> a_;        // b + W h for the current state h
    std::vector<unsigned char> h_;
    double ch_ = 0, m_, sum_ = 0;  // c^T h; the log-sum-exp's running max and sum
    std::uint64_t next_ = 0, states_;
};
// Mean of log p(v) = -F(v) - log Z over the rows of v (N, V): nats per image.
double rbm_log_likelihood(const Rbm& rbm, const Tensor& v, double log_z);
double rbm_log_likelihood(const Rbm& rbm, const Tensor& v);

// The exact gradient of the mean log-likelihood over v (N, V): the data term minus the model's
// expectation, <v h^T>_data - <v h^T>_model (the model term by enumerating the hidden states).
struct RbmGradient {
    Tensor dW, db, dc;  // (V, H), (V), (H)
};
RbmGradient rbm_exact_gradient(const Rbm& rbm, const Tensor& v);

// --- Gibbs sampling ----------------------------------------------------------------------------
// A batch of chains v -> h -> v -> ...; each step draws h ~ p(h | v) then v ~ p(v | h).
class GibbsChain {
public:
    // Starts from v (N, V) (binary or probabilities: a first step samples from it as is).
    GibbsChain(const Tensor& v_start, std::uint64_t seed);
    // Starts from uniform noise: N chains of V units, each v_i ~ Bernoulli(0.5).
    static GibbsChain from_noise(int chains, int visible, std::uint64_t seed);
    // One full step (v -> h -> v); returns the new p(v | h) (N, V), the mean images.
    const Tensor& step(const Rbm& rbm);
    int steps() const { return steps_; }
    const Tensor& v() const { return v_; }    // the current binary state (N, V)
    const Tensor& pv() const { return pv_; }  // p(v | h) of the last step (the start before one)
    const Tensor& h() const { return h_; }    // the last hidden sample (N, H); empty before a step

private:
    Tensor v_, pv_, h_;
    Rng rng_;
    int steps_ = 0;
};

}  // namespace aelab
