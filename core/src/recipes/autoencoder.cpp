// The recipes of the "Autoencoders: encoder, code, decoder" lesson (see recipe_autoencoder.hpp).
#include "aelab/recipe_autoencoder.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "aelab/activation.hpp"
#include "aelab/layers.hpp"
#include "aelab/loss.hpp"

namespace aelab {
namespace {

// Independent streams from one seed: the initial weights use `seed` itself.
constexpr std::uint64_t kBatchStream = 0x9e3779b97f4a7c15ULL, kProbeStream = 0x632be59bd9b4e019ULL;

void check_training(const char* recipe, const Dataset& data, int batch_size, int eval_count, float learning_rate) {
    const std::string r = recipe;
    if (batch_size < 1 || std::size_t(batch_size) > data.size(Split::train))
        throw Error(r + ": batch size must be in [1, " + std::to_string(data.size(Split::train)) + "], got " +
                    std::to_string(batch_size));
    if (eval_count < 1 || std::size_t(eval_count) > data.size(Split::test))
        throw Error(r + ": eval_count must be in [1, " + std::to_string(data.size(Split::test)) + "], got " +
                    std::to_string(eval_count));
    if (data.rows != 28 || data.cols != 28)
        throw Error(r + ": expects 28 x 28 images, the dataset has " + std::to_string(data.rows) + " x " +
                    std::to_string(data.cols));
    if (!(learning_rate > 0) || !std::isfinite(learning_rate))
        throw Error(r + ": the learning rate must be positive, got " + std::to_string(learning_rate));
}

}  // namespace

//-----------------------------------------------------------------------------------------------
// The 8-3-8 toy
//-----------------------------------------------------------------------------------------------
const char* toy_loss_name(ToyLoss l) { return l == ToyLoss::squared_error ? "squared-error" : "cross-entropy"; }

Tensor Toy838::inputs() {
    Tensor x = zeros({8, 8});
    for (int k = 0; k < 8; ++k) x(k, k) = 1.0f;
    return x;
}

namespace {
const Toy838Options& checked(const Toy838Options& o) {
    if (!(o.learning_rate > 0) || !std::isfinite(o.learning_rate))
        throw Error("8-3-8 toy: the learning rate must be positive, got " + std::to_string(o.learning_rate));
    if (!(o.momentum >= 0 && o.momentum < 1))
        throw Error("8-3-8 toy: the momentum must be in [0, 1), got " + std::to_string(o.momentum));
    if (o.steps < 0) throw Error("8-3-8 toy: steps must be >= 0, got " + std::to_string(o.steps));
    return o;
}

Sequential toy_net(std::uint64_t seed) {
    Sequential net({8});
    net.add<Linear>(8, 3);
    net.add<Sigmoid>();
    net.add<Linear>(3, 8);  // logits: the reconstruction is their sigmoid
    net.init(seed);
    return net;
}
}  // namespace

Toy838::Toy838(const Toy838Options& o)
    : o_(checked(o)), net_(toy_net(o.seed)), opt_(SgdOptions{o.learning_rate, o.momentum}), x_(inputs()) {}

float Toy838::loss() {
    const Tensor logits = net_.forward(x_);
    return o_.loss == ToyLoss::cross_entropy ? bce_with_logits_loss(logits, x_) : mse_loss(sigmoid(logits), x_);
}

float Toy838::train_step() {
    net_.zero_grad();
    const Tensor logits = net_.forward(x_);  // (8, 8)
    Tensor d_logits = zeros({8, 8});
    float loss = 0;
    if (o_.loss == ToyLoss::cross_entropy) {
        loss = bce_with_logits_loss(logits, x_);
        bce_with_logits_loss_backward(d_logits, logits, x_);
    } else {
        const Tensor y = sigmoid(logits);
        loss = mse_loss(y, x_);
        sigmoid_backward(d_logits, mse_loss_grad(y, x_), logits);
    }
    net_.backward_params(d_logits);
    opt_.step(net_);
    ++step_;
    return loss;
}

std::vector<Toy838Row> Toy838::table() {
    const Tensor code = net_.forward(x_, 0, 2);                // (8, 3)
    const Tensor recon = sigmoid(net_.forward(code, 2, 3));    // (8, 8)
    std::vector<Toy838Row> rows(8);
    for (int k = 0; k < 8; ++k) {
        Toy838Row& r = rows[std::size_t(k)];
        r.input = k;
        for (int j = 0; j < 3; ++j) {
            r.code[j] = code(k, j);
            r.bits[j] = code(k, j) > 0.5f;
        }
        r.correct = true;
        for (int i = 0; i < 8; ++i) {
            r.reconstruction[i] = recon(k, i);
            if (recon(k, i) > recon(k, r.argmax)) r.argmax = i;
            r.correct &= (recon(k, i) > 0.5f) == (i == k);
        }
    }
    return rows;
}

bool Toy838::all_correct() {
    for (const Toy838Row& r : table())
        if (!r.correct) return false;
    return true;
}

bool Toy838::distinct_codes() {
    int seen = 0;  // bit w set: code word w used
    for (const Toy838Row& r : table()) {
        const int word = r.bits[0] * 4 + r.bits[1] * 2 + r.bits[2];
        if (seen >> word & 1) return false;
        seen |= 1 << word;
    }
    return true;
}

int toy838_seeds_all_correct(const Toy838Options& o, std::uint64_t first_seed, int count) {
    int correct = 0;
    for (int i = 0; i < count; ++i) {
        Toy838Options run = o;
        run.seed = first_seed + std::uint64_t(i);
        Toy838 toy(run);
        for (int s = 0; s < run.steps; ++s) toy.train_step();
        correct += toy.all_correct();
    }
    return correct;
}

//-----------------------------------------------------------------------------------------------
// MLP autoencoders from their widths
//-----------------------------------------------------------------------------------------------
std::string spec_text(const MlpAeSpec& s) {
    std::string t = "784";
    for (int w : s.encoder_hidden) t += "-" + std::to_string(w);
    t += "-[" + std::to_string(s.code) + "]";
    for (int w : s.decoder_hidden) t += "-" + std::to_string(w);
    return t + "-784";
}

namespace {
const MlpAeSpec& checked(const MlpAeSpec& s) {
    if (s.code < kMinCode || s.code > kMaxCode)
        throw Error("autoencoder " + spec_text(s) + ": the code size must be in [" + std::to_string(kMinCode) + ", " +
                    std::to_string(kMaxCode) + "], got " + std::to_string(s.code));
    for (const auto* widths : {&s.encoder_hidden, &s.decoder_hidden})
        for (int w : *widths)
            if (w < 1 || w > 4096)
                throw Error("autoencoder " + spec_text(s) + ": hidden widths must be in [1, 4096], got " +
                            std::to_string(w));
    return s;
}
}  // namespace

MlpAutoencoder::MlpAutoencoder(const MlpAeSpec& s, std::uint64_t seed) : spec(checked(s)), net({1, 28, 28}) {
    net.add<Flatten>();
    int width = 784;
    for (int w : spec.encoder_hidden) {
        net.add<Linear>(width, w);
        net.add<ReLU>();
        width = w;
    }
    net.add<Linear>(width, spec.code);  // the code, linear
    encoder_layers = net.size();
    width = spec.code;
    for (int w : spec.decoder_hidden) {
        net.add<Linear>(width, w);
        net.add<ReLU>();
        width = w;
    }
    net.add<Linear>(width, 784);
    net.add<Sigmoid>();
    net.add<Unflatten>(Shape{1, 28, 28});
    net.init(seed);
}

MlpAeSpec bottleneck_spec(int code) { return {"K = " + std::to_string(code), {}, code, {}}; }

std::vector<MlpAeSpec> depth_specs(int code) {
    return {{"deep", {256, 64}, code, {64, 256}}, {"shallow", {}, code, {}}, {"asymmetric", {256, 64}, code, {}}};
}

SideBySideRecipe::SideBySideRecipe(const Dataset& data, const std::vector<MlpAeSpec>& specs,
                                   const SideBySideOptions& o)
    : data_(data), o_(o), sampler_(data.size(Split::train), std::size_t(std::max(o.batch_size, 1)), o.seed ^ kBatchStream) {
    check_training("side-by-side recipe", data, o.batch_size, o.eval_count, o.learning_rate);
    if (specs.empty()) throw Error("side-by-side recipe: no networks to train");
    for (const MlpAeSpec& s : specs) {
        nets_.push_back(std::make_unique<MlpAutoencoder>(s, o.seed));
        opts_.push_back(std::make_unique<Adam>(AdamOptions{o.learning_rate}));
        trainers_.push_back(std::make_unique<AutoencoderTrainer>(nets_.back()->net, *opts_.back()));
    }
    eval_ = data.batch(Split::test, 0, std::size_t(o.eval_count));
}

std::vector<float> SideBySideRecipe::train_step() {
    const Tensor batch = data_.gather(Split::train, sampler_.next());
    std::vector<float> losses;
    for (auto& t : trainers_) losses.push_back(t->train_step(batch));
    ++step_;
    return losses;
}

std::vector<double> SideBySideRecipe::evaluate() {
    std::vector<double> mse;
    for (auto& n : nets_) mse.push_back(mse_loss(n->reconstruct(eval_), eval_));
    return mse;
}

std::vector<NamedImage> off_distribution_inputs(const Dataset& data, std::size_t image, std::uint64_t seed) {
    if (image >= data.size(Split::test))
        throw Error("off-distribution inputs: test image " + std::to_string(image) + " out of range [0, " +
                    std::to_string(data.size(Split::test)) + ")");
    Rng rng(seed);
    Tensor noise = zeros({1, 1, 28, 28});
    for (auto& v : noise) v = rng.uniform();
    Tensor inverted = 1.0f - data.batch(Split::test, image, 1);
    Tensor scribble = zeros({1, 1, 28, 28});
    // Three strokes (a zigzag) two pixels thick: nothing like a garment.
    const float strokes[3][4] = {{4, 4, 22, 12}, {22, 12, 6, 20}, {6, 20, 24, 25}};
    for (const auto& s : strokes)
        for (int t = 0; t <= 64; ++t) {
            const float y = s[0] + (s[2] - s[0]) * t / 64.0f, x = s[1] + (s[3] - s[1]) * t / 64.0f;
            for (int dy = 0; dy < 2; ++dy)
                for (int dx = 0; dx < 2; ++dx)
                    scribble(0, 0, std::min(27, int(y) + dy), std::min(27, int(x) + dx)) = 1.0f;
        }
    return {{"uniform noise", noise}, {"inverted image", inverted}, {"scribble", scribble}};
}

std::vector<double> reconstruction_errors(MlpAutoencoder& ae, const std::vector<NamedImage>& inputs) {
    std::vector<double> out;
    for (const NamedImage& in : inputs) out.push_back(mse_loss(ae.reconstruct(in.image), in.image));
    return out;
}

//-----------------------------------------------------------------------------------------------
// Stacked autoencoders, trained greedily
//-----------------------------------------------------------------------------------------------
// Layers of the stack: [0, 3) encoder 1 (Flatten, Linear(784, h1), Sigmoid), [3, 5) encoder 2
// (Linear(h1, h2), Sigmoid), [5, 7) decoder 2 (Linear(h2, h1), Sigmoid), [7, 10) decoder 1
// (Linear(h1, 784), Sigmoid, Unflatten). Stage 1 trains [0, 3) + [7, 10), stage 2 [3, 7).
namespace {
constexpr std::size_t kEnc1 = 3, kEnc2 = 5, kDec2 = 7, kLayers = 10;

Sequential stacked_net(const StackedOptions& o) {
    Sequential net({1, 28, 28});
    net.add<Flatten>();
    const int widths[5] = {784, o.hidden1, o.hidden2, o.hidden1, 784};
    for (int i = 0; i < 4; ++i) {
        net.add<Linear>(widths[i], widths[i + 1]);
        net.add<Sigmoid>();
    }
    net.add<Unflatten>(Shape{1, 28, 28});
    net.init(o.seed);
    return net;
}

const StackedOptions& checked(const StackedOptions& o, const Dataset& data) {
    check_training("stacked recipe", data, o.batch_size, o.eval_count, o.learning_rate);
    if (o.hidden1 < 1 || o.hidden1 > 4096 || o.hidden2 < 1 || o.hidden2 > o.hidden1)
        throw Error("stacked recipe: widths must satisfy 1 <= h2 <= h1 <= 4096, got h1 = " + std::to_string(o.hidden1) +
                    ", h2 = " + std::to_string(o.hidden2));
    if (o.stage1_steps < 0 || o.stage2_steps < 0 || o.finetune_steps < 0)
        throw Error("stacked recipe: step counts must be >= 0");
    return o;
}
}  // namespace

StackedOptions stacked_schedule(int total_steps, const StackedOptions& base) {
    if (total_steps < 3) throw Error("stacked recipe: a run needs at least 3 steps, got " + std::to_string(total_steps));
    StackedOptions o = base;
    o.stage1_steps = total_steps / 3;
    o.stage2_steps = total_steps / 6 > 0 ? total_steps / 6 : 1;
    o.finetune_steps = total_steps - o.stage1_steps - o.stage2_steps;
    return o;
}

const char* stacked_stage_name(StackedStage s) {
    switch (s) {
        case StackedStage::layer1: return "stage 1: 784 -> h1 -> 784 on pixels";
        case StackedStage::layer2: return "stage 2: h1 -> h2 -> h1 on stage 1's codes";
        case StackedStage::finetune: return "stage 3: the stack fine-tuned end to end";
        case StackedStage::done: return "done";
    }
    return "";
}

float greedy_stack_step(Sequential& g, Adam& opt, const StackLayers& at, StackedStage s, const Tensor& x) {
    if (s == StackedStage::done) throw Error("greedy_stack_step: the done stage has no step");
    g.zero_grad();
    float loss = 0;
    if (s == StackedStage::layer1) {
        const Tensor h1 = g.forward(x, 0, at.enc1);
        const Tensor y = g.forward(h1, at.dec2, at.end);
        loss = mse_loss(y, x);
        g.backward_params(g.backward(mse_loss_grad(y, x), at.dec2, at.end), 0, at.enc1);
    } else if (s == StackedStage::layer2) {
        const Tensor h1 = g.forward(x, 0, at.enc1);  // frozen: no gradient reaches encoder 1
        const Tensor h1_hat = g.forward(h1, at.enc1, at.dec2);
        loss = mse_loss(h1_hat, h1);
        g.backward_params(mse_loss_grad(h1_hat, h1), at.enc1, at.dec2);
    } else {
        const Tensor y = g.forward(x);
        loss = mse_loss(y, x);
        g.backward_params(mse_loss_grad(y, x));
    }
    opt.step(g);  // layers outside the stage have zero gradients and zero moments: unchanged
    return loss;
}

StackedRecipe::StackedRecipe(const Dataset& data, const StackedOptions& o)
    : data_(data),
      o_(checked(o, data)),
      greedy_(stacked_net(o)),
      end_to_end_(stacked_net(o)),
      greedy_opt_(AdamOptions{o.learning_rate}),
      end_to_end_opt_(AdamOptions{o.learning_rate}),
      sampler_(data.size(Split::train), std::size_t(o.batch_size), o.seed ^ kBatchStream),
      eval_(data.batch(Split::test, 0, std::size_t(o.eval_count))) {}

StackedStage StackedRecipe::stage() const {
    if (step_ < o_.stage1_steps) return StackedStage::layer1;
    if (step_ < o_.stage1_steps + o_.stage2_steps) return StackedStage::layer2;
    if (step_ < o_.total_steps()) return StackedStage::finetune;
    return StackedStage::done;
}

const std::vector<float>& StackedRecipe::stage_losses(StackedStage s) const {
    if (s == StackedStage::done) throw Error("stacked recipe: the done stage has no losses");
    return losses_[int(s)];
}

float StackedRecipe::train_step() {
    const StackedStage s = stage();
    if (s == StackedStage::done) throw Error("stacked recipe: all " + std::to_string(o_.total_steps()) + " steps done");
    // A new stage starts with fresh Adam moments: the layers it trains have had no gradient yet.
    if (step_ == o_.stage1_steps || step_ == o_.stage1_steps + o_.stage2_steps) greedy_opt_.reset();
    const Tensor x = data_.gather(Split::train, sampler_.next());  // (B, 1, 28, 28)

    const float loss = greedy_stack_step(greedy_, greedy_opt_, {kEnc1, kDec2, kLayers}, s, x);
    losses_[int(s)].push_back(loss);

    end_to_end_.zero_grad();
    const Tensor y = end_to_end_.forward(x);
    end_to_end_losses_.push_back(mse_loss(y, x));
    end_to_end_.backward_params(mse_loss_grad(y, x));
    end_to_end_opt_.step(end_to_end_);
    ++step_;
    return loss;
}

double StackedRecipe::held_out_mse_greedy() { return mse_loss(greedy_.forward(eval_), eval_); }
double StackedRecipe::held_out_mse_end_to_end() { return mse_loss(end_to_end_.forward(eval_), eval_); }
Tensor StackedRecipe::reconstruct_layer1(const Tensor& x) {
    return greedy_.forward(greedy_.forward(x, 0, kEnc1), kDec2, kLayers);
}
Tensor StackedRecipe::reconstruct_stacked(const Tensor& x) { return greedy_.forward(x); }
Tensor StackedRecipe::reconstruct_end_to_end(const Tensor& x) { return end_to_end_.forward(x); }
Tensor StackedRecipe::codes_layer1(const Tensor& x) { return greedy_.forward(x, 0, kEnc1); }
Tensor StackedRecipe::reconstruct_codes_layer1(const Tensor& h1) { return greedy_.forward(h1, kEnc1, kDec2); }
Tensor StackedRecipe::encode_greedy(const Tensor& x) { return greedy_.forward(x, 0, kEnc2); }
Tensor StackedRecipe::encode_end_to_end(const Tensor& x) { return end_to_end_.forward(x, 0, kEnc2); }

//-----------------------------------------------------------------------------------------------
// Transfer: a linear probe
//-----------------------------------------------------------------------------------------------
constexpr int kClasses = 10;

std::vector<int> labels_of(const Dataset& data, Split s, std::size_t count) {
    if (count > data.size(s))
        throw Error("labels_of: " + std::to_string(count) + " labels asked, the split has " +
                    std::to_string(data.size(s)));
    return std::vector<int>(data.labels(s).begin(), data.labels(s).begin() + std::ptrdiff_t(count));
}

Tensor flatten_images(const Tensor& x) {
    if (x.dimension() < 2) throw Error("flatten_images: expected a batch (N, ...), got shape " + shape_str(x.shape()));
    Tensor f = x;
    f.reshape(Shape{x.shape()[0], x.size() / x.shape()[0]});
    return f;
}

double linear_probe(const Tensor& train_features, const std::vector<int>& train_labels, const Tensor& test_features,
                    const std::vector<int>& test_labels, const ProbeOptions& o) {
    check_rank("linear_probe", "train_features", train_features, 2, "n, features");
    const std::size_t F = train_features.shape()[1];
    check_shape("linear_probe", "test_features", test_features, {0, F});
    if (train_features.shape()[0] == 0 || test_features.shape()[0] == 0)
        throw Error("linear_probe: needs at least one training and one test example");
    Sequential probe({F});
    probe.add<Linear>(int(F), kClasses);
    probe.init(o.seed ^ kProbeStream);
    Adam opt(AdamOptions{o.learning_rate, 0.9f, 0.999f, 1e-8f, o.weight_decay});
    for (int s = 0; s < o.steps; ++s) {
        probe.zero_grad();
        const Tensor logits = probe.forward(train_features);
        Tensor d_logits = zeros(shape_of(logits));
        softmax_cross_entropy_loss_backward(d_logits, logits, train_labels);  // checks the labels
        probe.backward_params(d_logits);
        opt.step(probe);
    }
    const Tensor logits = probe.forward(test_features);  // (m, 10)
    softmax_cross_entropy_loss(logits, test_labels);      // checks the test labels
    std::size_t right = 0;
    for (std::size_t n = 0; n < test_labels.size(); ++n) {
        int best = 0;
        for (int k = 1; k < kClasses; ++k)
            if (logits(n, k) > logits(n, best)) best = k;
        right += best == test_labels[n];
    }
    return double(right) / double(test_labels.size());
}

}  // namespace aelab
