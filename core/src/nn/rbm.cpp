// Restricted Boltzmann machines: conditionals, energies, CD-k, the exact likelihood by
// enumerating the hidden states, Gibbs chains (see rbm.hpp for the maths).
// Legend: N batch rows, V visible units, H hidden units.
#include "aelab/rbm.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "aelab/activation.hpp"
#include "aelab/gemm.hpp"
#include "aelab/limits.hpp"

namespace aelab {
namespace {

// log(1 + e^x) without overflow: max(x, 0) + log1p(e^-|x|).
inline double softplus_d(double x) { return std::max(x, 0.0) + std::log1p(std::exp(-std::fabs(x))); }
inline double sigmoid_d(double x) {
    if (x >= 0) return 1.0 / (1.0 + std::exp(-x));
    const double e = std::exp(x);
    return e / (1.0 + e);
}

// A batch (N, width) whose width must be `width`: names the op, expected and actual shape.
void check_batch(const char* op, const char* what, const Tensor& x, int width) {
    if (x.dimension() != 2 || dim(x, 1) != width || dim(x, 0) < 1)
        throw Error(std::string(op) + ": " + what + " must have shape (N, " + std::to_string(width) +
                    ") with N >= 1, got " + shape_str(x.shape()));
}

void check_rbm(const char* op, const Rbm& rbm) {
    if (rbm.W.dimension() != 2 || rbm.W.size() == 0)
        throw Error(std::string(op) + ": W must be a non-empty (V, H) matrix, got " + shape_str(rbm.W.shape()));
    check_shape(op, "b", rbm.b, {std::size_t(rbm.visible())});
    check_shape(op, "c", rbm.c, {std::size_t(rbm.hidden())});
}

void check_exact(const char* op, const Rbm& rbm) {
    if (rbm.hidden() > kRbmExactMaxHidden)
        throw Error(std::string(op) + ": the exact sum over hidden states needs at most " +
                    std::to_string(kRbmExactMaxHidden) + " hidden units (2^" +
                    std::to_string(kRbmExactMaxHidden) + " states), the RBM has " +
                    std::to_string(rbm.hidden()));
}

// Enumerates the 2^H hidden states in Gray-code order: state g and g + 1 differ in one bit, so
// a = b + W h changes by one column of W (added when the bit turns on, subtracted when off) and
// c^T h by one c_j. For each state calls visit(h, a, log_weight) with
//   log_weight = c^T h + sum_i softplus(a_i)  = log sum_v exp(-E(v, h)),
// the unnormalised log-marginal of h (the visible units summed out in closed form).
// Moves the enumeration to state s (s = 0 is h = 0 with a = b and c^T h = 0, as the caller set
// them up) and returns its log_weight. For s > 0 one bit flips: the Gray code g(s) = s ^ (s >> 1)
// differs from g(s - 1) at the lowest set bit of s.
double next_gray_state(const Rbm& rbm, std::uint64_t s, std::vector<unsigned char>& h, std::vector<double>& a,
                       double& ch) {
    const int V = rbm.visible(), H = rbm.hidden();
    if (s > 0) {
        int j = 0;
        while (((s >> j) & 1u) == 0) ++j;
        const double sign = h[std::size_t(j)] ? -1.0 : 1.0;
        h[std::size_t(j)] ^= 1u;
        ch += sign * rbm.c(j);
        const float* W = rbm.W.data();
        for (int i = 0; i < V; ++i) a[std::size_t(i)] += sign * W[std::size_t(i) * H + j];
    }
    double lw = ch;
    for (int i = 0; i < V; ++i) lw += softplus_d(a[std::size_t(i)]);
    return lw;
}

// Enumerates the 2^H hidden states in Gray-code order: state g and g + 1 differ in one bit, so
// a = b + W h changes by one column of W (added when the bit turns on, subtracted when off) and
// c^T h by one c_j. For each state calls visit(h, a, log_weight) with
//   log_weight = c^T h + sum_i softplus(a_i)  = log sum_v exp(-E(v, h)),
// the unnormalised log-marginal of h (the visible units summed out in closed form).
template <class Visit>
void for_each_hidden_state(const Rbm& rbm, Visit&& visit) {
    std::vector<double> a(rbm.b.begin(), rbm.b.end());
    std::vector<unsigned char> h(static_cast<std::size_t>(rbm.hidden()), 0);
    double ch = 0;
    const std::uint64_t states = std::uint64_t(1) << rbm.hidden();
    for (std::uint64_t s = 0; s < states; ++s) visit(h, a, next_gray_state(rbm, s, h, a, ch));
}

}  // namespace

Rbm make_rbm(int visible, int hidden, Rng& rng, float init_std) {
    if (visible < 1 || hidden < 1)
        throw Error("make_rbm: visible and hidden must be >= 1, got (" + std::to_string(visible) + ", " +
                    std::to_string(hidden) + ")");
    check_elements("make_rbm", "W", {visible, hidden});
    if (!(init_std >= 0) || !std::isfinite(init_std))
        throw Error("make_rbm: init_std must be finite and >= 0, got " + std::to_string(init_std));
    Rbm r;
    r.W = uninitialized({std::size_t(visible), std::size_t(hidden)});
    for (std::size_t k = 0; k < r.W.size(); ++k) r.W.data()[k] = rng.normal(0.0f, init_std);
    r.b = zeros({std::size_t(visible)});
    r.c = zeros({std::size_t(hidden)});
    return r;
}

void init_visible_bias(Rbm& rbm, const Tensor& v) {
    check_rbm("init_visible_bias", rbm);
    const int V = rbm.visible();
    check_batch("init_visible_bias", "v", v, V);
    const int N = dim(v, 0);
    for (int i = 0; i < V; ++i) {
        double mean = 0;
        for (int n = 0; n < N; ++n) mean += v.data()[std::size_t(n) * V + i];
        const double p = std::clamp(mean / N, 0.01, 0.99);
        rbm.b(i) = float(std::log(p / (1 - p)));
    }
}

Tensor rbm_hidden_probs(const Rbm& rbm, const Tensor& v) {
    check_rbm("rbm hidden_probs", rbm);
    const int V = rbm.visible(), H = rbm.hidden();
    check_batch("rbm hidden_probs", "v", v, V);
    const int N = dim(v, 0);
    check_work("rbm hidden_probs", saturating_product({N, V, H}));
    Tensor out = uninitialized({std::size_t(N), std::size_t(H)});
    for (int n = 0; n < N; ++n) std::copy(rbm.c.data(), rbm.c.data() + H, out.data() + std::size_t(n) * H);
    // out (N, H) = c + v (N, V) W (V, H)
    gemm(false, false, N, H, V, v.data(), V, rbm.W.data(), H, out.data(), H, true);
    sigmoid_forward(out.data(), out.data(), out.size());
    return out;
}

Tensor rbm_visible_probs(const Rbm& rbm, const Tensor& h) {
    check_rbm("rbm visible_probs", rbm);
    const int V = rbm.visible(), H = rbm.hidden();
    check_batch("rbm visible_probs", "h", h, H);
    const int N = dim(h, 0);
    check_work("rbm visible_probs", saturating_product({N, V, H}));
    Tensor out = uninitialized({std::size_t(N), std::size_t(V)});
    for (int n = 0; n < N; ++n) std::copy(rbm.b.data(), rbm.b.data() + V, out.data() + std::size_t(n) * V);
    // out (N, V) = b + h (N, H) W^T (H, V)
    gemm(false, true, N, V, H, h.data(), H, rbm.W.data(), H, out.data(), V, true);
    sigmoid_forward(out.data(), out.data(), out.size());
    return out;
}

Tensor sample_bernoulli(const Tensor& p, Rng& rng) {
    Tensor x = uninitialized(shape_of(p));
    for (std::size_t k = 0; k < p.size(); ++k) x.data()[k] = rng.uniform() < p.data()[k] ? 1.0f : 0.0f;
    return x;
}

std::vector<double> rbm_energy(const Rbm& rbm, const Tensor& v, const Tensor& h) {
    check_rbm("rbm energy", rbm);
    const int V = rbm.visible(), H = rbm.hidden();
    check_batch("rbm energy", "v", v, V);
    check_batch("rbm energy", "h", h, H);
    const int N = dim(v, 0);
    if (dim(h, 0) != N)
        throw Error("rbm energy: h must have shape (" + std::to_string(N) + ", " + std::to_string(H) + ") like v's rows, got " +
                    shape_str(h.shape()));
    std::vector<double> e(static_cast<std::size_t>(N));
    for (int n = 0; n < N; ++n) {
        const float* vn = v.data() + std::size_t(n) * V;
        const float* hn = h.data() + std::size_t(n) * H;
        double s = 0;
        for (int i = 0; i < V; ++i) s += double(rbm.b(i)) * vn[i];
        for (int j = 0; j < H; ++j) s += double(rbm.c(j)) * hn[j];
        for (int i = 0; i < V; ++i) {
            if (vn[i] == 0) continue;
            double row = 0;
            for (int j = 0; j < H; ++j) row += double(rbm.W.data()[std::size_t(i) * H + j]) * hn[j];
            s += vn[i] * row;
        }
        e[std::size_t(n)] = -s;
    }
    return e;
}

std::vector<double> rbm_free_energy(const Rbm& rbm, const Tensor& v) {
    check_rbm("rbm free_energy", rbm);
    const int V = rbm.visible(), H = rbm.hidden();
    check_batch("rbm free_energy", "v", v, V);
    const int N = dim(v, 0);
    std::vector<double> f(static_cast<std::size_t>(N));
    std::vector<double> x(static_cast<std::size_t>(H));
    for (int n = 0; n < N; ++n) {
        const float* vn = v.data() + std::size_t(n) * V;
        double bv = 0;
        for (int j = 0; j < H; ++j) x[std::size_t(j)] = rbm.c(j);
        for (int i = 0; i < V; ++i) {
            if (vn[i] == 0) continue;
            bv += double(rbm.b(i)) * vn[i];
            const float* Wi = rbm.W.data() + std::size_t(i) * H;
            for (int j = 0; j < H; ++j) x[std::size_t(j)] += double(vn[i]) * Wi[j];
        }
        double sp = 0;
        for (int j = 0; j < H; ++j) sp += softplus_d(x[std::size_t(j)]);
        f[std::size_t(n)] = -bv - sp;
    }
    return f;
}

// --- Contrastive divergence --------------------------------------------------------------------

// Random numbers are drawn in this order: h0 (N x H uniforms), then for t = 1..k the visible
// sample v_t (N x V) and, for t < k, the hidden sample h_t (N x H); the last hidden state is
// not sampled (the negative statistics use its probabilities ph_k).
CdTrace rbm_cd_gradient(const Rbm& rbm, const Tensor& v0, int k, Rng& rng) {
    check_rbm("rbm cd_gradient", rbm);
    if (k < 1) throw Error("rbm cd_gradient: k (Gibbs steps) must be >= 1, got " + std::to_string(k));
    const int V = rbm.visible(), H = rbm.hidden();
    check_batch("rbm cd_gradient", "v0", v0, V);
    const int N = dim(v0, 0);
    CdTrace t;
    t.v0 = v0;
    t.ph0 = rbm_hidden_probs(rbm, v0);
    t.h0 = sample_bernoulli(t.ph0, rng);
    Tensor h = t.h0;
    for (int step = 1; step <= k; ++step) {
        Tensor pv = rbm_visible_probs(rbm, h);
        if (step == 1) t.pv1 = pv;
        t.vk = sample_bernoulli(pv, rng);
        t.phk = rbm_hidden_probs(rbm, t.vk);
        if (step < k) h = sample_bernoulli(t.phk, rng);
    }
    // dW = (v0^T ph0 - vk^T phk) / N: the second product accumulates with -vk.
    t.dW = uninitialized({std::size_t(V), std::size_t(H)});
    gemm(true, false, V, H, N, v0.data(), V, t.ph0.data(), H, t.dW.data(), H, false);
    Tensor neg_vk = -t.vk;
    gemm(true, false, V, H, N, neg_vk.data(), V, t.phk.data(), H, t.dW.data(), H, true);
    const float inv_n = 1.0f / float(N);
    for (std::size_t q = 0; q < t.dW.size(); ++q) t.dW.data()[q] *= inv_n;
    t.db = zeros({std::size_t(V)});
    t.dc = zeros({std::size_t(H)});
    std::vector<double> db(static_cast<std::size_t>(V), 0.0), dc(std::size_t(H), 0.0);
    double err = 0;
    for (int n = 0; n < N; ++n) {
        for (int i = 0; i < V; ++i) {
            const std::size_t q = std::size_t(n) * V + i;
            db[std::size_t(i)] += double(v0.data()[q]) - t.vk.data()[q];
            const double d = double(v0.data()[q]) - t.pv1.data()[q];
            err += d * d;
        }
        for (int j = 0; j < H; ++j) {
            const std::size_t q = std::size_t(n) * H + j;
            dc[std::size_t(j)] += double(t.ph0.data()[q]) - t.phk.data()[q];
        }
    }
    for (int i = 0; i < V; ++i) t.db(i) = float(db[std::size_t(i)] / N);
    for (int j = 0; j < H; ++j) t.dc(j) = float(dc[std::size_t(j)] / N);
    t.recon_error = err / (double(N) * V);
    return t;
}

RbmTrainer::RbmTrainer(Rbm& rbm, const CdOptions& o) : rbm_(rbm), o_(o) {
    check_rbm("RbmTrainer", rbm);
    if (o.k < 1) throw Error("RbmTrainer: k (Gibbs steps) must be >= 1, got " + std::to_string(o.k));
    if (!(o.learning_rate > 0) || !std::isfinite(o.learning_rate))
        throw Error("RbmTrainer: the learning rate must be positive, got " + std::to_string(o.learning_rate));
    if (!(o.momentum >= 0 && o.momentum < 1))
        throw Error("RbmTrainer: the momentum must be in [0, 1), got " + std::to_string(o.momentum));
    if (!(o.weight_decay >= 0) || !std::isfinite(o.weight_decay))
        throw Error("RbmTrainer: the weight decay must be >= 0, got " + std::to_string(o.weight_decay));
    vW_ = zeros(shape_of(rbm.W));
    vb_ = zeros(shape_of(rbm.b));
    vc_ = zeros(shape_of(rbm.c));
}

double RbmTrainer::step(const Tensor& v0, Rng& rng) {
    if (o_.k < 1) throw Error("RbmTrainer: k (Gibbs steps) must be >= 1, got " + std::to_string(o_.k));
    trace_ = rbm_cd_gradient(rbm_, v0, o_.k, rng);
    const float m = o_.momentum, lr = o_.learning_rate, wd = o_.weight_decay;
    // Gradient ASCENT on the log-likelihood with momentum; weight decay pulls W toward 0.
    for (std::size_t q = 0; q < rbm_.W.size(); ++q) {
        vW_.data()[q] = m * vW_.data()[q] + lr * (trace_.dW.data()[q] - wd * rbm_.W.data()[q]);
        rbm_.W.data()[q] += vW_.data()[q];
    }
    for (std::size_t q = 0; q < rbm_.b.size(); ++q) {
        vb_.data()[q] = m * vb_.data()[q] + lr * trace_.db.data()[q];
        rbm_.b.data()[q] += vb_.data()[q];
    }
    for (std::size_t q = 0; q < rbm_.c.size(); ++q) {
        vc_.data()[q] = m * vc_.data()[q] + lr * trace_.dc.data()[q];
        rbm_.c.data()[q] += vc_.data()[q];
    }
    return trace_.recon_error;
}

// --- Exact likelihood --------------------------------------------------------------------------

RbmLogPartition::RbmLogPartition(const Rbm& rbm) : rbm_(rbm), m_(-INFINITY), states_(0) {
    check_rbm("rbm log_partition", rbm_);
    check_exact("rbm log_partition", rbm_);
    a_.assign(rbm_.b.begin(), rbm_.b.end());
    h_.assign(std::size_t(rbm_.hidden()), 0);
    states_ = std::uint64_t(1) << rbm_.hidden();
}

bool RbmLogPartition::advance(std::uint64_t max_states) {
    for (std::uint64_t n = 0; n < max_states && next_ < states_; ++n, ++next_) {
        const double lw = next_gray_state(rbm_, next_, h_, a_, ch_);
        // Streaming log-sum-exp: sum = sum_s exp(lw_s - m) with m the largest lw so far.
        if (lw > m_) {
            sum_ = sum_ * std::exp(m_ - lw) + 1.0;
            m_ = lw;
        } else {
            sum_ += std::exp(lw - m_);
        }
    }
    return done();
}

double RbmLogPartition::log_z() const { return m_ + std::log(sum_); }

double rbm_log_partition(const Rbm& rbm) {
    RbmLogPartition sum(rbm);
    sum.advance(sum.states());
    return sum.log_z();
}

double rbm_log_likelihood(const Rbm& rbm, const Tensor& v, double log_z) {
    const std::vector<double> f = rbm_free_energy(rbm, v);
    double s = 0;
    for (double fe : f) s += -fe - log_z;
    return s / double(f.size());
}

double rbm_log_likelihood(const Rbm& rbm, const Tensor& v) {
    check_rbm("rbm log_likelihood", rbm);
    check_batch("rbm log_likelihood", "v", v, rbm.visible());
    return rbm_log_likelihood(rbm, v, rbm_log_partition(rbm));
}

RbmGradient rbm_exact_gradient(const Rbm& rbm, const Tensor& v) {
    check_rbm("rbm exact_gradient", rbm);
    check_exact("rbm exact_gradient", rbm);
    const int V = rbm.visible(), H = rbm.hidden();
    check_batch("rbm exact_gradient", "v", v, V);
    const int N = dim(v, 0);
    const double log_z = rbm_log_partition(rbm);
    // Model term: p(h) = exp(lw(h) - log Z); given h the visible units are independent with
    // p(v_i = 1 | h) = sigmoid(a_i), so E[v_i h_j] = sum_h p(h) sigmoid(a_i) h_j,
    // E[v_i] = sum_h p(h) sigmoid(a_i), E[h_j] = sum_h p(h) h_j.
    std::vector<double> mW(std::size_t(V) * H, 0.0), mb(std::size_t(V), 0.0), mc(std::size_t(H), 0.0);
    std::vector<double> pv(static_cast<std::size_t>(V));
    for_each_hidden_state(rbm, [&](const std::vector<unsigned char>& h, const std::vector<double>& a, double lw) {
        const double p = std::exp(lw - log_z);
        for (int i = 0; i < V; ++i) {
            pv[std::size_t(i)] = p * sigmoid_d(a[std::size_t(i)]);
            mb[std::size_t(i)] += pv[std::size_t(i)];
        }
        for (int j = 0; j < H; ++j) {
            if (!h[std::size_t(j)]) continue;
            mc[std::size_t(j)] += p;
            for (int i = 0; i < V; ++i) mW[std::size_t(i) * H + j] += pv[std::size_t(i)];
        }
    });
    // Data term: the mean over rows of v p(h | v)^T, v, p(h | v) (in double).
    std::vector<double> dW(std::size_t(V) * H, 0.0), db(std::size_t(V), 0.0), dc(std::size_t(H), 0.0);
    std::vector<double> ph(static_cast<std::size_t>(H));
    for (int n = 0; n < N; ++n) {
        const float* vn = v.data() + std::size_t(n) * V;
        for (int j = 0; j < H; ++j) {
            double x = rbm.c(j);
            for (int i = 0; i < V; ++i) x += double(vn[i]) * rbm.W.data()[std::size_t(i) * H + j];
            ph[std::size_t(j)] = sigmoid_d(x);
            dc[std::size_t(j)] += ph[std::size_t(j)];
        }
        for (int i = 0; i < V; ++i) {
            db[std::size_t(i)] += vn[i];
            for (int j = 0; j < H; ++j) dW[std::size_t(i) * H + j] += double(vn[i]) * ph[std::size_t(j)];
        }
    }
    RbmGradient g;
    g.dW = uninitialized({std::size_t(V), std::size_t(H)});
    g.db = uninitialized({std::size_t(V)});
    g.dc = uninitialized({std::size_t(H)});
    for (std::size_t q = 0; q < dW.size(); ++q) g.dW.data()[q] = float(dW[q] / N - mW[q]);
    for (int i = 0; i < V; ++i) g.db(i) = float(db[std::size_t(i)] / N - mb[std::size_t(i)]);
    for (int j = 0; j < H; ++j) g.dc(j) = float(dc[std::size_t(j)] / N - mc[std::size_t(j)]);
    return g;
}

// --- Gibbs sampling ----------------------------------------------------------------------------

namespace {
constexpr std::uint64_t kGibbsNoiseStream = 0x5851f42d4c957f2dULL;
}

GibbsChain::GibbsChain(const Tensor& v_start, std::uint64_t seed) : v_(v_start), pv_(v_start), h_(Shape{0}), rng_(seed) {
    if (v_start.dimension() != 2 || v_start.size() == 0)
        throw Error("GibbsChain: the start must have shape (N, V) with N, V >= 1, got " + shape_str(v_start.shape()));
}

GibbsChain GibbsChain::from_noise(int chains, int visible, std::uint64_t seed) {
    if (chains < 1 || visible < 1)
        throw Error("GibbsChain::from_noise: chains and visible must be >= 1, got (" + std::to_string(chains) + ", " +
                    std::to_string(visible) + ")");
    check_elements("GibbsChain::from_noise", "start", {chains, visible});
    // The noise from its own stream of the seed, so the chain's draws do not repeat it.
    Rng noise(seed, kGibbsNoiseStream);
    Tensor half = Tensor({std::size_t(chains), std::size_t(visible)}, 0.5f);
    return GibbsChain(sample_bernoulli(half, noise), seed);
}

const Tensor& GibbsChain::step(const Rbm& rbm) {
    check_batch("GibbsChain step", "v", v_, rbm.visible());
    h_ = sample_bernoulli(rbm_hidden_probs(rbm, v_), rng_);
    pv_ = rbm_visible_probs(rbm, h_);
    v_ = sample_bernoulli(pv_, rng_);
    ++steps_;
    return pv_;
}

}  // namespace aelab
