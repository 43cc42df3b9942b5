// The sparse and contractive autoencoder recipes (see recipe_regularized.hpp).
// Legend: N batch, D = 784 pixels, K code units; h (N, K) the code, x_hat (N, 1, 28, 28).
#include "aelab/recipe_regularized.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "aelab/layers.hpp"
#include "aelab/loss.hpp"
#include "aelab/pca.hpp"

namespace aelab {
namespace {

constexpr int kPixels = 784, kSide = 28;
constexpr std::size_t kEncoderLayers = 3;  // Flatten, Linear(784, K), activation
// Independent streams from one seed: the initial weights use `seed` itself.
constexpr std::uint64_t kBatchStream = 0x9e3779b97f4a7c15ULL;

void check_common(const char* recipe, const Dataset& data, int code, int lo, int hi, float lambda, float max_lambda,
                  float lr, int batch, int eval_count) {
    const std::string r = recipe;
    if (std::size_t(data.rows) * data.cols != std::size_t(kPixels))
        throw Error(r + ": expects 28 x 28 images, the dataset has " + std::to_string(data.rows) + " x " +
                    std::to_string(data.cols));
    if (code < lo || code > hi)
        throw Error(r + ": the code size must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " +
                    std::to_string(code));
    if (!(lambda >= 0 && lambda <= max_lambda))
        throw Error(r + ": lambda must be in [0, " + std::to_string(max_lambda) + "], got " + std::to_string(lambda));
    if (!(lr > 0) || !std::isfinite(lr))
        throw Error(r + ": the learning rate must be positive, got " + std::to_string(lr));
    if (batch < 1 || std::size_t(batch) > data.size(Split::train))
        throw Error(r + ": batch size must be in [1, " + std::to_string(data.size(Split::train)) + "], got " +
                    std::to_string(batch));
    if (eval_count < 1 || std::size_t(eval_count) > data.size(Split::test))
        throw Error(r + ": eval_count must be in [1, " + std::to_string(data.size(Split::test)) + "], got " +
                    std::to_string(eval_count));
}

const SparseAeOptions& checked(const SparseAeOptions& o, const Dataset& data) {
    check_common("sparse autoencoder", data, o.code, kMinSparseCode, kMaxSparseCode, o.lambda, kMaxSparseLambda,
                 o.learning_rate, o.batch_size, o.eval_count);
    return o;
}

const ContractiveOptions& checked(const ContractiveOptions& o, const Dataset& data) {
    check_common("contractive autoencoder", data, o.code, 2, 1024, o.lambda, kMaxContractiveLambda, o.learning_rate,
                 o.batch_size, o.eval_count);
    return o;
}

Sequential one_hidden_layer(int code, bool sigmoid, std::uint64_t seed) {
    Sequential m({1, kSide, kSide});
    m.add<Flatten>();
    m.add<Linear>(kPixels, code);  // 1.weight (K, 784)
    if (sigmoid)
        m.add<Sigmoid>();
    else
        m.add<ReLU>();
    m.add<Linear>(code, kPixels);  // 3.weight (784, K)
    if (sigmoid) m.add<Sigmoid>();
    m.add<Unflatten>(Shape{1, kSide, kSide});
    m.init(seed);
    return m;
}

Tensor zeros_like(const Tensor& t) { return zeros(shape_of(t)); }

}  // namespace

//-----------------------------------------------------------------------------------------------
// Sparse autoencoders
//-----------------------------------------------------------------------------------------------
SparseAe::SparseAe(const Dataset& data, const SparseAeOptions& o)
    : data_(data),
      o_(checked(o, data)),
      net_(one_hidden_layer(o.code, false, o.seed)),
      opt_(AdamOptions{o.learning_rate}),
      sampler_(data.size(Split::train), std::size_t(o.batch_size), o.seed ^ kBatchStream) {
    normalise_atoms();
    eval_ = data.batch(Split::test, 0, std::size_t(o.eval_count));
    const std::size_t n = data.size(Split::train);
    std::vector<double> sum(std::size_t(kPixels), 0.0);
    for (std::size_t k = 0; k < n; ++k) {
        const Tensor x = data.image(Split::train, k);
        for (std::size_t i = 0; i < std::size_t(kPixels); ++i) sum[i] += x.data()[i];
    }
    mean_ = zeros({1, 1, std::size_t(kSide), std::size_t(kSide)});
    for (std::size_t i = 0; i < std::size_t(kPixels); ++i) mean_.data()[i] = float(sum[i] / double(n));
}

Tensor SparseAe::centred(const Tensor& x) const {
    if (x.size() == 0 || x.size() % kPixels)
        throw Error("sparse autoencoder: expected 28 x 28 images, got shape " + shape_str(x.shape()));
    Tensor out = x;
    for (std::size_t k = 0; k < out.size(); ++k) out.data()[k] -= mean_.data()[k % kPixels];
    return out;
}

void SparseAe::normalise_atoms() {
    float* W = net_.params() + net_.block("3.weight").offset;  // (784, K): atom j is column j
    const std::size_t K = std::size_t(o_.code);
    // Row by row (W is row-major), so both passes run along memory.
    std::vector<float> norm2(K, 0.0f), inv(K, 1.0f);
    for (std::size_t i = 0; i < std::size_t(kPixels); ++i)
        for (std::size_t j = 0; j < K; ++j) norm2[j] += W[i * K + j] * W[i * K + j];
    for (std::size_t j = 0; j < K; ++j)
        if (norm2[j] > 0) inv[j] = 1.0f / std::sqrt(norm2[j]);
    for (std::size_t i = 0; i < std::size_t(kPixels); ++i)
        for (std::size_t j = 0; j < K; ++j) W[i * K + j] *= inv[j];
}

float SparseAe::train_step() {
    // The network sees and gives back x - mean: the same squared errors as on x itself.
    const Tensor x = centred(data_.gather(Split::train, sampler_.next()));  // (N, 1, 28, 28)
    net_.zero_grad();
    const Tensor h = net_.forward(x, 0, kEncoderLayers);                 // (N, K)
    const Tensor x_hat = net_.forward(h, kEncoderLayers, net_.size());  // (N, 1, 28, 28)
    mse_ = mse_loss(x_hat, x);
    penalty_ = l1_activation_penalty(h);
    std::size_t on = 0;
    for (float v : h) on += v > 0;
    active_ = float(double(on) / double(h.size()));
    Tensor d_x_hat = zeros_like(x_hat);
    mse_loss_backward(d_x_hat, x_hat, x);
    Tensor d_h = net_.backward(d_x_hat, kEncoderLayers, net_.size());
    l1_activation_penalty_backward(d_h, h, o_.lambda);
    net_.backward_params(d_h, 0, kEncoderLayers);
    opt_.step(net_);
    normalise_atoms();
    ++step_;
    return mse_ + o_.lambda * penalty_;
}

Tensor SparseAe::encode(const Tensor& x) { return net_.forward(centred(x), 0, kEncoderLayers); }
Tensor SparseAe::decode(const Tensor& h) {
    Tensor x_hat = net_.forward(h, kEncoderLayers, net_.size());
    for (std::size_t k = 0; k < x_hat.size(); ++k) x_hat.data()[k] += mean_.data()[k % kPixels];
    return x_hat;
}

Tensor SparseAe::atoms() const {
    const Tensor W = net_.param_tensor("3.weight");  // (784, K)
    const std::size_t K = std::size_t(o_.code);
    Tensor out = uninitialized({K, std::size_t(kPixels)});
    for (std::size_t j = 0; j < K; ++j)
        for (std::size_t i = 0; i < std::size_t(kPixels); ++i) out.data()[j * kPixels + i] = W.data()[i * K + j];
    return out;
}

std::vector<double> active_fraction_per_image(const Tensor& h) {
    check_rank("active_fraction_per_image", "h", h, 2, "N, K");
    const std::size_t N = h.shape()[0], K = h.shape()[1];
    std::vector<double> out(N, 0.0);
    for (std::size_t n = 0; n < N; ++n) {
        std::size_t on = 0;
        for (std::size_t j = 0; j < K; ++j) on += h.data()[n * K + j] > 0;
        out[n] = K ? double(on) / double(K) : 0.0;
    }
    return out;
}

std::vector<int> units_by_use(const Tensor& h, std::vector<int>* uses) {
    check_rank("units_by_use", "h", h, 2, "N, K");
    const std::size_t N = h.shape()[0], K = h.shape()[1];
    std::vector<int> count(K, 0), order(K);
    for (std::size_t n = 0; n < N; ++n)
        for (std::size_t j = 0; j < K; ++j) count[j] += h.data()[n * K + j] > 0;
    for (std::size_t j = 0; j < K; ++j) order[j] = int(j);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return count[std::size_t(a)] > count[std::size_t(b)]; });
    if (uses) *uses = count;
    return order;
}

Tensor atom_images(const Tensor& atoms, const std::vector<int>& units) {
    check_shape("atom_images", "atoms", atoms, {0, std::size_t(kPixels)});
    Tensor out = zeros({units.size(), 1, std::size_t(kSide), std::size_t(kSide)});
    for (std::size_t u = 0; u < units.size(); ++u) {
        if (units[u] < 0 || std::size_t(units[u]) >= atoms.shape()[0])
            throw Error("atom_images: unit " + std::to_string(units[u]) + " outside [0, " +
                        std::to_string(atoms.shape()[0]) + ")");
        std::copy_n(atoms.data() + std::size_t(units[u]) * kPixels, kPixels, out.data() + u * kPixels);
    }
    return out;
}

double atom_spread_px(const float* atom) {
    double total = 0, cy = 0, cx = 0;
    for (int r = 0; r < kSide; ++r)
        for (int c = 0; c < kSide; ++c) {
            const double w = double(atom[r * kSide + c]) * atom[r * kSide + c];
            total += w, cy += w * r, cx += w * c;
        }
    if (!(total > 0)) return 0;
    cy /= total, cx /= total;
    double var = 0;
    for (int r = 0; r < kSide; ++r)
        for (int c = 0; c < kSide; ++c) {
            const double w = double(atom[r * kSide + c]) * atom[r * kSide + c];
            var += w * ((r - cy) * (r - cy) + (c - cx) * (c - cx));
        }
    return std::sqrt(var / total);
}

SparseEval SparseAe::evaluate(Tensor* codes) {
    SparseEval e;
    const Tensor h = encode(eval_);
    if (codes) *codes = h;
    e.mse = mse_loss(decode(h), eval_);
    e.l1 = l1_activation_penalty(h);
    const std::vector<double> active = active_fraction_per_image(h);
    for (double a : active) e.fraction_active += a;
    e.fraction_active /= double(active.size());
    const std::size_t N = h.shape()[0], K = h.shape()[1];
    std::vector<bool> used(K, false);
    for (std::size_t n = 0; n < N; ++n)
        for (std::size_t j = 0; j < K; ++j) used[j] = used[j] || h.data()[n * K + j] > 0;
    const Tensor a = atoms();
    std::size_t used_count = 0;
    for (std::size_t j = 0; j < K; ++j)
        if (used[j]) {
            e.atom_spread += atom_spread_px(a.data() + j * kPixels);
            ++used_count;
        }
    e.dead_fraction = 1.0 - double(used_count) / double(K);
    if (used_count) e.atom_spread /= double(used_count);
    return e;
}

const std::vector<float>& default_sparse_lambdas() {
    static const std::vector<float> lambdas = {0.0f, 1e-4f, 3e-4f, 1e-3f, 3e-3f, 1e-2f};
    return lambdas;
}

SparseSweep::SparseSweep(const Dataset& data, const std::vector<float>& lambdas, const SparseAeOptions& base)
    : o_(base), lambdas_(lambdas) {
    if (lambdas.empty() || lambdas.size() > 16)
        throw Error("sparse sweep: expected 1 to 16 lambdas, got " + std::to_string(lambdas.size()));
    for (float l : lambdas) {
        SparseAeOptions o = base;
        o.lambda = l;
        nets_.push_back(std::make_unique<SparseAe>(data, o));
    }
}

std::size_t SparseSweep::next() const {
    std::size_t behind = nets_.size();
    for (std::size_t i = 0; i < nets_.size(); ++i)
        if (nets_[i]->step() < o_.steps && (behind == nets_.size() || nets_[i]->step() < nets_[behind]->step()))
            behind = i;
    return behind;
}

float SparseSweep::train_step() {
    const std::size_t i = next();
    return i < nets_.size() ? nets_[i]->train_step() : 0.0f;
}

bool SparseSweep::done() const { return steps_taken() >= total_steps(); }

int SparseSweep::steps_taken() const {
    int s = 0;
    for (const auto& n : nets_) s += std::min(n->step(), o_.steps);
    return s;
}

std::vector<SweepPoint> SparseSweep::evaluate() {
    std::vector<SweepPoint> out;
    for (std::size_t i = 0; i < nets_.size(); ++i) out.push_back({lambdas_[i], nets_[i]->evaluate()});
    return out;
}

//-----------------------------------------------------------------------------------------------
// Contractive autoencoders
//-----------------------------------------------------------------------------------------------
ContractiveRecipe::ContractiveRecipe(const Dataset& data, const ContractiveOptions& o)
    : data_(data),
      o_(checked(o, data)),
      plain_(one_hidden_layer(o.code, true, o.seed)),
      cae_(one_hidden_layer(o.code, true, o.seed)),  // the same initial weights
      plain_opt_(AdamOptions{o.learning_rate}),
      cae_opt_(AdamOptions{o.learning_rate}),
      sampler_(data.size(Split::train), std::size_t(o.batch_size), o.seed ^ kBatchStream) {
    eval_ = data.batch(Split::test, 0, std::size_t(o.eval_count));
}

float ContractiveRecipe::step_one(Sequential& net, Adam& opt, float lambda, float* mse, float* penalty) {
    net.zero_grad();
    const Tensor h = net.forward(batch_, 0, kEncoderLayers);                // (N, K)
    const Tensor x_hat = net.forward(h, kEncoderLayers, net.size());       // (N, 1, 28, 28)
    *mse = mse_loss(x_hat, batch_);
    Tensor d_x_hat = zeros_like(x_hat);
    mse_loss_backward(d_x_hat, x_hat, batch_);
    Tensor d_h = net.backward(d_x_hat, kEncoderLayers, net.size());
    *penalty = 0;
    if (lambda > 0) {
        const ParamBlock& b = net.block("1.weight");
        const Tensor W = net.param_tensor("1.weight");  // (K, 784)
        *penalty = contractive_penalty(h, W);
        Tensor d_W = zeros_like(W);
        contractive_penalty_backward(d_h, &d_W, h, W, lambda);
        float* g = net.grads() + b.offset;
        for (std::size_t i = 0; i < b.size; ++i) g[i] += d_W.data()[i];  // the direct path through ||W_j||^2
    }
    net.backward_params(d_h, 0, kEncoderLayers);  // the path through h = sigmoid(W x + b)
    opt.step(net);
    return *mse + lambda * *penalty;
}

float ContractiveRecipe::train_step() {
    batch_ = data_.gather(Split::train, sampler_.next());
    float plain_penalty = 0;  // stays 0: lambda = 0
    plain_loss_ = step_one(plain_, plain_opt_, 0.0f, &plain_loss_, &plain_penalty);
    const float loss = step_one(cae_, cae_opt_, o_.lambda, &mse_, &penalty_);
    ++step_;
    return loss;
}

Tensor ContractiveRecipe::encode(bool contractive, const Tensor& x) { return net(contractive).forward(x, 0, kEncoderLayers); }
Tensor ContractiveRecipe::reconstruct(bool contractive, const Tensor& x) { return net(contractive).forward(x); }

Tensor ContractiveRecipe::jacobian(bool contractive, const Tensor& x) {
    if (x.size() != std::size_t(kPixels))
        throw Error("contractive autoencoder: the Jacobian is taken at one 28 x 28 image, got shape " +
                    shape_str(x.shape()));
    Tensor one = x;
    one.reshape(Shape{1, 1, kSide, kSide});
    const Tensor h = encode(contractive, one);  // (1, K)
    return sigmoid_encoder_jacobian(h, net(contractive).param_tensor("1.weight"));
}

std::vector<double> singular_values(const Tensor& M) {
    check_rank("singular_values", "M", M, 2, "K, D");
    const std::size_t K = M.shape()[0], D = M.shape()[1];
    if (K < 1 || K > 1024) throw Error("singular_values: expected 1 to 1024 rows, got shape " + shape_str(M.shape()));
    std::vector<double> G(K * K, 0.0);  // M M^T (K, K)
    for (std::size_t a = 0; a < K; ++a)
        for (std::size_t b = a; b < K; ++b) {
            double s = 0;
            for (std::size_t i = 0; i < D; ++i) s += double(M.data()[a * D + i]) * M.data()[b * D + i];
            G[a * K + b] = G[b * K + a] = s;
        }
    std::vector<double> values(K), vectors(K * K);
    symmetric_eigen_top_k(G.data(), K, K, values.data(), vectors.data());
    for (double& v : values) v = std::sqrt(std::max(v, 0.0));  // rounding can leave -1e-17
    return values;
}

std::vector<double> ContractiveRecipe::singular_values(bool contractive, const Tensor& x) {
    return aelab::singular_values(jacobian(contractive, x));
}

ContractiveEval ContractiveRecipe::evaluate() {
    ContractiveEval e;
    for (bool contractive : {false, true}) {
        const Tensor h = encode(contractive, eval_);  // (N, K)
        const double mse = mse_loss(net(contractive).forward(h, kEncoderLayers, net(contractive).size()), eval_);
        const Tensor W = net(contractive).param_tensor("1.weight");
        // ||J||_F per image from the closed form, one image at a time (the penalty's mean of
        // squares would hide how the norms spread).
        const std::size_t N = h.shape()[0], K = h.shape()[1];
        std::vector<double> w2(K, 0.0);  // ||W_j||^2
        for (std::size_t j = 0; j < K; ++j)
            for (std::size_t i = 0; i < std::size_t(kPixels); ++i) w2[j] += double(W.data()[j * kPixels + i]) * W.data()[j * kPixels + i];
        double fro = 0;
        for (std::size_t n = 0; n < N; ++n) {
            double sq = 0;
            for (std::size_t j = 0; j < K; ++j) {
                const double v = h.data()[n * K + j], s = v * (1.0 - v);
                sq += s * s * w2[j];
            }
            fro += std::sqrt(sq);
        }
        (contractive ? e.mse_contractive : e.mse_plain) = mse;
        (contractive ? e.jacobian_fro_contractive : e.jacobian_fro_plain) = fro / double(N);
    }
    return e;
}

}  // namespace aelab
