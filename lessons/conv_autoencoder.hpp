// The "Convolutional autoencoders" lesson's state and maths, apart from its drawing so tests
// can run them without a window: the page's URL keys, the layer-list editor's operations on the
// spec text (aelab/architecture.hpp), the side-by-side training (the core's ConvAeRecipe driven
// by the kit's LiveTraining) and what section 3 reads out of a trained network.
//
// Legend: spec an architecture as one line of text ("conv16s2p1-relu-..."); a token one layer
// of it; x a test image (1, 1, 28, 28); h_l the output of layer l (1, C, H, W) or (1, F).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "aelab/dataset.hpp"
#include "aelab/jobs/conv_autoencoder.hpp"
#include "aelab/recipe_conv_ae.hpp"
#include "kit/sections.hpp"
#include "kit/training.hpp"
#include "kit/url_state.hpp"

namespace aelab::lessons::conv_autoencoder {

constexpr int kSections = 3, kEvalEvery = 100;
constexpr int kEvalImages = 200;  // held-out PSNR while training: a pass that does not stall a frame
constexpr int kTopPool = 500;     // section 3 looks for the most exciting images among these test images
constexpr int kMinSteps = 10, kMaxSteps = 50000;

struct Settings {
    std::string arch = architecture_preset(kConvAeFirstPreset);    // network 1
    std::string arch2 = architecture_preset(kConvAeSecondPreset);  // network 2 ("" trains one network)
    bool augment = false;  // random shifts (up to 2 pixels) and flips of every training batch
    int image = 0;         // section 3's test image
    int net = 0;           // section 3 looks inside network 1 (0) or 2 (1)
    int layer = 0, channel = 0;  // section 3's chosen channel
};

// The URL keys: arch, arch2 ("none": one network; any text the parser could read; a spec that does not check is
// kept and shown with its error), aug, img, net, layer, ch, open; the training's seed, lr, steps
// and train (train=1 starts training as soon as the page opens).
kit::UrlState url_state(Settings& s, kit::Sections& sections, LiveTraining& training);
// A spec is accepted into the URL when it is short and uses only the spec alphabet.
bool spec_text_allowed(const std::string& text);

ConvAeOptions conv_ae_options(const Settings& s, const LiveTraining& training);
std::vector<std::string> training_specs(const Settings& s);  // arch, and arch2 unless empty

// --- The editor: a spec as a list of tokens ---------------------------------------------------
std::vector<std::string> spec_tokens(const std::string& spec);  // split at '-', empty tokens dropped
std::string join_tokens(const std::vector<std::string>& tokens);
// The token a new layer of each kind starts as, for the "add layer" menu.
const std::vector<std::string>& new_layer_tokens();
// For each token, the index of its row in check_architecture's rows (-1 for the code marker);
// the rows stop at the first error, so later tokens map past the end.
std::vector<int> token_rows(const std::vector<std::string>& tokens);
// Moves token i up (-1) or down (+1); out-of-range moves do nothing.
void move_token(std::vector<std::string>& tokens, std::size_t i, int direction);

// --- The training -------------------------------------------------------------------------------
struct PsnrPoint {
    int step;
    std::vector<double> psnr_db;  // per network, on the first kEvalImages test images
};
struct TrainState {
    ConvAeJob* job = nullptr;        // the training's view copy (LiveTraining::view), null until built
    ConvAeRecipe* recipe = nullptr;  // its recipe, holding the weights of the latest snapshot
    std::vector<float> losses2;      // network 2's loss per step (network 1's: run().losses())
    std::vector<PsnrPoint> held_out;  // step 0, every kEvalEvery steps, the end
    int builds = 0;                   // counts rebuilds: views holding a network check it
};
// The training as the core's conv_ae job from the settings at every rebuild (a spec that does
// not check becomes the training's error; augmentation is part of the run: switching it
// rebuilds); a diverging network stops the run; PSNR is evaluated on schedule.
void attach_training(LiveTraining& t, TrainState& st, const Dataset& data, const Settings& s);

// --- Inside the network ---------------------------------------------------------------------------
// The first Conv2d's weight (C_out, C_in, k, k) of a model built from `spec`, copied out of the
// parameter buffer; an empty tensor when the spec has no conv layer.
Tensor first_conv_filters(Sequential& model, const std::string& spec);
// Channels of a layer output (1, C, ...) or (1, F) as section 3 shows them: C, or 1 for flat.
int channel_count(const Tensor& h);

std::string pytorch_training(const Settings& s, const ConvAeOptions& o);

}  // namespace aelab::lessons::conv_autoencoder
