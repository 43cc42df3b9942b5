// aelab core: the recipe of the "Convolutional autoencoders" lesson and of
// `aelab-cli train conv-ae [--arch SPEC] [--arch2 SPEC]`, so the page and the command train the
// same networks and report the same numbers.
//
//   ConvAeRecipe   one or more autoencoders, each from its architecture text (architecture.hpp),
//                  trained side by side on the SAME mini-batches (one sampler; with augmentation
//                  on, the batch is augmented once and every network gets that batch), each with
//                  its own Adam, MSE against its input. Every network's initial weights come from
//                  the one seed, the batch order and the augmentation from streams derived from
//                  it. Held-out MSE and PSNR on the first test images, in evaluation mode
//                  (EvalScope: BatchNorm2d's running statistics, no dropout).
//   top_activating the test images that excite one channel of one layer most (its mean over the
//                  feature map), for the lesson's "what does this channel respond to".
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "aelab/architecture.hpp"
#include "aelab/augment.hpp"
#include "aelab/dataset.hpp"
#include "aelab/model.hpp"
#include "aelab/optim.hpp"
#include "aelab/tensor.hpp"
#include "aelab/train.hpp"

namespace aelab {

// The lesson's and the CLI's defaults: the strided preset (transposed-conv decoder, the
// architecture of benchmark case h) against the resize-conv preset (nearest upsample + conv).
constexpr const char* kConvAeFirstPreset = "strided";
constexpr const char* kConvAeSecondPreset = "resize-conv";

struct ConvAeOptions {
    float learning_rate = 1e-3f;  // Adam
    int batch_size = 32;
    int steps = 1500;             // of a CLI run (the lesson trains until paused)
    int eval_count = 500;         // held-out test images
    bool augment = false;         // random shifts and flips of every training batch
    AugmentOptions augment_options;
    std::uint64_t seed = 1;
};

// One network of the recipe.
struct ConvAeNet {
    std::string spec;  // canonical architecture text
    ArchCheck check;   // its rows, parameter count, code and the dense comparison
    Sequential net;
    Adam optimizer;
    std::vector<float> losses;  // one per training step

    ConvAeNet(const std::string& spec_text, std::uint64_t seed, float learning_rate);
};

class ConvAeRecipe {
public:
    // data must outlive the recipe. Throws aelab::Error for bad options, or for a spec that does
    // not check: "network 2: layer 4 'lin16': needs a flat input ...".
    ConvAeRecipe(const Dataset& data, const std::vector<std::string>& specs, const ConvAeOptions& o = {});

    // One mini-batch for every network; returns their losses (MSE before the update).
    std::vector<float> train_step();
    int step() const { return step_; }
    // The batch of the last train_step as the networks saw it (augmented when on).
    const Tensor& last_batch() const { return batch_; }

    // Held-out MSE (per pixel) of each network on the first `count` test images (0: eval_count),
    // in evaluation mode; the networks' modes are restored.
    std::vector<double> evaluate_mse(std::size_t count = 0);
    std::vector<double> evaluate_psnr_db(std::size_t count = 0);
    // Network i's reconstruction of x (N, 1, 28, 28) in evaluation mode.
    Tensor reconstruct(std::size_t i, const Tensor& x);

    std::size_t size() const { return nets_.size(); }
    ConvAeNet& net(std::size_t i) { return *nets_.at(i); }
    const ConvAeNet& net(std::size_t i) const { return *nets_.at(i); }
    const Tensor& eval_images() const { return eval_; }  // (eval_count, 1, 28, 28)
    const ConvAeOptions& options() const { return o_; }
    // Switch augmentation on or off between steps (the lesson's checkbox).
    void set_augment(bool on) { o_.augment = on; }

private:
    const Dataset& data_;
    ConvAeOptions o_;
    std::vector<std::unique_ptr<ConvAeNet>> nets_;
    BatchSampler sampler_;
    Rng augment_rng_;
    Tensor eval_, batch_;
    int step_ = 0;
};

// The indices (into images (N, ...), at most `count`, best first) of the images whose mean
// activation of `channel` in the output of `layer` is largest, with those activations. Runs in
// evaluation mode, in chunks of 100 images. Throws aelab::Error for a layer or channel out of range.
struct Activating {
    std::size_t index = 0;
    float activation = 0;
};
std::vector<Activating> top_activating(Sequential& model, std::size_t layer, int channel, const Tensor& images,
                                       std::size_t count = 9);

}  // namespace aelab
