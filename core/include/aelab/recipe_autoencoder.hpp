// aelab core: the recipes of the "Autoencoders: encoder, code, decoder" lesson and of
// `aelab-cli train autoencoder-838|stacked-ae`, so the page and the command train the same
// networks and report the same numbers. Every random draw comes from aelab::Rng seeded by the
// recipe's seed.
//
//   Toy838          the course's 8-3-8 code: the eight one-hot inputs e_0..e_7 through three
//                   sigmoid code units and back, z = sigmoid(W1 x + b1) (3), x_hat =
//                   sigmoid(W2 z + b2) (8); full-batch SGD with momentum on all eight inputs at
//                   once, loss squared error mean ||x_hat - x||^2 or the cross-entropy of the
//                   bits (bce_with_logits on W2 z + b2, the course's choice for bits).
//   MlpAutoencoder  an MLP autoencoder described by its widths: 784 -> encoder hidden (ReLU) ->
//                   code K (linear) -> decoder hidden (ReLU) -> 784 (Sigmoid); the recipes of
//                   the bottleneck (K from 2 to 1024 > 784) and of deep / shallow / asymmetric
//                   networks are lists of such specs.
//   SideBySideRecipe several MLP autoencoders trained on the SAME mini-batches (one sampler),
//                   each with its own Adam, MSE against the input; held-out MSE on the first
//                   eval_count test images.
//   StackedRecipe   a deep autoencoder 784 -> h1 -> h2 -> h1 -> 784 (all Sigmoid) trained
//                   greedily (stage 1: the outer autoencoder 784 -> h1 -> 784 on pixels; stage 2:
//                   the inner one h1 -> h2 -> h1 on stage 1's frozen codes; stage 3: the stack
//                   fine-tuned end to end) next to the same network from the same initial
//                   weights trained end to end for as many steps, on the same batches. Both use
//                   one Sequential whose layer ranges are the stage's autoencoders, so the
//                   stages "insert" nothing: the trained layers already sit where they belong.
//   linear_probe    transfer: a linear softmax classifier (softmax cross-entropy, Adam, full
//                   batch) fitted on the features of a few labelled images, accuracy on the
//                   features of the test images (codes of a frozen encoder, or raw pixels).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "aelab/dataset.hpp"
#include "aelab/model.hpp"
#include "aelab/optim.hpp"
#include "aelab/tensor.hpp"
#include "aelab/train.hpp"

namespace aelab {

//-----------------------------------------------------------------------------------------------
// The 8-3-8 toy
//-----------------------------------------------------------------------------------------------
enum class ToyLoss { squared_error, cross_entropy };
const char* toy_loss_name(ToyLoss l);  // "squared-error", "cross-entropy" (URL, CLI)

struct Toy838Options {
    ToyLoss loss = ToyLoss::cross_entropy;
    float learning_rate = 1.0f;  // SGD
    float momentum = 0.9f;
    int steps = 1000;            // full-batch steps of a run (lesson and CLI)
    std::uint64_t seed = 1;      // initial weights (PyTorch's default init)
};

// One input's row of the course's table.
struct Toy838Row {
    int input = 0;                 // the one-hot position k of e_k
    float code[3] = {};            // z = sigmoid(W1 e_k + b1)
    int bits[3] = {};              // the code rounded: z_j > 0.5
    float reconstruction[8] = {};  // x_hat
    int argmax = 0;                // the largest output
    bool correct = false;          // x_hat rounded (> 0.5) is e_k itself
};

class Toy838 {
public:
    explicit Toy838(const Toy838Options& o = {});  // throws aelab::Error for bad options
    // One full-batch step on the eight inputs; returns the loss before the update.
    float train_step();
    float loss();  // on the eight inputs, no update
    int step() const { return step_; }
    std::vector<Toy838Row> table();
    bool all_correct();
    // The eight rounded codes are different (a 3-bit code word per input).
    bool distinct_codes();
    Sequential& net() { return net_; }  // Linear(8, 3), Sigmoid, Linear(3, 8): logits
    const Toy838Options& options() const { return o_; }
    static Tensor inputs();  // (8, 8) identity: row k is e_k

private:
    Toy838Options o_;
    Sequential net_;
    Sgd opt_;
    Tensor x_;  // (8, 8)
    int step_ = 0;
};

// The number of seeds first_seed, first_seed + 1, ... (count of them) whose run of o.steps
// steps ends with all_correct(); o.seed is ignored.
int toy838_seeds_all_correct(const Toy838Options& o, std::uint64_t first_seed, int count);

//-----------------------------------------------------------------------------------------------
// MLP autoencoders from their widths
//-----------------------------------------------------------------------------------------------
struct MlpAeSpec {
    std::string name;
    std::vector<int> encoder_hidden;  // widths between the 784 pixels and the code
    int code = 32;                    // K
    std::vector<int> decoder_hidden;  // widths between the code and the 784 outputs
};
constexpr int kMinCode = 2, kMaxCode = 1024;
// The architecture as text: "784-256-64-[16]-784".
std::string spec_text(const MlpAeSpec& s);

// Flatten, (Linear + ReLU) per encoder width, Linear(-> K), (Linear + ReLU) per decoder width,
// Linear(-> 784), Sigmoid, Unflatten(1, 28, 28). Throws aelab::Error naming the spec for a code
// outside [kMinCode, kMaxCode] or a width outside [1, 4096].
struct MlpAutoencoder {
    MlpAutoencoder(const MlpAeSpec& spec, std::uint64_t seed);
    MlpAeSpec spec;
    Sequential net;
    std::size_t encoder_layers = 0;  // layers [0, encoder_layers) map images to codes
    Tensor encode(const Tensor& x) { return net.forward(x, 0, encoder_layers); }  // (N, K)
    Tensor reconstruct(const Tensor& x) { return net.forward(x); }
};

// The bottleneck: 784 -> K -> 784, nothing else.
MlpAeSpec bottleneck_spec(int code);
// Deep (784-256-64-K-64-256-784), shallow (784-K-784) and asymmetric (deep encoder, decoder one
// layer K -> 784) at the same code size (Hinton & Salakhutdinov 2006: it need not be symmetric).
std::vector<MlpAeSpec> depth_specs(int code);

struct SideBySideOptions {
    float learning_rate = 1e-3f;  // Adam
    int batch_size = 64;
    int steps = 2000;
    int eval_count = 500;         // held-out test images
    std::uint64_t seed = 1;       // every network's initial weights and the batch order
};

class SideBySideRecipe {
public:
    // data must outlive the recipe. Throws aelab::Error for bad options or specs.
    SideBySideRecipe(const Dataset& data, const std::vector<MlpAeSpec>& specs, const SideBySideOptions& o = {});
    // One mini-batch for every network; returns their losses (MSE before the update).
    std::vector<float> train_step();
    int step() const { return step_; }
    // Held-out MSE (per pixel) of each network on the first eval_count test images.
    std::vector<double> evaluate();
    std::size_t size() const { return nets_.size(); }
    MlpAutoencoder& net(std::size_t i) { return *nets_.at(i); }
    const Tensor& eval_images() const { return eval_; }  // (eval_count, 1, 28, 28)
    const SideBySideOptions& options() const { return o_; }

private:
    const Dataset& data_;
    SideBySideOptions o_;
    std::vector<std::unique_ptr<MlpAutoencoder>> nets_;
    std::vector<std::unique_ptr<Adam>> opts_;
    std::vector<std::unique_ptr<AutoencoderTrainer>> trainers_;
    BatchSampler sampler_;
    Tensor eval_;
    int step_ = 0;
};

// Inputs unlike the data, each (1, 1, 28, 28) in [0, 1], for showing that a network with a wide
// code "reconstructs" anything: uniform noise (Rng(seed)), the test image `image` inverted
// (1 - x), and a scribble (three thick strokes on black).
struct NamedImage {
    std::string name;
    Tensor image;
};
std::vector<NamedImage> off_distribution_inputs(const Dataset& data, std::size_t image, std::uint64_t seed);
// MSE (per pixel) between each image and its reconstruction.
std::vector<double> reconstruction_errors(MlpAutoencoder& ae, const std::vector<NamedImage>& inputs);

//-----------------------------------------------------------------------------------------------
// Stacked autoencoders, trained greedily
//-----------------------------------------------------------------------------------------------
struct StackedOptions {
    int hidden1 = 256, hidden2 = 32;
    int stage1_steps = 1000, stage2_steps = 500, finetune_steps = 1500;
    float learning_rate = 1e-3f;  // Adam, reset at each stage
    int batch_size = 64;
    int eval_count = 500;
    std::uint64_t seed = 1;
    int total_steps() const { return stage1_steps + stage2_steps + finetune_steps; }
};

// The default proportions for a run of `total_steps` (>= 3): a third for stage 1, a sixth for
// stage 2, the rest for fine-tuning; the other options from `base`.
StackedOptions stacked_schedule(int total_steps, const StackedOptions& base = {});

enum class StackedStage { layer1, layer2, finetune, done };
const char* stacked_stage_name(StackedStage s);

// Where the parts of a stacked autoencoder x -> h1 -> h2 -> h1 -> x end in its Sequential: layers
// [0, enc1) compute h1, [enc1, dec2) the reconstruction of h1 through h2, [dec2, end) the output.
struct StackLayers {
    std::size_t enc1, dec2, end;
};
// One Adam step of greedy stacking (Lessons III), the same for every recipe that stacks:
//   layer1    the outer autoencoder x -> h1 -> x (layers [0, enc1) and [dec2, end)) on x
//   layer2    the inner one h1 -> h2 -> h1 on the frozen h1 codes (MSE on the codes)
//   finetune  the whole stack end to end on x
// Layers outside the stage get zero gradients, so Adam leaves them unchanged. Returns the
// stage's MSE before the update. `s` must not be done.
float greedy_stack_step(Sequential& net, Adam& opt, const StackLayers& at, StackedStage s, const Tensor& x);

class StackedRecipe {
public:
    StackedRecipe(const Dataset& data, const StackedOptions& o = {});
    // One step of the greedy schedule and one of the end-to-end network, on the same batch.
    // Returns the greedy stage's loss (stage 2: MSE on h1's codes, not on pixels).
    float train_step();
    StackedStage stage() const;
    int step() const { return step_; }
    // Per-step losses: each greedy stage's own, and the end-to-end network's (pixels).
    const std::vector<float>& stage_losses(StackedStage s) const;
    const std::vector<float>& end_to_end_losses() const { return end_to_end_losses_; }

    // Held-out pixel MSE of the whole stack (as its weights are now) and of the end-to-end one.
    double held_out_mse_greedy();
    double held_out_mse_end_to_end();
    // Reconstructions of x (N, 1, 28, 28): stage 1's autoencoder alone (784 -> h1 -> 784), the
    // stack, the end-to-end network; stage 2's view: h1 codes (N, h1) and their reconstruction.
    Tensor reconstruct_layer1(const Tensor& x);
    Tensor reconstruct_stacked(const Tensor& x);
    Tensor reconstruct_end_to_end(const Tensor& x);
    Tensor codes_layer1(const Tensor& x);
    Tensor reconstruct_codes_layer1(const Tensor& h1);
    // The encoders' codes (N, h2): the greedy stack's and the end-to-end network's.
    Tensor encode_greedy(const Tensor& x);
    Tensor encode_end_to_end(const Tensor& x);

    const Tensor& eval_images() const { return eval_; }
    const StackedOptions& options() const { return o_; }
    Sequential& greedy() { return greedy_; }
    Sequential& end_to_end() { return end_to_end_; }

private:
    const Dataset& data_;
    StackedOptions o_;
    Sequential greedy_, end_to_end_;  // the same network, the same initial weights
    Adam greedy_opt_, end_to_end_opt_;
    BatchSampler sampler_;
    Tensor eval_;
    std::vector<float> losses_[3], end_to_end_losses_;
    int step_ = 0;
};

//-----------------------------------------------------------------------------------------------
// Transfer: a linear probe
//-----------------------------------------------------------------------------------------------
struct ProbeOptions {
    float learning_rate = 1e-2f;  // Adam, full batch
    float weight_decay = 1e-3f;
    int steps = 300;
    std::uint64_t seed = 1;
};
// Fits logits = features W^T + b (10 classes) on train_features (n, F) with their labels,
// returns the accuracy in [0, 1] on test_features (m, F). Throws aelab::Error for mismatched
// sizes or labels outside [0, 10).
double linear_probe(const Tensor& train_features, const std::vector<int>& train_labels, const Tensor& test_features,
                    const std::vector<int>& test_labels, const ProbeOptions& o = {});
// The first n training images' labels, and the first m test images' (as ints).
std::vector<int> labels_of(const Dataset& data, Split s, std::size_t count);
// x (N, 1, 28, 28) as (N, 784).
Tensor flatten_images(const Tensor& x);

struct ProbePoint {
    int labels = 0;
    double accuracy_codes = 0, accuracy_pixels = 0;
};
// The lesson's and the CLI's probe: these label counts, tested on the first 1000 test images.
constexpr int kProbeLabelCounts[3] = {10, 100, 1000};
constexpr std::size_t kProbeTestCount = 1000;

// For each label count: a probe on the encoder's codes (encode(images)) and one on the raw
// pixels, trained on the first `labels` training images, tested on the first test_count test images.
template <class Encode>
std::vector<ProbePoint> probe_curve(const Dataset& data, Encode encode, const std::vector<int>& label_counts,
                                    std::size_t test_count, const ProbeOptions& o = {}) {
    const Tensor test_images = data.batch(Split::test, 0, test_count);
    const std::vector<int> test_labels = labels_of(data, Split::test, test_count);
    const Tensor test_codes = encode(test_images), test_pixels = flatten_images(test_images);
    std::vector<ProbePoint> out;
    for (int n : label_counts) {
        const Tensor images = data.batch(Split::train, 0, std::size_t(n));
        const std::vector<int> labels = labels_of(data, Split::train, std::size_t(n));
        out.push_back({n, linear_probe(encode(images), labels, test_codes, test_labels, o),
                       linear_probe(flatten_images(images), labels, test_pixels, test_labels, o)});
    }
    return out;
}

}  // namespace aelab
