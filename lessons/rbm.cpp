// Lesson "Restricted Boltzmann machines and deep belief networks" (id: rbm)
// What it teaches: a restricted Boltzmann machine is an energy model over binary visible units v
// (here a binarised Fashion-MNIST image) and binary hidden units h, E(v, h) = -b^T v - c^T h -
// v^T W h, p(v, h) = exp(-E) / Z. With no connections inside a layer, the conditionals factorise
// into sigmoids, p(h_j = 1 | v) = sigmoid(c_j + v^T W_j) and p(v_i = 1 | h) = sigmoid(b_i + W_i h),
// which the page writes out for one image. Contrastive divergence CD-k replaces the model's
// expectation in the likelihood gradient by the end of a k-step Gibbs chain started at the data;
// the page steps one CD-k update and then trains live, with the exact log-likelihood of a small
// RBM (its 2^H hidden states summed out) next to CD's reconstruction error, and runs Gibbs
// chains from the trained RBM. RBMs stacked greedily make a deep belief network, whose weights
// unrolled into a deep autoencoder and fine-tuned by backpropagation (Hinton & Salakhutdinov
// 2006) are compared with random initialisation and greedy autoencoder stacking. Last, the DBN
// against the deep Boltzmann machine (Salakhutdinov & Hinton 2009) in words and one picture,
// with the weight-halving trick of DBM pretraining.
// Model, training and evaluation are the core's (aelab/rbm.hpp, aelab/recipe_rbm.hpp), the same
// the CLI runs (`aelab-cli train rbm|dbn-ae`).
//
// Index of this file:
//   [SECTION] 1. Maths: energy and conditionals
//   [SECTION] 2. Maths: one CD-k step replayed
//   [SECTION] 3. Maths: the exact likelihood, resumable (log Z summed a slice per frame)
//   [SECTION] Page state in the URL
//   [SECTION] PyTorch code
//   [SECTION] Drawing helpers
//   [SECTION] 1. The energy and the conditionals, one image      (keys vbin, img, draw, j, pix)
//   [SECTION] 2. One CD-k step, stepped                          (keys cdk, phase, cdimg)
//   [SECTION] 3. Training live                                   (keys k, hid, bin, seed, lr, steps, train)
//   [SECTION] 4. A Gibbs chain                                   (keys gstart, gseed)
//   [SECTION] 5. Stacking into a DBN and fine-tuning             (keys dseed, dlr, dsteps)
//   [SECTION] 6. DBN vs DBM
//   [SECTION] The lesson                                         (key open)
#include "rbm.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <memory>
#include <sstream>

#include <imgui.h>
#include <xtensor/xview.hpp>

#include "aelab/loss.hpp"
#include "aelab/rng.hpp"
#include "kit/a11y.hpp"
#include "kit/figure_export.hpp"
#include "kit/image_input.hpp"
#include "kit/palette.hpp"
#include "kit/platform.hpp"
#include "kit/pytorch.hpp"
#include "kit/widgets.hpp"
#include "lesson.hpp"

namespace aelab::lessons {
namespace rbm {

namespace {
double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
std::string num(double v) { return ui::fmt_num(float(v)); }
// Three significant digits, small probabilities included ("1e-05" rather than "0"); no "-0".
std::string g3(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", v == 0 ? 0.0 : v);
    return buf;
}
// A term after "+": negative numbers in parentheses.
std::string term(double v) { return v < 0 ? "(" + num(v) + ")" : num(v); }
}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] 1. Maths: energy and conditionals
//-----------------------------------------------------------------------------

Tensor binarized_test_image(const Dataset& data, int image, Binarize mode, std::uint64_t seed) {
    image = std::clamp(image, 0, int(data.size(Split::test)) - 1);
    Rng rng(seed);
    return binarize_images(data.batch(Split::test, std::size_t(image), 1), mode, rng);
}

EnergyTerms energy_terms(const Rbm& rbm, const Tensor& v, const Tensor& h) {
    const int V = rbm.visible(), H = rbm.hidden();
    if (v.size() != std::size_t(V) || h.size() != std::size_t(H))
        throw Error("rbm energy_terms: expected v (1, " + std::to_string(V) + ") and h (1, " + std::to_string(H) +
                    "), got " + shape_str(v.shape()) + " and " + shape_str(h.shape()));
    EnergyTerms e;
    for (int i = 0; i < V; ++i) e.bias_v -= double(rbm.b(i)) * v.data()[i];
    for (int j = 0; j < H; ++j) e.bias_h -= double(rbm.c(j)) * h.data()[j];
    for (int i = 0; i < V; ++i) {
        if (v.data()[i] == 0) continue;
        for (int j = 0; j < H; ++j) e.vwh -= double(v.data()[i]) * rbm.W(i, j) * h.data()[j];
    }
    return e;
}

HiddenTerms hidden_terms(const Rbm& rbm, const Tensor& v, int j) {
    const int V = rbm.visible(), H = rbm.hidden();
    if (v.size() != std::size_t(V)) throw Error("rbm hidden_terms: expected v (1, " + std::to_string(V) + "), got " + shape_str(v.shape()));
    HiddenTerms t;
    t.j = std::clamp(j, 0, H - 1);
    t.c = rbm.c(t.j);
    t.pre = t.c;
    for (int i = 0; i < V; ++i) {
        const float vi = v.data()[i];
        if (vi == 0) continue;
        t.pixels.push_back(i);
        t.weights.push_back(vi * rbm.W(i, t.j));
        t.pre += double(vi) * rbm.W(i, t.j);
    }
    t.p = sigmoid(t.pre);
    return t;
}

VisibleTerms visible_terms(const Rbm& rbm, const Tensor& h, int i) {
    const int V = rbm.visible(), H = rbm.hidden();
    if (h.size() != std::size_t(H)) throw Error("rbm visible_terms: expected h (1, " + std::to_string(H) + "), got " + shape_str(h.shape()));
    VisibleTerms t;
    t.i = std::clamp(i, 0, V - 1);
    t.b = rbm.b(t.i);
    t.pre = t.b;
    for (int j = 0; j < H; ++j) {
        const float hj = h.data()[j];
        if (hj == 0) continue;
        t.units.push_back(j);
        t.weights.push_back(hj * rbm.W(t.i, j));
        t.pre += double(hj) * rbm.W(t.i, j);
    }
    t.p = sigmoid(t.pre);
    return t;
}

namespace {
// "sigmoid(<bias> + w1 + w2 + ... )" written twice, symbolically and with numbers.
std::string terms_text(const std::string& lhs, const std::string& bias_name, float bias, const std::vector<std::string>& names,
                       const std::vector<float>& weights, double pre, double p, int max_terms) {
    const std::size_t shown = std::min(names.size(), std::size_t(std::max(0, max_terms)));
    double rest = 0;
    for (std::size_t q = shown; q < weights.size(); ++q) rest += weights[q];
    std::string sym = lhs + " = sigmoid(" + bias_name, val = "  = sigmoid(" + num(bias);
    for (std::size_t q = 0; q < shown; ++q) {
        sym += " + " + names[q];
        val += " + " + term(weights[q]);
    }
    if (shown < names.size()) {
        const std::string more = " + ... (" + std::to_string(names.size() - shown) + " more terms";
        sym += more + ")";
        val += more + ", together " + num(rest) + ")";
    }
    return sym + ")\n" + val + ")\n  = sigmoid(" + num(pre) + ") = " + num(p) + "   (" + std::to_string(names.size()) +
           " active, sum of all terms " + num(pre) + ")";
}
}  // namespace

std::string hidden_terms_text(const HiddenTerms& t, int max_terms) {
    std::vector<std::string> names;
    for (int i : t.pixels) names.push_back("W[" + std::to_string(i) + "," + std::to_string(t.j) + "]");
    return terms_text("p(h_" + std::to_string(t.j) + " = 1 | v)", "c_" + std::to_string(t.j), t.c, names, t.weights, t.pre,
                      t.p, max_terms);
}

std::string visible_terms_text(const VisibleTerms& t, int max_terms) {
    std::vector<std::string> names;
    for (int j : t.units) names.push_back("W[" + std::to_string(t.i) + "," + std::to_string(j) + "]");
    return terms_text("p(v_" + std::to_string(t.i) + " = 1 | h)", "b_" + std::to_string(t.i), t.b, names, t.weights, t.pre,
                      t.p, max_terms);
}

std::string energy_text(const EnergyTerms& e) {
    return "E(v, h) = -b^T v - c^T h - v^T W h = " + num(e.bias_v) + " + " + term(e.bias_h) + " + " + term(e.vwh) + " = " +
           num(e.total());
}

//-----------------------------------------------------------------------------
// [SECTION] 2. Maths: one CD-k step replayed
//-----------------------------------------------------------------------------

CdReplay replay_cd(const Rbm& rbm, const Tensor& v0, int k, std::uint64_t seed) {
    if (k < 1) throw Error("rbm replay_cd: k (Gibbs steps) must be >= 1, got " + std::to_string(k));
    CdReplay r;
    r.k = k;
    {
        Rng rng(seed);
        r.trace = rbm_cd_gradient(rbm, v0, k, rng);
    }
    Rng rng(seed);  // the same draws in the same order as rbm_cd_gradient
    r.v0 = v0;
    r.ph0 = rbm_hidden_probs(rbm, v0);
    r.h0 = sample_bernoulli(r.ph0, rng);
    Tensor h = r.h0;
    for (int t = 1; t <= k; ++t) {
        r.pv.push_back(rbm_visible_probs(rbm, h));
        r.v.push_back(sample_bernoulli(r.pv.back(), rng));
        r.ph.push_back(rbm_hidden_probs(rbm, r.v.back()));
        if (t < k) {
            h = sample_bernoulli(r.ph.back(), rng);
            r.h.push_back(h);
        }
    }
    return r;
}

Tensor cd_batch(const Dataset& data, int count, Binarize mode, std::uint64_t seed) {
    count = std::clamp(count, 1, int(data.size(Split::train)));
    Rng rng(seed);
    return binarize_images(data.batch(Split::train, 0, std::size_t(count)), mode, rng);
}

std::string weight_gradient_text(const CdReplay& r, const Rbm& rbm, int i, int j, const CdOptions& o) {
    const int N = int(r.v0.shape()[0]), H = rbm.hidden(), V = rbm.visible();
    i = std::clamp(i, 0, V - 1), j = std::clamp(j, 0, H - 1);
    const Tensor& vk = r.v.back();
    const Tensor& phk = r.ph.back();
    const std::string ij = std::to_string(i) + "," + std::to_string(j);
    std::string s = "dW[" + ij + "] = (1/N) sum_n (v0[n," + std::to_string(i) + "] * ph0[n," + std::to_string(j) + "] - v" +
                    std::to_string(r.k) + "[n," + std::to_string(i) + "] * ph" + std::to_string(r.k) + "[n," +
                    std::to_string(j) + "])\n";
    double sum = 0;
    for (int n = 0; n < N; ++n) {
        const double pos = double(r.v0(n, i)) * r.ph0(n, j), neg = double(vk(n, i)) * phk(n, j);
        sum += pos - neg;
        s += "  n = " + std::to_string(n) + ":  " + g3(r.v0(n, i)) + " * " + g3(r.ph0(n, j)) + " - " + g3(vk(n, i)) + " * " +
             g3(phk(n, j)) + " = " + g3(pos - neg) + "\n";
    }
    const double dw = sum / N;
    s += "dW[" + ij + "] = " + num(sum) + " / " + std::to_string(N) + " = " + num(dw) + "   (the core: " + num(r.trace.dW(i, j)) +
         ")\n";
    const double w = rbm.W(i, j), delta = double(o.learning_rate) * (dw - double(o.weight_decay) * w);
    s += "update (first step, velocity 0): W[" + ij + "] += lr * (dW - weight_decay * W) = " + num(o.learning_rate) +
         " * (" + num(dw) + " - " + num(o.weight_decay) + " * " + term(w) + ") = " + num(delta) + "\n";
    s += "W[" + ij + "]: " + num(w) + " -> " + num(w + delta);
    return s;
}

//-----------------------------------------------------------------------------
// [SECTION] 3. Maths: the exact likelihood, resumable
//-----------------------------------------------------------------------------

bool LogPartitionJob::advance_for(double budget_ms) {
    const auto start = std::chrono::steady_clock::now();
    while (!advance(64)) {
        const std::chrono::duration<double, std::milli> spent = std::chrono::steady_clock::now() - start;
        if (spent.count() >= budget_ms) break;
    }
    return done();
}

int likelihood_every(int hidden) { return hidden <= 12 ? kEvalEvery : 500; }

//-----------------------------------------------------------------------------
// [SECTION] Page state in the URL
//-----------------------------------------------------------------------------

kit::UrlState url_state(Settings& s, kit::Sections& sections, LiveTraining& rbm_training, LiveTraining& dbn_training) {
    kit::UrlState url;
    rbm_training.controls().learning_rate = RbmRecipeOptions{}.cd.learning_rate;
    rbm_training.controls().lr_min = 1e-4f, rbm_training.controls().lr_max = 1.0f;
    dbn_training.controls().learning_rate = DbnAeOptions{}.learning_rate;
    dbn_training.controls().lr_min = 1e-5f, dbn_training.controls().lr_max = 0.1f;
    dbn_training.controls().seed = int(DbnAeOptions{}.seed);
    url.add_enum("vbin", s.image_binarize, 2).add("img", s.image, 0, 9999).add("draw", s.draw, 0, 1000000);
    url.add("j", s.hidden_unit, 0, 255).add("pix", s.pixel, 0, 783);
    url.add("cdk", s.k, 1, kMaxK).add("phase", s.phase, 0, kMaxK + 2).add("cdimg", s.cd_image, 0, kCdBatch - 1);
    url.add("k", s.train_k, 1, kMaxK);
    url.custom(
        "hid",
        [&s](const std::string& t) {
            int v = 0;
            if (!kit::UrlState::parse_int(t, 1, 256, v)) return false;
            for (int h : kHiddenChoices)
                if (h == v) {
                    s.hidden = v;
                    return true;
                }
            return false;
        },
        [&s] { return std::to_string(s.hidden); });
    url.add_enum("bin", s.binarize, 2).add("gstart", s.chain_from_image).add("gseed", s.chain_seed, 0, 1000000);
    sections.bind(url, kSections);
    rbm_training.bind(url, kMinSteps, kMaxSteps);
    dbn_training.bind_prefixed(url, "d", kDbnMinSteps, kDbnMaxSteps);
    return url;
}

RbmRecipeOptions recipe_options(const Settings& s, const LiveTraining& training, int test_images) {
    RbmRecipeOptions o;
    o.hidden = s.hidden;
    o.cd.k = s.train_k;
    o.cd.learning_rate = training.controls().learning_rate;
    o.binarize = s.binarize;
    o.seed = std::uint64_t(training.controls().seed);
    o.steps = training.max_steps();
    o.eval_count = std::clamp(o.eval_count, 1, std::max(1, test_images));
    return o;
}

DbnAeOptions dbn_options(const Settings& s, const LiveTraining& training, int test_images) {
    DbnAeOptions base;
    base.learning_rate = training.controls().learning_rate;
    base.seed = std::uint64_t(training.controls().seed);
    base.binarize = s.binarize;
    base.eval_count = std::clamp(base.eval_count, 1, std::max(1, test_images));
    return dbn_ae_schedule(std::max(3, training.max_steps()), base);
}

//-----------------------------------------------------------------------------
// [SECTION] PyTorch code
//-----------------------------------------------------------------------------

namespace {
const char* binarize_py(Binarize mode, const char* x) {
    static std::string s;
    s = mode == Binarize::threshold ? std::string("(") + x + " > 0.5).float()      # threshold"
                                    : std::string("torch.bernoulli(") + x + ")       # sampled: a fresh draw";
    return s.c_str();
}
}  // namespace

std::string pytorch_conditionals(int image, Binarize mode, int j, int i) {
    std::ostringstream s;
    s << "import numpy as np, torch\n"
         "# the page's RBM and image, saved with the export buttons below\n"
         "W, b, c = (torch.from_numpy(np.load(f'rbm_{n}.npy')) for n in 'Wbc')   # (784, H), (784,), (H,)\n"
         "v = torch.from_numpy(np.load('rbm_v.npy'))     # (1, 784): test image "
      << image << ", v = " << binarize_py(mode, "x") << "\n"
      << "h = torch.from_numpy(np.load('rbm_h.npy'))     # (1, H): the page's sample h ~ p(h | v)\n"
         "\n"
         "ph = torch.sigmoid(v @ W + c)                   # p(h_j = 1 | v) for every j, (1, H)\n"
         "pv = torch.sigmoid(h @ W.T + b)                 # p(v_i = 1 | h) for every i, (1, 784)\n"
         "E = -(v @ b) - (h @ c) - (v @ W * h).sum()      # E(v, h) = -b^T v - c^T h - v^T W h\n"
         "h_new = torch.bernoulli(ph)                     # another sample of the hidden units\n"
         "\n"
         "j, i = "
      << j << ", " << i
      << "\n"
         "print(ph[0, j], torch.sigmoid(c[j] + W[v[0] == 1, j].sum()))   # the sum over the active pixels\n"
         "print(pv[0, i], torch.sigmoid(b[i] + W[i, h[0] == 1].sum()))   # the sum over the active hidden units\n"
         "print(E)";
    return s.str();
}

std::string pytorch_cd_step(int k, const CdOptions& o) {
    char head[400];
    std::snprintf(head, sizeof head, "import torch\n\ndef cd_step(v0, W, b, c, vel, k=%d, lr=%s, momentum=%s, weight_decay=%s):\n", k,
                  kit::py_float(o.learning_rate).c_str(), kit::py_float(o.momentum).c_str(),
                  kit::py_float(o.weight_decay).c_str());
    return std::string(head) +
           "    ph0 = torch.sigmoid(v0 @ W + c)              # positive phase: p(h | v0), (N, H)\n"
           "    h = torch.bernoulli(ph0)                     # h0\n"
           "    for t in range(1, k + 1):                    # k Gibbs steps\n"
           "        pv = torch.sigmoid(h @ W.T + b)          # p(v | h_{t-1})\n"
           "        if t == 1: recon_error = ((v0 - pv) ** 2).mean()\n"
           "        v = torch.bernoulli(pv)                  # v_t\n"
           "        ph = torch.sigmoid(v @ W + c)            # p(h | v_t)\n"
           "        if t < k: h = torch.bernoulli(ph)        # h_t (h_k is not needed)\n"
           "    N = v0.shape[0]                              # negative phase: (v_k, ph_k)\n"
           "    dW = (v0.T @ ph0 - v.T @ ph) / N             # <v h^T>_data - <v h^T>_model (CD-k estimate)\n"
           "    db = (v0 - v).mean(0)\n"
           "    dc = (ph0 - ph).mean(0)\n"
           "    for p, g, vp, wd in ((W, dW, vel[0], weight_decay), (b, db, vel[1], 0.), (c, dc, vel[2], 0.)):\n"
           "        vp.mul_(momentum).add_(lr * (g - wd * p))   # velocity\n"
           "        p.add_(vp)                                # ASCENT on the log-likelihood\n"
           "    return recon_error\n"
           "\n"
           "# vel = [torch.zeros_like(W), torch.zeros_like(b), torch.zeros_like(c)]";
}

std::string pytorch_training(const RbmRecipeOptions& o) {
    std::ostringstream s;
    s << "import itertools, torch, torch.nn.functional as F\n"
         "# train_x: (60000, 784) Fashion-MNIST in [0, 1]; test_x the same for the test set; cd_step as above\n"
         "H = "
      << o.hidden << "\ntorch.manual_seed(" << o.seed
      << ")\n"
         "W = 0.01 * torch.randn(784, H)\n"
         "p = train_x.mean(0).clamp(0.01, 0.99)\n"
         "b = torch.log(p / (1 - p))                     # visible biases: the data's log odds\n"
         "c = torch.zeros(H)\n"
         "vel = [torch.zeros_like(W), torch.zeros_like(b), torch.zeros_like(c)]\n"
         "for step in range("
      << o.steps << "):\n"
      << "    x = train_x[torch.randint(0, len(train_x), (" << o.batch_size << ",))]\n"
      << "    v0 = " << binarize_py(o.binarize, "x") << "\n"
      << "    err = cd_step(v0, W, b, c, vel, k=" << o.cd.k << ", lr=" << kit::py_float(o.cd.learning_rate)
      << ", momentum=" << kit::py_float(o.cd.momentum)
      << ")\n"
         "\n"
         "def log_z(W, b, c):                             # sums the 2^H hidden states (H <= 20)\n"
         "    W, b, c = W.double(), b.double(), c.double()\n"
         "    hs = torch.tensor(list(itertools.product([0., 1.], repeat=W.shape[1])), dtype=torch.float64)\n"
         "    return torch.logsumexp(hs @ c + F.softplus(hs @ W.T + b).sum(1), 0)   # visible units summed out\n"
         "\n"
         "def free_energy(v, W, b, c):                    # F(v) = -b^T v - sum_j softplus(c_j + v^T W_j)\n"
         "    v, W, b, c = v.double(), W.double(), b.double(), c.double()\n"
         "    return -(v @ b) - F.softplus(v @ W + c).sum(1)\n"
         "\n"
         "v = (test_x[:"
      << o.eval_count
      << "] > 0.5).float()\n"
         "print('log-likelihood', (-free_energy(v, W, b, c) - log_z(W, b, c)).mean().item())   # nats per image\n"
         "pv = torch.sigmoid(torch.sigmoid(v @ W + c) @ W.T + b)\n"
         "print('reconstruction error', ((v - pv) ** 2).mean().item())";
    return s.str();
}

std::string pytorch_dbn(const DbnAeOptions& o) {
    std::ostringstream s;
    s << "import torch, torch.nn as nn, torch.nn.functional as F\n"
         "# rbm_train(data, n_hidden, steps) trains an RBM by CD-1 as above and returns W, b, c\n"
         "h1, h2 = "
      << o.hidden1 << ", " << o.hidden2
      << "\n"
         "def deep_ae():\n"
         "    return nn.Sequential(nn.Linear(784, h1), nn.Sigmoid(), nn.Linear(h1, h2), nn.Sigmoid(),\n"
         "                         nn.Linear(h2, h1), nn.Sigmoid(), nn.Linear(h1, 784), nn.Sigmoid())\n"
         "\n"
         "# stage 1 and 2: RBM 1 on the pixels, RBM 2 on RBM 1's hidden probabilities\n"
         "W1, b1, c1 = rbm_train(v_train, h1, steps="
      << o.stage1_steps << ")\n"
      << "W2, b2, c2 = rbm_train(torch.sigmoid(v_train @ W1 + c1), h2, steps=" << o.stage2_steps
      << ")\n"
         "\n"
         "dbn = deep_ae()                                # unrolled: encoder W^T, decoder W\n"
         "with torch.no_grad():\n"
         "    dbn[0].weight.copy_(W1.T); dbn[0].bias.copy_(c1)\n"
         "    dbn[2].weight.copy_(W2.T); dbn[2].bias.copy_(c2)\n"
         "    dbn[4].weight.copy_(W2);   dbn[4].bias.copy_(b2)\n"
         "    dbn[6].weight.copy_(W1);   dbn[6].bias.copy_(b1)\n"
         "random = deep_ae()                             # the same network from random weights\n"
         "\n"
         "# stage 3: fine-tune end to end (the random arm trains all "
      << o.total_steps() << " steps)\n"
      << "opt = torch.optim.Adam(dbn.parameters(), lr=" << kit::py_float(o.learning_rate) << ")\n"
      << "for step in range(" << o.finetune_steps
      << "):\n"
         "    v = next_binarised_batch()\n"
         "    loss = F.mse_loss(dbn(v), v)\n"
         "    opt.zero_grad(); loss.backward(); opt.step()\n"
         "with torch.no_grad():\n"
         "    print(F.mse_loss(dbn(v_test), v_test))      # held-out MSE per pixel";
    return s.str();
}

//-----------------------------------------------------------------------------
// [SECTION] Drawing helpers
//-----------------------------------------------------------------------------
namespace {

constexpr int kSide = 28, kPixels = 784;

// Row n of a (N, 784) batch as a 28 x 28 gray image; `mark` outlines one pixel (-1: none).
ui::Hover image(const char* id, const Tensor& batch, std::size_t n, float zoom, int mark = -1) {
    ui::HeatmapStyle hs;
    hs.zoom = zoom;
    std::vector<ui::Highlight> hl;
    if (mark >= 0) hl.push_back({mark / kSide, mark % kSide, mark / kSide + 1, mark % kSide + 1, kit::palette::argmax});
    return ui::heatmap(id, batch.data() + n * kPixels, kSide, kSide, hs, hl);
}

// Row n of a (N, H) batch as a row of H cells in [0, 1]; `mark` outlines one unit (-1: none).
ui::Hover bars(const char* id, const Tensor& batch, std::size_t n, float zoom = 14.0f, int mark = -1) {
    const int H = int(batch.shape()[1]);
    ui::HeatmapStyle hs;
    hs.zoom = std::min(zoom, 420.0f / float(H));
    hs.zoom = std::max(hs.zoom, 2.0f);
    std::vector<ui::Highlight> hl;
    if (mark >= 0) hl.push_back({0, mark, 1, mark + 1, kit::palette::argmax});
    return ui::heatmap(id, batch.data() + n * std::size_t(H), 1, H, hs, hl);
}

// A 28 x 28 plane of signed values (weights, gradients), blue - white - red, symmetric range.
void signed_image(const char* id, const float* plane, float zoom) {
    ui::HeatmapStyle hs;
    hs.zoom = zoom;
    hs.cmap = ui::Colormap::diverging;
    hs.auto_range = true;
    hs.legend = false;
    ui::heatmap(id, plane, kSide, kSide, hs);
}

// Column j of a (784, H) matrix as a 28 x 28 plane.
Tensor column(const Tensor& m, int j) {
    Tensor p = zeros({std::size_t(kSide), std::size_t(kSide)});
    const std::size_t H = m.shape()[1];
    for (std::size_t i = 0; i < std::size_t(kPixels); ++i) p.data()[i] = m.data()[i * H + std::size_t(j)];
    return p;
}

// Rows [0, n) of a (N, 784) batch as (n, 1, 28, 28).
Tensor as_images(const Tensor& batch, int n) {
    Tensor t = xt::view(batch, xt::range(0, n));
    t.reshape(Shape{std::size_t(n), 1, 28, 28});
    return t;
}

std::string fixed(double v, int digits = 4) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

void draw_arrow(ImDrawList* dl, ImVec2 from, ImVec2 to, ImU32 col, float thickness, bool head) {
    dl->AddLine(from, to, col, thickness);
    if (!head) return;
    const float dx = to.x - from.x, dy = to.y - from.y, len = std::sqrt(dx * dx + dy * dy);
    if (len < 1) return;
    const float ux = dx / len, uy = dy / len, s = 6.0f;
    dl->AddTriangleFilled(to, ImVec2(to.x - ux * s - uy * s * 0.5f, to.y - uy * s + ux * s * 0.5f),
                          ImVec2(to.x - ux * s + uy * s * 0.5f, to.y - uy * s - ux * s * 0.5f), col);
}

// Layers as rows of units (v at the bottom), each row centred; `directed[l]`: the connections
// between layer l and l + 1 are arrows pointing down (generative, top-down), otherwise undirected
// lines.
void draw_network(const char* id, const char* title, const std::vector<int>& units, const std::vector<const char*>& names,
                  const std::vector<bool>& directed) {
    const float w = 240, row = 70, r = 8, spacing = 36;
    const float h = row * float(units.size() - 1) + 36;
    ImGui::BeginGroup();
    ImGui::TextUnformatted(title);
    const ImVec2 o = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton(id, ImVec2(w, h));
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImU32 ink = ImGui::GetColorU32(ImGuiCol_Text), fill = kit::palette::series[0];
    const ImU32 line = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    auto pos = [&](std::size_t l, int u) {
        const float centre = o.x + 30 + (w - 30) / 2;
        return ImVec2(centre + (float(u) - float(units[l] - 1) / 2) * spacing, o.y + h - 18 - row * float(l));
    };
    for (std::size_t l = 0; l + 1 < units.size(); ++l)
        for (int a = 0; a < units[l]; ++a)
            for (int b = 0; b < units[l + 1]; ++b) {
                ImVec2 top = pos(l + 1, b), bottom = pos(l, a);
                // From circle edge to circle edge, so an arrowhead is visible.
                const float dx = bottom.x - top.x, dy = bottom.y - top.y, len = std::sqrt(dx * dx + dy * dy);
                top = ImVec2(top.x + dx / len * r, top.y + dy / len * r);
                bottom = ImVec2(bottom.x - dx / len * (r + 1), bottom.y - dy / len * (r + 1));
                draw_arrow(dl, top, bottom, directed[l] ? ink : line, directed[l] ? 1.0f : 1.5f, directed[l]);
            }
    for (std::size_t l = 0; l < units.size(); ++l) {
        for (int u = 0; u < units[l]; ++u) {
            dl->AddCircleFilled(pos(l, u), r, fill, 16);
            dl->AddCircle(pos(l, u), r, ink, 16, 1.0f);
        }
        dl->AddText(ImVec2(o.x + 2, pos(l, 0).y - 7), ink, names[l]);
    }
    ImGui::EndGroup();
}

//-----------------------------------------------------------------------------
// The page
//-----------------------------------------------------------------------------

class RbmLesson : public Lesson {
public:
    RbmLesson() {
        url_.read();
        s_.hidden_unit = std::clamp(s_.hidden_unit, 0, s_.hidden - 1);
        s_.phase = std::clamp(s_.phase, 0, s_.k + 2);
    }
    void draw() override;

private:
    Settings s_;
    kit::Sections sections_{0b111111};
    LiveTraining live_{RbmRecipeOptions{}.steps, RbmRecipeOptions{}.batch_size, 60000, kEvalEvery};
    LiveTraining dbn_live_{DbnAeOptions{}.total_steps(), DbnAeOptions{}.batch_size, 60000, 250};
    kit::UrlState url_ = url_state(s_, sections_, live_, dbn_live_);
    const Dataset* data_ = nullptr;

    // The RBM's training (section 3) and what it records. recipe_ is the training's view copy
    // (LiveTraining::view), holding the weights of the latest snapshot.
    RbmRecipe* recipe_ = nullptr;
    // Held-out figures: the reconstruction error at once; the exact log-likelihood when its log Z
    // job (a snapshot of the RBM at that step, which the job's evaluation carries) has summed all
    // the states, a slice per frame.
    struct EvalPoint {
        int step;
        RbmEval eval;
    };
    std::vector<EvalPoint> evals_;
    std::deque<std::pair<std::size_t, LogPartitionJob>> jobs_;  // (index into evals_, job), oldest first

    void evaluated_rbm(int step, const std::vector<float>& figures) {
        const RbmJobEval e = rbm_eval_from(figures, recipe_->rbm().hidden());
        EvalPoint p{step, RbmEval{}};
        p.eval.recon_error = e.recon_error;
        evals_.push_back(p);
        if (e.has_snapshot) jobs_.emplace_back(evals_.size() - 1, LogPartitionJob(e.snapshot, step));
    }

    // Sums log Z states for `budget_ms` of this frame, oldest job first.
    void advance_likelihood(double budget_ms, bool ask_next_frame) {
        const auto start = std::chrono::steady_clock::now();
        while (!jobs_.empty()) {
            const std::chrono::duration<double, std::milli> spent = std::chrono::steady_clock::now() - start;
            if (spent.count() >= budget_ms) break;
            auto& [index, job] = jobs_.front();
            if (!job.advance_for(budget_ms - spent.count())) break;
            RbmEval& e = evals_[index].eval;
            e.exact = true;
            e.log_z = job.log_z();
            e.log_likelihood = rbm_log_likelihood(job.rbm(), recipe_->eval_images(), e.log_z);
            jobs_.pop_front();
        }
        if (!jobs_.empty() && ask_next_frame) platform::request_frame();  // the next slice in the next frame
    }
    const EvalPoint* latest_exact() const {
        for (auto it = evals_.rbegin(); it != evals_.rend(); ++it)
            if (it->eval.exact) return &*it;
        return nullptr;
    }
    // The DBN's (section 5).
    DbnAeRecipe* dbn_ = nullptr;  // the DBN training's view copy
    std::vector<float> dbn_random_, dbn_greedy_;  // per step, beside run().losses() (the dbn arm)
    struct DbnPoint {
        int step;
        DbnAeEval eval;
    };
    std::vector<DbnPoint> dbn_evals_;

    int test_images() const { return data_ ? int(data_->size(Split::test)) : 1; }

    // Both machines train as the core's jobs (aelab/jobs/rbm.hpp) on the kit's trainer (a Web
    // Worker, a second thread or this thread); the pages read the view copies.
    void attach() {
        live_.track(train_recon_);
        LiveTraining::JobHooks h;
        h.data = data_;
        h.spec = [this] {
            recipe_ = nullptr;
            evals_.clear();
            jobs_.clear();
            chain_.reset();
            RbmJobOptions o{recipe_options(s_, live_, test_images()), 0};
            o.log_z_every = likelihood_every(o.recipe.hidden);
            return rbm_job_spec(o);
        };
        h.built = [this](TrainJob& job) { recipe_ = &static_cast<RbmJob&>(job).recipe(); };
        h.evaluated = [this](int step, const std::vector<float>& f) { evaluated_rbm(step, f); };
        live_.set_job(std::move(h));
        dbn_live_.track(dbn_random_), dbn_live_.track(dbn_greedy_);
        LiveTraining::JobHooks d;
        d.data = data_;
        d.spec = [this] {
            dbn_ = nullptr;
            dbn_evals_.clear();
            dbn_recon_version_ = -1;
            return dbn_job_spec(dbn_options(s_, dbn_live_, test_images()));
        };
        d.built = [this](TrainJob& job) { dbn_ = &static_cast<DbnJob&>(job).recipe(); };
        d.evaluated = [this](int step, const std::vector<float>& f) { dbn_evals_.push_back({step, dbn_eval_from(f)}); };
        dbn_live_.set_job(std::move(d));
        live_.rebuild();
        dbn_live_.rebuild();
    }
    std::vector<float> train_recon_;

    void report_status() {
        const TrainingRun& run = live_.run();
        platform::set_status("step", std::to_string(run.step()));
        platform::set_status("loss", run.losses().empty() ? "" : ui::fmt_num(run.losses().back()));
        platform::set_status("first_loss", run.losses().empty() ? "" : ui::fmt_num(run.losses().front()));
        if (!evals_.empty()) platform::set_status("recon_error", fixed(evals_.back().eval.recon_error, 5));
        if (const EvalPoint* p = latest_exact()) {
            platform::set_status("log_likelihood", fixed(p->eval.log_likelihood, 3));
            platform::set_status("log_likelihood_step", std::to_string(p->step));
        }
        platform::set_status("gibbs_steps", std::to_string(chain_ ? chain_->steps() : 0));
        platform::set_status("dbn_step", std::to_string(dbn_live_.run().step()));
        if (!dbn_evals_.empty()) {
            const DbnAeEval& e = dbn_evals_.back().eval;
            platform::set_status("mse_pretrained_finetuned", fixed(e.mse_dbn, 5));
            platform::set_status("mse_random_init", fixed(e.mse_random, 5));
            platform::set_status("mse_greedy_ae", fixed(e.mse_greedy, 5));
        }
    }

    //-------------------------------------------------------------------------
    // [SECTION] 1. The energy and the conditionals, one image
    //-------------------------------------------------------------------------
    Tensor v1_, h1_, ph1_, pv1_, W_, b_, c_;  // section 1's v (1, 784), h (1, H), p(h|v), p(v|h); the RBM's weights

    void draw_conditionals() {
        const Rbm& r = recipe_->rbm();
        const int H = r.hidden();
        ImGui::TextWrapped(
            "An RBM's units are bits, so the image must be made binary first. Threshold: v_i = 1 where the pixel is above "
            "0.5, the same bits every time. Sampled: v_i ~ Bernoulli(x_i), a pixel of grey level 0.3 is on in 30%% of the "
            "draws; the average over draws is the grey image, so no information is thrown away, at the price of noise. "
            "The numbers below use the RBM of section 3 as it is now (step %d%s), %d hidden units.",
            live_.run().step(), live_.run().step() == 0 ? ": untrained, tiny random weights, so the probabilities are near "
                                                          "sigmoid(bias)" : "",
            H);
        ui::code_block("rbm-formulas",
                       "E(v, h)      = -b^T v - c^T h - v^T W h             p(v, h) = exp(-E(v, h)) / Z\n"
                       "p(h_j=1 | v) = sigmoid(c_j + sum_i v_i W_ij)        (no hidden-hidden links: the h_j are independent given v)\n"
                       "p(v_i=1 | h) = sigmoid(b_i + sum_j W_ij h_j)        (no visible-visible links: the v_i are independent given h)");
        const int n = test_images();
        s_.image = std::clamp(s_.image, 0, n - 1);
        ImGui::SetNextItemWidth(140);
        if (ImGui::InputInt("test image", &s_.image)) {
            s_.image = std::clamp(s_.image, 0, n - 1);
            mine_.use = false;
        }
        ui::same_line_if_fits(ui::check_width("threshold") + ui::check_width("sampled") + 60);
        ImGui::TextUnformatted("binarise:");
        ImGui::SameLine();
        if (ui::radio_button("threshold", s_.image_binarize == Binarize::threshold)) s_.image_binarize = Binarize::threshold;
        ImGui::SameLine();
        if (ui::radio_button("sampled", s_.image_binarize == Binarize::sampled)) s_.image_binarize = Binarize::sampled;
        ui::same_line_if_fits(ui::button_width("New draw of h"));
        if (ImGui::Button("New draw of h")) ++s_.draw;
        ImGui::SameLine();
        ImGui::TextDisabled("draw %d", s_.draw);
        kit::test_or_own_image(mine_);
        platform::set_status("rbm_input", mine_.use ? "your image" : "test image");

        // One stream: the binarisation (if sampled) draws first, then h ~ p(h | v).
        Rng rng(kSampleSeed + std::uint64_t(s_.draw));
        const Tensor x = section1_image();
        v1_ = binarize_images(x, s_.image_binarize, rng);
        ph1_ = rbm_hidden_probs(r, v1_);
        h1_ = sample_bernoulli(ph1_, rng);
        pv1_ = rbm_visible_probs(r, h1_);
        W_ = r.W, b_ = r.b, c_ = r.c;
        Rng other(kSampleSeed + std::uint64_t(s_.draw));
        const Tensor v_other = binarize_images(x, s_.image_binarize == Binarize::threshold ? Binarize::sampled : Binarize::threshold, other);

        ui::begin_flow("x", true);
        ImGui::TextUnformatted("grey image x");
        image("x", x, 0, 4.0f);
        ui::end_flow();
        ui::begin_flow("v");
        ImGui::Text("v (%s)", binarize_name(s_.image_binarize));
        const ui::Hover hv = image("v", v1_, 0, 4.0f, s_.pixel);
        if (hv.clicked) s_.pixel = hv.row * kSide + hv.col;
        ImGui::TextDisabled("click: pixel i");
        ui::end_flow();
        ui::begin_flow("v-other");
        ImGui::Text("the other way (%s)", binarize_name(s_.image_binarize == Binarize::threshold ? Binarize::sampled : Binarize::threshold));
        image("vo", v_other, 0, 4.0f);
        ui::end_flow();
        ui::begin_flow("pv");
        ImGui::TextUnformatted("p(v = 1 | h)");
        image("pv", pv1_, 0, 4.0f);
        ui::end_flow();
        s_.hidden_unit = std::clamp(s_.hidden_unit, 0, H - 1);
        ImGui::TextUnformatted("p(h = 1 | v), one cell per hidden unit (click: unit j):");
        const ui::Hover hp = bars("ph", ph1_, 0, 14.0f, s_.hidden_unit);
        if (hp.clicked) s_.hidden_unit = hp.col;
        ImGui::TextUnformatted("h ~ p(h | v), the sample:");
        bars("h", h1_, 0, 14.0f, s_.hidden_unit);

        const EnergyTerms e = energy_terms(r, v1_, h1_);
        int active = 0;
        for (float vi : v1_) active += vi != 0;
        platform::set_status("rbm_pixels_on", std::to_string(active));
        ImGui::TextWrapped("%d of the 784 pixels are on; %d of the %d hidden units in the sample.", active,
                           int(std::count(h1_.begin(), h1_.end(), 1.0f)), H);
        ui::code_block("energy", energy_text(e) + "\n(rbm_energy: " + num(rbm_energy(r, v1_, h1_)[0]) +
                                     "; lower energy = more probable pair)");

        ImGui::SetNextItemWidth(120);
        if (ImGui::InputInt("hidden unit j", &s_.hidden_unit)) s_.hidden_unit = std::clamp(s_.hidden_unit, 0, H - 1);
        s_.hidden_unit = std::clamp(s_.hidden_unit, 0, H - 1);
        ui::same_line_if_fits(ui::labeled_width(120, "pixel i (row*28+col)"));
        ImGui::SetNextItemWidth(120);
        if (ImGui::InputInt("pixel i (row*28+col)", &s_.pixel)) s_.pixel = std::clamp(s_.pixel, 0, kPixels - 1);
        const HiddenTerms ht = hidden_terms(r, v1_, s_.hidden_unit);
        ui::code_block("hidden-terms", hidden_terms_text(ht, 4) + "\n(rbm_hidden_probs: " + num(ph1_(0, s_.hidden_unit)) + ")");
        if (ImGui::TreeNode("all terms")) {
            ImGui::TextWrapped("%s", hidden_terms_text(ht, 100000).c_str());
            ImGui::TreePop();
        }
        const VisibleTerms vt = visible_terms(r, h1_, s_.pixel);
        ui::code_block("visible-terms", visible_terms_text(vt, 4) + "\n(rbm_visible_probs: " + num(pv1_(0, s_.pixel)) +
                                            ";  pixel " + std::to_string(s_.pixel) + " = row " + std::to_string(s_.pixel / 28) +
                                            ", column " + std::to_string(s_.pixel % 28) + ")");
        if (vt.units.size() > 4 && ImGui::TreeNode("all terms##visible")) {
            ImGui::TextWrapped("%s", visible_terms_text(vt, 100000).c_str());
            ImGui::TreePop();
        }
        ui::pytorch_panel("torch-conditionals", pytorch_conditionals(s_.image, s_.image_binarize, s_.hidden_unit, s_.pixel));
        ui::export_buttons("export-conditionals",
                           {{"rbm_W.npy", &W_}, {"rbm_b.npy", &b_}, {"rbm_c.npy", &c_}, {"rbm_v.npy", &v1_}, {"rbm_h.npy", &h1_}});
    }

    //-------------------------------------------------------------------------
    // [SECTION] 2. One CD-k step, stepped
    //-------------------------------------------------------------------------
    CdReplay cd_;
    Tensor cd_dW_image_;
    ui::Stepper cd_stepper_;
    struct CdKey {
        int version = -1, k = -1;
        Binarize bin = Binarize::threshold;
    } cd_key_;

    void draw_cd() {
        const Rbm& r = recipe_->rbm();
        const CdOptions o = recipe_->trainer().options();
        ImGui::TextWrapped(
            "The log-likelihood's gradient is a difference of two expectations, d log p(v) / dW_ij = <v_i h_j>_data - "
            "<v_i h_j>_model. The first is easy (h given the data factorises); the second needs samples from the model. "
            "Contrastive divergence (Hinton 2002) starts a Gibbs chain at the data and stops after k steps. Here: one CD-%d "
            "step on the first %d training images (binarised as in section 3), with the current RBM; nothing is changed.",
            s_.k, kCdBatch);
        ImGui::SetNextItemWidth(120);
        if (ImGui::SliderInt("k (Gibbs steps)", &s_.k, 1, kMaxK)) s_.phase = std::min(s_.phase, s_.k + 2);
        ui::same_line_if_fits(ui::labeled_width(120, "image of the batch"));
        ImGui::SetNextItemWidth(120);
        ImGui::SliderInt("image of the batch", &s_.cd_image, 0, kCdBatch - 1);
        if (cd_key_.version != live_.version() || cd_key_.k != s_.k || cd_key_.bin != s_.binarize) {
            cd_ = replay_cd(r, cd_batch(*data_, kCdBatch, s_.binarize, kSampleSeed), s_.k, kSampleSeed);
            cd_key_ = {live_.version(), s_.k, s_.binarize};
        }
        ui::Stepper& st = cd_stepper_;
        st.reset(s_.k + 3);
        st.step = std::clamp(s_.phase, 0, s_.k + 2);
        if (ui::step_controller("cd-steps", st)) s_.phase = st.step;
        ImGui::SameLine();
        ImGui::TextDisabled("phase %d of %d", s_.phase + 1, s_.k + 3);
        s_.phase = std::clamp(s_.phase, 0, s_.k + 2);
        const std::size_t n = std::size_t(s_.cd_image);
        const int j = std::clamp(s_.hidden_unit, 0, r.hidden() - 1), i = s_.pixel;

        std::string what;
        if (s_.phase == 0)
            what = "Positive phase: ph0 = p(h | v0) = sigmoid(v0 W + c), and a sample h0 ~ ph0.";
        else if (s_.phase <= s_.k)
            what = "Gibbs step " + std::to_string(s_.phase) + ": v_" + std::to_string(s_.phase) + " ~ p(v | h_" +
                   std::to_string(s_.phase - 1) + "), then p(h | v_" + std::to_string(s_.phase) + ")" +
                   (s_.phase < s_.k ? " and h_" + std::to_string(s_.phase) + " ~ p(h | v_" + std::to_string(s_.phase) + ")."
                                    : " (h_k itself is not drawn: its probabilities are used).");
        else if (s_.phase == s_.k + 1)
            what = "Negative phase: the statistics of (v_k, p(h | v_k)) stand in for the model's expectation.";
        else
            what = "The gradient dW = (v0^T ph0 - v_k^T ph_k) / N and the update (ascent on the log-likelihood).";
        ImGui::TextColored(kit::palette::text(kit::palette::text_accent), "%s", what.c_str());

        ui::begin_flow("v0", true);
        ImGui::TextUnformatted("v0 (data)");
        image("v0", cd_.v0, n, 3.0f);
        ui::end_flow();
        const int last = std::min(s_.phase, s_.k);
        for (int t = 1; t <= last; ++t) {
            ImGui::PushID(t);
            ui::begin_flow("vt");
            ImGui::Text("p(v | h_%d)", t - 1);
            image("pv", cd_.pv[std::size_t(t - 1)], n, 2.0f);
            ImGui::Text("v_%d", t);
            image("v", cd_.v[std::size_t(t - 1)], n, 2.0f);
            ui::end_flow();
            ImGui::PopID();
        }
        ImGui::TextUnformatted("ph0 = p(h | v0):");
        bars("ph0", cd_.ph0, n);
        ImGui::TextUnformatted("h0:");
        bars("h0", cd_.h0, n);
        for (int t = 1; t <= last; ++t) {
            ImGui::PushID(100 + t);
            ImGui::Text("ph_%d = p(h | v_%d):", t, t);
            bars("ph", cd_.ph[std::size_t(t - 1)], n);
            if (t < s_.k) {
                ImGui::Text("h_%d:", t);
                bars("h", cd_.h[std::size_t(t - 1)], n);
            }
            ImGui::PopID();
        }
        if (s_.phase >= s_.k + 1) {
            ImGui::TextWrapped("Reconstruction error of this batch (mean (v0 - p(v | h0))^2): %s",
                               fixed(cd_.trace.recon_error, 5).c_str());
        }
        if (s_.phase == s_.k + 2) {
            cd_dW_image_ = column(cd_.trace.dW, j);
            ImGui::BeginGroup();
            ImGui::Text("dW[:, %d] (hidden unit j = %d)", j, j);
            signed_image("dW", cd_dW_image_.data(), 4.0f);
            ImGui::EndGroup();
            ImGui::SameLine(0, 16);
            ImGui::BeginGroup();
            ui::code_block("dW-terms", weight_gradient_text(cd_, r, i, j, o));
            ImGui::EndGroup();
            ImGui::TextWrapped("Red pixels: unit j is on more often with them in the data than in the chain's "
                               "reconstructions, so their weights grow; blue: the reverse. The pixel i and unit j are "
                               "those of section 1.");
        }
        ui::pytorch_panel("torch-cd", pytorch_cd_step(s_.k, o));
        ui::export_buttons("export-cd", {{"cd_v0.npy", &cd_.v0}, {"cd_ph0.npy", &cd_.ph0}, {"cd_vk.npy", &cd_.trace.vk},
                                         {"cd_phk.npy", &cd_.trace.phk}, {"cd_dW.npy", &cd_.trace.dW}});
    }

    //-------------------------------------------------------------------------
    // [SECTION] 3. Training live
    //-------------------------------------------------------------------------
    Tensor filters_;
    int filters_version_ = -1;
    double filters_time_ = -1e9;

    void draw_training() {
        const RbmRecipeOptions o = recipe_->options();
        ImGui::TextWrapped(
            "CD-%d on mini-batches of %d training images, momentum %s, from W ~ N(0, 0.01^2) and the visible biases at "
            "the data's log odds. Every %d steps the RBM is evaluated on %d test images: the reconstruction error and, "
            "with at most %d hidden units, the exact log-likelihood.",
            o.cd.k, o.batch_size, num(o.cd.momentum).c_str(), kEvalEvery, o.eval_count, kRbmExactMaxHidden);
        const bool locked = live_.run().running();
        bool changed = false;
        if (locked) ImGui::BeginDisabled();
        ImGui::SetNextItemWidth(110);
        changed |= ImGui::SliderInt("k", &s_.train_k, 1, kMaxK);
        ui::same_line_if_fits(ui::labeled_width(110, "hidden units"));
        ImGui::SetNextItemWidth(110);
        if (ui::begin_combo("hidden units", std::to_string(s_.hidden).c_str())) {
            for (int h : kHiddenChoices)
                if (ImGui::Selectable(std::to_string(h).c_str(), h == s_.hidden) && h != s_.hidden) s_.hidden = h, changed = true;
            ImGui::EndCombo();
            a11y::resume();
        }
        ui::same_line_if_fits(ui::check_width("threshold ") + ui::check_width("sampled ") + 80);
        ImGui::TextUnformatted("binarise:");
        ImGui::SameLine();
        if (ui::radio_button("threshold##train", s_.binarize == Binarize::threshold) && s_.binarize != Binarize::threshold)
            s_.binarize = Binarize::threshold, changed = true;
        ImGui::SameLine();
        if (ui::radio_button("sampled##train", s_.binarize == Binarize::sampled) && s_.binarize != Binarize::sampled)
            s_.binarize = Binarize::sampled, changed = true;
        ui::same_line_if_fits(ui::labeled_width(110, "steps"));
        ImGui::SetNextItemWidth(110);
        int steps = live_.max_steps();
        if (ImGui::InputInt("steps", &steps, 500, 1000)) live_.set_max_steps(std::clamp(steps, kMinSteps, kMaxSteps));
        if (locked) ImGui::EndDisabled();
        ui::help_marker("Changing k, the hidden units or the binarisation starts a new run. The learning rate is CD's "
                        "(plain SGD with momentum, ascent). CLI: aelab-cli train rbm runs the defaults.");
        if (s_.hidden > kRbmExactMaxHidden)
            ImGui::TextColored(kit::palette::text(kit::palette::text_warning),
                               "Exact likelihood not available above %d hidden units (2^%d hidden states to sum).",
                               kRbmExactMaxHidden, s_.hidden);
        else
            ImGui::TextWrapped("%d hidden units: log Z sums 2^%d = %s hidden states exactly (the visible units sum out in "
                               "closed form).",
                               s_.hidden, s_.hidden, std::to_string(1L << s_.hidden).c_str());
        if (changed) live_.rebuild();
        live_.panel("train");
        if (!live_.built()) return;

        const TrainingRun& run = live_.run();
        if (!evals_.empty())
            ImGui::Text("Held-out reconstruction error at step %d: %s", evals_.back().step,
                        fixed(evals_.back().eval.recon_error, 5).c_str());
        if (const EvalPoint* p = latest_exact())
            ImGui::Text("Exact held-out log-likelihood at step %d: %s nats per image (log Z = %s)", p->step,
                        fixed(p->eval.log_likelihood, 2).c_str(), fixed(p->eval.log_z, 2).c_str());
        if (!jobs_.empty())
            ImGui::TextDisabled("Summing log Z for step %d: %d%% of %s states (%d evaluation%s waiting). The likelihood "
                                "is computed every %d steps, a slice per frame, so the curve fills in behind the training.",
                                jobs_.front().second.step(), int(100 * jobs_.front().second.progress()),
                                std::to_string(jobs_.front().second.states()).c_str(), int(jobs_.size()),
                                jobs_.size() == 1 ? "" : "s", likelihood_every(o.hidden));
        std::vector<float> held_recon, ll;
        const int ll_every = likelihood_every(o.hidden);
        for (const EvalPoint& p : evals_) {
            if (p.step % kEvalEvery == 0) held_recon.push_back(float(p.eval.recon_error));
            if (p.step % ll_every == 0 && p.eval.exact) ll.push_back(float(p.eval.log_likelihood));
        }
        const float half = std::max(200.0f, ImGui::GetContentRegionAvail().x * 0.5f - 8.0f);
        ui::begin_flow("recon-plot", true);
        ImGui::TextUnformatted("Reconstruction error (mean squared, per pixel)");
        const float dx = float(kEvalEvery);
        ui::line_plot("recon", {{"training batch", run.losses().data(), int(run.losses().size()), kit::palette::series[0]},
                                {"held-out", held_recon.data(), int(held_recon.size()), kit::palette::series[1], 0, dx}},
                      ui::PlotStyle{ImVec2(half, 170), false, "step", "%.4f"});
        ui::end_flow();
        if (o.hidden <= kRbmExactMaxHidden) {
            ui::begin_flow("ll-plot");
            ImGui::TextUnformatted("Exact held-out log-likelihood (nats per image)");
            ui::line_plot("ll", {{"log p(v)", ll.data(), int(ll.size()), kit::palette::series[2], 0, float(ll_every)}},
                          ui::PlotStyle{ImVec2(half, 170), false, "step", "%.1f"});
            ui::end_flow();
        }
        ImGui::TextWrapped(
            "They measure different things. The reconstruction error asks how well one up-down pass p(v | p(h | v)) "
            "returns the image: a deterministic autoencoder's score, which CD never optimises and which large weights "
            "make small. The likelihood asks how much probability the model gives the image against everything else, "
            "which depends on Z: CD's short chains never visit the parts of the space far from the data, so it can "
            "leave probability mass there (Z grows) while the reconstructions keep improving. So the error may keep "
            "falling while the log-likelihood stalls or drops, most with CD-1 and a high learning rate.");

        // The filters, refreshed at most twice a second while training.
        const double now = ImGui::GetTime();
        if (filters_version_ != live_.version() && (!run.running() || now - filters_time_ >= 0.5)) {
            filters_ = recipe_->filters();
            filters_version_ = live_.version(), filters_time_ = now;
        }
        const int shown = std::min(o.hidden, 64);
        ImGui::Text("The filters: column j of W as a 28 x 28 image (red positive, blue negative)%s",
                    shown < o.hidden ? (", the first " + std::to_string(shown)).c_str() : "");
        std::vector<std::string> captions;
        for (int j = 0; j < shown; ++j) captions.push_back("h" + std::to_string(j));
        ui::image_grid("filters", filters_.data(), shown, kSide, kSide, o.hidden <= 20 ? 2.5f : 1.5f, true,
                       o.hidden <= 20 ? 8 : 16, captions);
        ui::pytorch_panel("torch-train", pytorch_training(o));
        ui::export_buttons("export-train", {{"rbm_filters.npy", &filters_}});
    }

    //-------------------------------------------------------------------------
    // The grey image of section 1 (1, 1, 28, 28): the test image, or the student's own picture
    // brought to 28 x 28 the Fashion-MNIST way (kit::test_or_own_image).
    kit::OwnImageChoice mine_;
    Tensor section1_image() const {
        if (mine_.use) {
            Tensor x = mine_.input.steps.final;
            x.reshape({1, 1, std::size_t(kSide), std::size_t(kSide)});
            return x;
        }
        return data_->batch(Split::test, std::size_t(s_.image), 1);
    }

    // [SECTION] 4. A Gibbs chain
    //-------------------------------------------------------------------------
    std::unique_ptr<GibbsChain> chain_;
    bool chain_running_ = false;
    Tensor chain_images_;

    void new_chain() {
        const std::uint64_t seed = std::uint64_t(s_.chain_seed);
        if (s_.chain_from_image) {
            Rng rng(seed);
            const Tensor v = binarize_images(section1_image(), Binarize::threshold, rng);
            Tensor start = zeros({std::size_t(kChains), std::size_t(kPixels)});
            for (int n = 0; n < kChains; ++n) std::copy(v.begin(), v.end(), start.data() + std::size_t(n) * kPixels);
            chain_ = std::make_unique<GibbsChain>(start, seed);
        } else {
            chain_ = std::make_unique<GibbsChain>(GibbsChain::from_noise(kChains, kPixels, seed));
        }
    }

    void draw_gibbs() {
        ImGui::TextWrapped(
            "Sampling from the RBM of section 3: %d chains, each step h ~ p(h | v) then v ~ p(v | h). The pictures are "
            "p(v | h) of the last step (the chain's mean image). From noise, a trained RBM pulls the chains towards "
            "garment-like images over many steps; from a test image, the chain wanders away from it through nearby "
            "images. %s",
            kChains,
            live_.run().step() == 0 ? "The RBM is untrained now (step 0): its chains give noise, train it first."
                                    : "");
        bool restart = false;
        if (ui::radio_button("from noise", !s_.chain_from_image) && s_.chain_from_image) s_.chain_from_image = false, restart = true;
        ImGui::SameLine();
        if (ui::radio_button("from the image of section 1", s_.chain_from_image) && !s_.chain_from_image)
            s_.chain_from_image = true, restart = true;
        if (!chain_ || restart) new_chain(), chain_running_ = false;
        if (ImGui::Button("Step the chain")) chain_->step(recipe_->rbm());
        ImGui::SameLine();
        if (ImGui::Button(chain_running_ ? "Pause the chain" : "Run the chain")) chain_running_ = !chain_running_;
        ImGui::SameLine();
        if (ImGui::Button("Reset the chain")) new_chain(), chain_running_ = false;
        ImGui::SameLine();
        if (ImGui::Button("New seed")) ++s_.chain_seed, new_chain();
        if (chain_running_)
            for (int q = 0; q < 5; ++q) chain_->step(recipe_->rbm());
        ImGui::SameLine();
        ImGui::Text("step %d (seed %d)", chain_->steps(), s_.chain_seed);
        chain_images_ = chain_->pv();
        chain_images_.reshape(Shape{std::size_t(kChains), 1, 28, 28});
        ui::image_grid("samples", chain_images_.data(), kChains, kSide, kSide, 2.5f, false, 8);
        ImGui::TextWrapped("Gibbs sampling is exact only in the limit: consecutive states are strongly correlated, so a "
                           "chain mixes slowly between the kinds of garments.");
        ui::export_buttons("export-gibbs", {{"gibbs_samples.npy", &chain_images_}});
    }

    //-------------------------------------------------------------------------
    // [SECTION] 5. Stacking into a DBN and fine-tuning
    //-------------------------------------------------------------------------
    Tensor dbn_shown_, dbn_recons_[3];
    int dbn_recon_version_ = -1;
    double dbn_recon_time_ = -1e9;

    void draw_dbn() {
        if (!dbn_live_.built()) {
            dbn_live_.panel("dbn-train");
            return;
        }
        const DbnAeOptions& o = dbn_->options();
        ImGui::TextWrapped(
            "A deep belief network is built greedily: RBM 1 (784 x %d) by CD-1 on the binarised pixels, then RBM 2 "
            "(%d x %d) by CD-1 on RBM 1's hidden probabilities p(h1 | v). Unrolled, the stack is a deep autoencoder "
            "784 -> %d -> %d -> %d -> 784 with logistic units: the encoder uses W1^T, c1 then W2^T, c2, the decoder W2, b2 "
            "then W1, b1. Fine-tuned end to end by backpropagation (Adam on the pixel MSE), it is compared with the same "
            "network from random weights and with greedy autoencoder stacking, all on the same batches with the same "
            "budget of %d steps (%d + %d + %d).",
            o.hidden1, o.hidden1, o.hidden2, o.hidden1, o.hidden2, o.hidden1, o.total_steps(), o.stage1_steps,
            o.stage2_steps, o.finetune_steps);
        ImGui::SetNextItemWidth(110);
        int steps = dbn_live_.max_steps();
        const bool locked = dbn_live_.run().running();
        if (locked) ImGui::BeginDisabled();
        if (ImGui::InputInt("steps##dbn", &steps, 300, 1000)) {
            dbn_live_.set_max_steps(std::clamp(steps, kDbnMinSteps, kDbnMaxSteps));
            dbn_live_.rebuild();
        }
        if (locked) ImGui::EndDisabled();
        dbn_live_.panel("dbn-train");
        if (!dbn_live_.built()) return;
        ImGui::TextColored(kit::palette::text(kit::palette::text_accent), "Now: %s", dbn_stage_name(dbn_->stage()));
        const TrainingRun& run = dbn_live_.run();
        const float half = std::max(200.0f, ImGui::GetContentRegionAvail().x * 0.5f - 8.0f);
        ui::begin_flow("dbn-loss", true);
        ImGui::TextUnformatted("Training loss per step (log scale)");
        ui::line_plot("dbn-losses",
                      {{dbn_arm_name(DbnArm::dbn), run.losses().data(), int(run.losses().size()), kit::palette::series[0]},
                       {dbn_arm_name(DbnArm::random), dbn_random_.data(), int(dbn_random_.size()), kit::palette::series[1]},
                       {dbn_arm_name(DbnArm::greedy), dbn_greedy_.data(), int(dbn_greedy_.size()), kit::palette::series[2]}},
                      ui::PlotStyle{ImVec2(half, 170), true});
        ui::end_flow();
        std::vector<float> m[3];
        for (const DbnPoint& p : dbn_evals_)
            if (p.step % dbn_live_.eval_every() == 0)
                m[0].push_back(float(p.eval.mse_dbn)), m[1].push_back(float(p.eval.mse_random)), m[2].push_back(float(p.eval.mse_greedy));
        ui::begin_flow("dbn-mse");
        ImGui::TextUnformatted("Held-out pixel MSE of the unrolled networks");
        const float dx = float(dbn_live_.eval_every());
        ui::line_plot("dbn-heldout", {{dbn_arm_name(DbnArm::dbn), m[0].data(), int(m[0].size()), kit::palette::series[0], 0, dx},
                                      {dbn_arm_name(DbnArm::random), m[1].data(), int(m[1].size()), kit::palette::series[1], 0, dx},
                                      {dbn_arm_name(DbnArm::greedy), m[2].data(), int(m[2].size()), kit::palette::series[2], 0, dx}},
                      ui::PlotStyle{ImVec2(half, 170), false, "step", "%.4f"});
        ui::end_flow();
        ImGui::TextWrapped(
            "In stages 1 and 2 the curves are not comparable: the RBM-pretrained arm's loss is CD's reconstruction "
            "error (stage 2: of h1), the greedy arm's the MSE of one shallow autoencoder (stage 2: on h1 codes), the "
            "random arm's the deep network's pixel MSE. The held-out MSE on the right is the same measure for all three.");
        if (!dbn_evals_.empty()) {
            const DbnAeEval& e = dbn_evals_.back().eval;
            ImGui::Text("Held-out MSE at step %d:  %s %s,  %s %s,  %s %s", dbn_evals_.back().step, dbn_arm_name(DbnArm::dbn),
                        fixed(e.mse_dbn, 4).c_str(), dbn_arm_name(DbnArm::random), fixed(e.mse_random, 4).c_str(),
                        dbn_arm_name(DbnArm::greedy), fixed(e.mse_greedy, 4).c_str());
        }
        const double now = ImGui::GetTime();
        if (dbn_recon_version_ != dbn_live_.version() && (!run.running() || now - dbn_recon_time_ >= 0.5)) {
            const Tensor v = xt::view(dbn_->eval_images(), xt::range(0, 6));
            dbn_shown_ = as_images(v, 6);
            const DbnArm arms[3] = {DbnArm::dbn, DbnArm::random, DbnArm::greedy};
            for (int a = 0; a < 3; ++a) dbn_recons_[a] = dbn_->reconstruct(arms[a], v);
            dbn_recon_version_ = dbn_live_.version(), dbn_recon_time_ = now;
        }
        const char* rows[4] = {"test images (binarised)", dbn_arm_name(DbnArm::dbn), dbn_arm_name(DbnArm::random),
                               dbn_arm_name(DbnArm::greedy)};
        const Tensor* images[4] = {&dbn_shown_, &dbn_recons_[0], &dbn_recons_[1], &dbn_recons_[2]};
        for (int q = 0; q < 4; ++q) {
            ImGui::PushID(q);
            ImGui::TextUnformatted(rows[q]);
            ui::image_grid("recons", images[q]->data(), 6, kSide, kSide, 2.0f, false, 6);
            ImGui::PopID();
        }
        ImGui::TextWrapped("Hinton & Salakhutdinov (2006) found deep autoencoders hard to train from random weights: "
                           "the pretrained weights start the fine-tuning near a good solution. With Adam, sigmoid units "
                           "and this small budget, watch whether that still holds here.");
        ui::pytorch_panel("torch-dbn", pytorch_dbn(o));
        ui::export_buttons("export-dbn", {{"dbn_test_images.npy", &dbn_shown_},
                                          {"dbn_recon_pretrained.npy", &dbn_recons_[0]},
                                          {"dbn_recon_random.npy", &dbn_recons_[1]},
                                          {"dbn_recon_greedy.npy", &dbn_recons_[2]}});
    }

    //-------------------------------------------------------------------------
    // [SECTION] 6. DBN vs DBM
    //-------------------------------------------------------------------------
    void draw_dbn_vs_dbm() {
        ImGui::TextWrapped(
            "Both stack binary layers v, h1, h2 with weights W1 (v-h1) and W2 (h1-h2); they differ in what the "
            "connections mean. A deep belief network (Hinton, Osindero & Teh 2006) is a hybrid: only the top two layers "
            "form an undirected RBM; below it the model is a directed sigmoid belief net that generates top-down, "
            "p(v, h1, h2) = p(h1, h2) p(v | h1). To sample, run Gibbs in the top RBM, then one pass down. Inference "
            "upward with the transposed weights is only approximate (explaining away: the true posterior over h1 does not "
            "factorise), but Hinton et al. showed that adding an RBM this way, started from the layer below's transposed "
            "weights, can only improve a variational lower bound on log p(v): that justifies the greedy stacking. A deep Boltzmann machine (Salakhutdinov & Hinton 2009) is "
            "undirected throughout, p(v, h1, h2) = exp(v^T W1 h1 + h1^T W2 h2) / Z (biases left out), so every hidden "
            "layer hears both neighbours: inference combines bottom-up and top-down signals.");
        ui::begin_flow("dbn-picture", true);
        draw_network("dbn-net", "DBN: h1-h2 undirected, h1 -> v directed", {5, 4, 3}, {"v", "h1", "h2"}, {true, false});
        ui::end_flow();
        ui::begin_flow("dbm-picture");
        draw_network("dbm-net", "DBM: undirected everywhere", {5, 4, 3}, {"v", "h1", "h2"}, {false, false});
        ui::end_flow();
        a11y::image("Two networks of three layers, v at the bottom (5 units drawn), h1 (4) and h2 (3). Left, the DBN: "
                    "h1 and h2 joined by undirected lines, h1 to v by arrows pointing down. Right, the DBM: all lines "
                    "undirected, no arrows.");
        ImGui::TextWrapped("The conditionals of a two-layer DBM (Salakhutdinov & Hinton 2009, biases left out):");
        ui::code_block("dbm-conditionals",
                       "p(h1_j = 1 | v, h2) = sigmoid( sum_i W1_ij v_i + sum_m W2_jm h2_m )    bottom-up AND top-down\n"
                       "p(h2_m = 1 | h1)    = sigmoid( sum_j W2_jm h1_j )\n"
                       "p(v_i = 1 | h1)     = sigmoid( sum_j W1_ij h1_j )");
        ImGui::TextWrapped(
            "The halving trick. Pretraining a DBM greedily with ordinary RBMs would count the evidence twice: RBM 1 "
            "learns W1 so that v alone gives h1 all of its input, but in the DBM h1 also gets input from h2, and h2's "
            "state was inferred from v through h1, so v's evidence would reach h1 twice. Salakhutdinov & Hinton (2009) "
            "train each RBM so that it expects the doubled input from the side that will be missing:");
        ui::code_block("dbm-halving",
                       "RBM 1 (v - h1): two copies of v, tied weights: bottom-up doubled, top-down single\n"
                       "    p(h1_j = 1 | v) = sigmoid( 2 sum_i W1_ij v_i ),      p(v_i = 1 | h1) = sigmoid( sum_j W1_ij h1_j )\n"
                       "RBM 2 (h1 - h2): two copies of h2, tied weights: bottom-up single, top-down doubled\n"
                       "    p(h2_m = 1 | h1) = sigmoid( sum_j W2_jm h1_j ),     p(h1_j = 1 | h2) = sigmoid( 2 sum_m W2_jm h2_m )\n"
                       "composed into the DBM, W1 and W2 are each used once (half of what RBM 1 used bottom-up, half of what\n"
                       "RBM 2 used top-down):\n"
                       "    p(h1_j = 1 | v, h2) = sigmoid( sum_i W1_ij v_i + sum_m W2_jm h2_m )\n"
                       "the average of the two RBMs' views of h1: 1/2 (2 W1^T v) + 1/2 (2 W2 h2).");
        ImGui::TextWrapped(
            "The pretrained weights then start the DBM's own training (mean-field inference for the data term, "
            "persistent Markov chains for the model term), which this page does not do. A DBN needs none of this: its "
            "lower layers are directed, so each RBM's weights are simply copied into the stack, as in section 5.");
    }
};

//-----------------------------------------------------------------------------
// [SECTION] The lesson
//-----------------------------------------------------------------------------
void RbmLesson::draw() {
    ImGui::TextWrapped(
        "A restricted Boltzmann machine (RBM) is a generative model of binary images with one layer of binary hidden "
        "units: an energy for every pair (v, h), low for likely pairs, and no connections inside a layer, so each layer "
        "is easy to sample given the other. Stacked, RBMs pretrain the deep autoencoders of the previous lessons: the "
        "deep belief network.");
    if (!ui::dataset_ready()) {
        url_.write();
        return;
    }
    data_ = platform::fashion_mnist().dataset;
    if (!live_.built() && live_.error().empty() && !recipe_) attach();
    if (!live_.built()) {
        ui::error_panel("The training could not start", live_.error());
        if (ImGui::Button("Back to the defaults")) {
            s_ = Settings();
            live_.controls().seed = 1;
            live_.controls().learning_rate = RbmRecipeOptions{}.cd.learning_rate;
            live_.set_max_steps(RbmRecipeOptions{}.steps);
            live_.rebuild();
        }
        url_.write();
        return;
    }
    live_.advance();
    // While a run trains the page draws 10 frames a second (the trainer's snapshots), and each
    // takes a 12 ms slice of log Z; asking for every frame would draw 60 a second and take the
    // worker's core. Stopped, the slices come every frame.
    const bool training = live_.run().running() || dbn_live_.run().running();
    advance_likelihood(12.0, !training);
    if (dbn_live_.built()) dbn_live_.advance();

    const char* titles[kSections] = {"1. The energy and the conditionals, one image", "2. One CD-k step, stepped",
                                     "3. Training live: filters, reconstruction error and likelihood",
                                     "4. A Gibbs chain: sampling from the RBM", "5. Stacking into a DBN and fine-tuning",
                                     "6. DBN vs DBM"};
    for (int s = 0; s < kSections && live_.built(); ++s) {
        if (!sections_.header(s, titles[s])) continue;
        ImGui::PushID(s);
        try {
            switch (s) {
                case 0: draw_conditionals(); break;
                case 1: draw_cd(); break;
                case 2: draw_training(); break;
                case 3: draw_gibbs(); break;
                case 4: draw_dbn(); break;
                case 5: draw_dbn_vs_dbm(); break;
            }
        } catch (const Error& e) {
            ui::error_panel("Could not compute this section", e.what());
        }
        ImGui::PopID();
    }
    if (live_.built()) report_status();
    url_.write();
}

}  // namespace
}  // namespace rbm

std::unique_ptr<Lesson> make_rbm_lesson() { return std::make_unique<rbm::RbmLesson>(); }

}  // namespace aelab::lessons
