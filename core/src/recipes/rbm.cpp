// The RBM and DBN-autoencoder recipes (see recipe_rbm.hpp).
#include "aelab/recipe_rbm.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "aelab/layers.hpp"
#include "aelab/loss.hpp"
#include "aelab/recipe_autoencoder.hpp"

namespace aelab {
namespace {

constexpr int kPixels = 784;
// The training images the visible biases' log odds are measured on (the first ones).
constexpr std::size_t kBiasImages = 2000;

void check_common(const char* recipe, const Dataset& data, int batch_size, int eval_count) {
    const std::string r = recipe;
    if (data.rows != 28 || data.cols != 28)
        throw Error(r + ": expects 28 x 28 images, the dataset has " + std::to_string(data.rows) + " x " +
                    std::to_string(data.cols));
    if (batch_size < 1 || std::size_t(batch_size) > data.size(Split::train))
        throw Error(r + ": batch size must be in [1, " + std::to_string(data.size(Split::train)) + "], got " +
                    std::to_string(batch_size));
    if (eval_count < 1 || std::size_t(eval_count) > data.size(Split::test))
        throw Error(r + ": eval_count must be in [1, " + std::to_string(data.size(Split::test)) + "], got " +
                    std::to_string(eval_count));
}

void check_cd(const char* recipe, const CdOptions& cd) {
    const std::string r = recipe;
    if (cd.k < 1 || cd.k > 1000) throw Error(r + ": k (Gibbs steps) must be in [1, 1000], got " + std::to_string(cd.k));
    if (!(cd.learning_rate > 0) || !std::isfinite(cd.learning_rate))
        throw Error(r + ": the CD learning rate must be positive, got " + std::to_string(cd.learning_rate));
    if (!(cd.momentum >= 0 && cd.momentum < 1))
        throw Error(r + ": the momentum must be in [0, 1), got " + std::to_string(cd.momentum));
    if (!(cd.weight_decay >= 0) || !std::isfinite(cd.weight_decay))
        throw Error(r + ": the weight decay must be >= 0, got " + std::to_string(cd.weight_decay));
}

const RbmRecipeOptions& checked(const RbmRecipeOptions& o, const Dataset& data) {
    check_common("rbm recipe", data, o.batch_size, o.eval_count);
    if (o.hidden < 1 || o.hidden > 1024)
        throw Error("rbm recipe: hidden units must be in [1, 1024], got " + std::to_string(o.hidden));
    check_cd("rbm recipe", o.cd);
    if (o.steps < 0) throw Error("rbm recipe: steps must be >= 0, got " + std::to_string(o.steps));
    return o;
}

const DbnAeOptions& checked(const DbnAeOptions& o, const Dataset& data) {
    check_common("dbn-ae recipe", data, o.batch_size, o.eval_count);
    if (o.hidden1 < 1 || o.hidden1 > 4096 || o.hidden2 < 1 || o.hidden2 > o.hidden1)
        throw Error("dbn-ae recipe: widths must satisfy 1 <= h2 <= h1 <= 4096, got h1 = " + std::to_string(o.hidden1) +
                    ", h2 = " + std::to_string(o.hidden2));
    if (o.stage1_steps < 0 || o.stage2_steps < 0 || o.finetune_steps < 0)
        throw Error("dbn-ae recipe: step counts must be >= 0");
    check_cd("dbn-ae recipe", o.cd);
    if (!(o.learning_rate > 0) || !std::isfinite(o.learning_rate))
        throw Error("dbn-ae recipe: the learning rate must be positive, got " + std::to_string(o.learning_rate));
    return o;
}

// The held-out images binarised once: threshold, or sampled from Rng(kRbmEvalSeed).
Tensor eval_images_of(const Dataset& data, int count, Binarize mode) {
    Rng rng(kRbmEvalSeed);
    return binarize_images(data.batch(Split::test, 0, std::size_t(count)), mode, rng);
}

// Hinton's visible-bias start: the log odds of each pixel being on over the first training
// images (for sampled binarisation the grey level is that probability).
void init_bias_from_data(Rbm& rbm, const Dataset& data, Binarize mode) {
    const std::size_t n = std::min(kBiasImages, data.size(Split::train));
    Tensor x = data.batch(Split::train, 0, n);
    x.reshape(Shape{n, std::size_t(kPixels)});
    if (mode == Binarize::threshold) {
        Rng unused(0);
        x = binarize_images(x, Binarize::threshold, unused);
    }
    init_visible_bias(rbm, x);
}

}  // namespace

const char* binarize_name(Binarize b) { return b == Binarize::threshold ? "threshold" : "sampled"; }

Tensor binarize_images(const Tensor& x, Binarize mode, Rng& rng) {
    const bool image = x.dimension() == 4 && x.shape()[1] == 1 && x.shape()[2] == 28 && x.shape()[3] == 28;
    const bool flat = x.dimension() == 2 && x.shape()[1] == std::size_t(kPixels);
    if (!(image || flat) || x.shape()[0] == 0)
        throw Error("binarize_images: x must have shape (N, 1, 28, 28) or (N, 784) with N >= 1, got " +
                    shape_str(x.shape()));
    Tensor v = uninitialized({x.shape()[0], std::size_t(kPixels)});
    if (mode == Binarize::threshold)
        for (std::size_t q = 0; q < x.size(); ++q) v.data()[q] = x.data()[q] > 0.5f ? 1.0f : 0.0f;
    else
        for (std::size_t q = 0; q < x.size(); ++q) v.data()[q] = rng.uniform() < x.data()[q] ? 1.0f : 0.0f;
    return v;
}

//-----------------------------------------------------------------------------------------------
// One RBM
//-----------------------------------------------------------------------------------------------
RbmRecipe::RbmRecipe(const Dataset& data, const RbmRecipeOptions& o)
    : data_(data),
      o_(checked(o, data)),
      rbm_([&] {
          Rng w(o.seed);
          Rbm r = make_rbm(kPixels, o.hidden, w);
          init_bias_from_data(r, data, o.binarize);
          return r;
      }()),
      trainer_(rbm_, o.cd),
      sampler_(data.size(Split::train), std::size_t(o.batch_size), o.seed + 1),
      rng_(o.seed + 2),
      eval_(eval_images_of(data, o.eval_count, o.binarize)) {}

double RbmRecipe::train_step() {
    const Tensor x = data_.gather(Split::train, sampler_.next());
    const Tensor v = binarize_images(x, o_.binarize, rng_);  // sampled: a fresh draw per use
    const double err = trainer_.step(v, rng_);
    ++step_;
    return err;
}

Tensor RbmRecipe::reconstruct(const Tensor& v) const { return rbm_visible_probs(rbm_, rbm_hidden_probs(rbm_, v)); }

RbmEval RbmRecipe::evaluate() {
    RbmEval e;
    const Tensor r = reconstruct(eval_);
    e.recon_error = mse_loss(r, eval_);
    if (rbm_.hidden() <= kRbmExactMaxHidden) {
        e.exact = true;
        e.log_z = rbm_log_partition(rbm_);
        e.log_likelihood = rbm_log_likelihood(rbm_, eval_, e.log_z);
    }
    return e;
}

Tensor RbmRecipe::filters() const {
    const int H = rbm_.hidden();
    Tensor f = uninitialized({std::size_t(H), 1, 28, 28});
    for (int j = 0; j < H; ++j)
        for (int i = 0; i < kPixels; ++i) f.data()[std::size_t(j) * kPixels + i] = rbm_.W.data()[std::size_t(i) * H + j];
    return f;
}

//-----------------------------------------------------------------------------------------------
// The deep autoencoder: DBN-pretrained, random, greedy
//-----------------------------------------------------------------------------------------------
// Every arm's autoencoder: layers 0 Linear(784, h1), 2 Linear(h1, h2), 4 Linear(h2, h1),
// 6 Linear(h1, 784), each followed by a Sigmoid. The greedy arm's stage 1 trains [0, 2) + [6, 8)
// (784 -> h1 -> 784), stage 2 [2, 6) (h1 -> h2 -> h1 on the frozen codes).
namespace {
constexpr std::size_t kEnc1 = 2, kDec2 = 6, kLayers = 8;

Sequential deep_autoencoder(int h1, int h2) {
    Sequential net({std::size_t(kPixels)});
    const int widths[5] = {kPixels, h1, h2, h1, kPixels};
    for (int i = 0; i < 4; ++i) {
        net.add<Linear>(widths[i], widths[i + 1]);
        net.add<Sigmoid>();
    }
    return net;
}

// Copies m (rows, cols) into the block `name`, transposed when `transpose` (torch's Linear
// weight is (out, in)).
void set_block(Sequential& net, const std::string& name, const Tensor& m, bool transpose) {
    const ParamBlock& blk = net.block(name);
    float* dst = net.params() + blk.offset;
    if (m.dimension() == 1 || !transpose) {
        std::copy(m.data(), m.data() + m.size(), dst);
        return;
    }
    const std::size_t rows = m.shape()[0], cols = m.shape()[1];
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t c = 0; c < cols; ++c) dst[c * rows + r] = m.data()[r * cols + c];
}

// The stack unrolled: encoder W1^T, c1 then W2^T, c2; decoder W2, b2 then W1, b1. The encoder
// computes p(h1 | v) and p(h2 | h1) exactly as the RBMs do; the decoder p(h1 | h2), p(v | h1).
Sequential unroll(const Rbm& r1, const Rbm& r2) {
    Sequential net = deep_autoencoder(r1.hidden(), r2.hidden());
    set_block(net, "0.weight", r1.W, true);
    set_block(net, "0.bias", r1.c, false);
    set_block(net, "2.weight", r2.W, true);
    set_block(net, "2.bias", r2.c, false);
    set_block(net, "4.weight", r2.W, false);
    set_block(net, "4.bias", r2.b, false);
    set_block(net, "6.weight", r1.W, false);
    set_block(net, "6.bias", r1.b, false);
    return net;
}

// One Adam step of `net` on the MSE of its reconstruction of v; returns the loss.
float finetune_step(Sequential& net, Adam& opt, const Tensor& v) {
    net.zero_grad();
    const Tensor y = net.forward(v);
    const float loss = mse_loss(y, v);
    net.backward_params(mse_loss_grad(y, v));
    opt.step(net);
    return loss;
}
}  // namespace

DbnAeOptions dbn_ae_schedule(int total_steps, const DbnAeOptions& base) {
    if (total_steps < 3) throw Error("dbn-ae recipe: a run needs at least 3 steps, got " + std::to_string(total_steps));
    DbnAeOptions o = base;
    o.stage1_steps = std::max(1, total_steps / 5);
    o.stage2_steps = std::max(1, total_steps / 10);
    o.finetune_steps = total_steps - o.stage1_steps - o.stage2_steps;
    return o;
}

const char* dbn_stage_name(DbnStage s) {
    switch (s) {
        case DbnStage::layer1: return "stage 1: RBM 1 / autoencoder 784 -> h1 -> 784 on pixels";
        case DbnStage::layer2: return "stage 2: RBM 2 / autoencoder h1 -> h2 -> h1 on layer 1's codes";
        case DbnStage::finetune: return "stage 3: the unrolled stacks fine-tuned end to end";
        case DbnStage::done: return "done";
    }
    return "";
}

const char* dbn_arm_name(DbnArm a) {
    switch (a) {
        case DbnArm::dbn: return "RBM-pretrained";
        case DbnArm::random: return "random init";
        case DbnArm::greedy: return "greedy AE";
    }
    return "";
}

struct DbnAeRecipe::Impl {
    Sequential random, greedy;
    std::unique_ptr<Sequential> dbn;  // the unrolled stack: from fine-tuning on, or on demand
    bool finetuning = false;          // dbn is the fine-tuned network (not a copy of the RBMs)
    Adam random_opt, greedy_opt, dbn_opt;
    RbmTrainer trainer1, trainer2;
    BatchSampler sampler;
    Rng rng;  // binarisation and Gibbs sampling
    std::array<std::vector<float>, 3> dbn_losses, greedy_losses;
    std::vector<float> random_losses;

    Impl(const DbnAeOptions& o, const Dataset& data, Rbm& r1, Rbm& r2)
        : random(deep_autoencoder(o.hidden1, o.hidden2)),
          greedy(deep_autoencoder(o.hidden1, o.hidden2)),
          random_opt(AdamOptions{o.learning_rate}),
          greedy_opt(AdamOptions{o.learning_rate}),
          dbn_opt(AdamOptions{o.learning_rate}),
          trainer1(r1, o.cd),
          trainer2(r2, o.cd),
          sampler(data.size(Split::train), std::size_t(o.batch_size), o.seed + 1),
          rng(o.seed + 2) {
        random.init(o.seed);  // PyTorch's default init, the same start for both
        greedy.init(o.seed);
    }
};

DbnAeRecipe::DbnAeRecipe(const Dataset& data, const DbnAeOptions& o) : data_(data), o_(checked(o, data)) {
    Rng w(o_.seed);
    rbm1_ = make_rbm(kPixels, o_.hidden1, w);
    rbm2_ = make_rbm(o_.hidden1, o_.hidden2, w);
    init_bias_from_data(rbm1_, data, o_.binarize);
    eval_ = eval_images_of(data, o_.eval_count, o_.binarize);
    impl_ = std::make_unique<Impl>(o_, data, rbm1_, rbm2_);
}

DbnAeRecipe::~DbnAeRecipe() = default;

DbnStage DbnAeRecipe::stage() const {
    if (step_ < o_.stage1_steps) return DbnStage::layer1;
    if (step_ < o_.stage1_steps + o_.stage2_steps) return DbnStage::layer2;
    if (step_ < o_.total_steps()) return DbnStage::finetune;
    return DbnStage::done;
}

float DbnAeRecipe::train_step() {
    const DbnStage s = stage();
    if (s == DbnStage::done) throw Error("dbn-ae recipe: all " + std::to_string(o_.total_steps()) + " steps done");
    Impl& m = *impl_;
    const Tensor x = data_.gather(Split::train, m.sampler.next());
    const Tensor v = binarize_images(x, o_.binarize, m.rng);  // (B, 784), the same for all arms

    // A greedy stage starts with fresh Adam moments: its layers have had no gradient yet.
    if (step_ == o_.stage1_steps || step_ == o_.stage1_steps + o_.stage2_steps) m.greedy_opt.reset();
    float loss = 0;
    if (s == DbnStage::layer1) {
        loss = float(m.trainer1.step(v, m.rng));
    } else if (s == DbnStage::layer2) {
        loss = float(m.trainer2.step(rbm_hidden_probs(rbm1_, v), m.rng));
    } else {
        if (!m.finetuning) {
            m.dbn = std::make_unique<Sequential>(unroll(rbm1_, rbm2_));
            m.dbn_opt.reset();
            m.finetuning = true;
        }
        loss = finetune_step(*m.dbn, m.dbn_opt, v);
    }
    // The greedy arm: Lessons III's stacking, stage for stage.
    static_assert(int(DbnStage::layer1) == int(StackedStage::layer1) && int(DbnStage::layer2) == int(StackedStage::layer2) &&
                      int(DbnStage::finetune) == int(StackedStage::finetune),
                  "the DBN's stages are the greedy stack's");
    m.greedy_losses[std::size_t(s)].push_back(
        greedy_stack_step(m.greedy, m.greedy_opt, {kEnc1, kDec2, kLayers}, StackedStage(int(s)), v));
    m.dbn_losses[std::size_t(s)].push_back(loss);
    m.random_losses.push_back(finetune_step(m.random, m.random_opt, v));
    ++step_;
    return loss;
}

const std::vector<float>& DbnAeRecipe::losses(DbnArm arm, DbnStage stage) const {
    if (arm == DbnArm::random) return impl_->random_losses;
    if (stage == DbnStage::done) throw Error("dbn-ae recipe: the done stage has no losses");
    return arm == DbnArm::dbn ? impl_->dbn_losses[std::size_t(stage)] : impl_->greedy_losses[std::size_t(stage)];
}

const std::vector<float>& DbnAeRecipe::random_losses() const { return impl_->random_losses; }

bool DbnAeRecipe::finetuning() const { return impl_->finetuning; }

void DbnAeRecipe::set_view_state(int step, bool finetuning) {
    Impl& m = *impl_;
    step_ = step;
    if (finetuning && !m.finetuning) m.dbn = std::make_unique<Sequential>(unroll(rbm1_, rbm2_));
    m.finetuning = finetuning;
}

Sequential& DbnAeRecipe::autoencoder(DbnArm arm) {
    Impl& m = *impl_;
    if (arm == DbnArm::random) return m.random;
    if (arm == DbnArm::greedy) return m.greedy;
    // Before the first fine-tuning step: a fresh copy of the stack as the RBMs are now.
    if (!m.finetuning) m.dbn = std::make_unique<Sequential>(unroll(rbm1_, rbm2_));
    return *m.dbn;
}

Tensor DbnAeRecipe::reconstruct(DbnArm arm, const Tensor& v) {
    check_shape("dbn-ae reconstruct", "v", v, {0, std::size_t(kPixels)});
    Tensor y = autoencoder(arm).forward(v);
    y.reshape(Shape{v.shape()[0], 1, 28, 28});
    return y;
}

DbnAeEval DbnAeRecipe::evaluate() {
    DbnAeEval e;
    e.mse_dbn = mse_loss(autoencoder(DbnArm::dbn).forward(eval_), eval_);
    e.mse_random = mse_loss(autoencoder(DbnArm::random).forward(eval_), eval_);
    e.mse_greedy = mse_loss(autoencoder(DbnArm::greedy).forward(eval_), eval_);
    return e;
}

}  // namespace aelab
