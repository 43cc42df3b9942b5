// aelab core: an architecture as one line of text, the conv-autoencoder lesson's editor state,
// `aelab-cli train conv-ae --arch SPEC`, and tests all share. The text names an ordered list of
// layers; from it this file computes every layer's output shape and parameter count without
// building anything, names the first layer that cannot work and why, finds the code, and
// writes the core's LayerConfig lines (model.hpp: Sequential::from_layers_text) and a PyTorch
// printout.
//
// ---- The spec text ------------------------------------------------------------------------
// Layers are separated by '-'. Each layer is a kind, then its main number, then options, each
// one letter and a whole number:
//
//   conv16s2p1-relu-conv32s2p1-relu-flat-lin16-code-lin1568-relu-unflat32x7x7-
//   tconv16s2p1o1-relu-tconv1s2p1o1-sigmoid                    (benchmark case h, one line)
//
// reads "conv to 16 channels, stride 2, padding 1 (3x3, the default kernel); ReLU; ...;
// the code; ...; transposed conv to 1 channel, stride 2, padding 1, output padding 1; sigmoid".
//
//   conv<C>[k<K>][s<S>][p<P>][b0]       Conv2d to C channels, K x K kernel (default 3), stride S
//                                       (1), zero padding P (0); b0: no bias
//   tconv<C>[k<K>][s<S>][p<P>][o<O>][b0] ConvTranspose2d, the same, output padding O (0, < S)
//   pool<K>[s<S>][p<P>]                 MaxPool2d, K x K window, stride S (default K), padding P
//                                       (0, at most K/2). Pools are named p1, p2, ... in order.
//   unpool<n>                           MaxUnpool2d through the switches of pool p<n>: its input
//                                       must have p<n>'s output shape, its output is p<n>'s input
//                                       shape. Each pool is unpooled at most once.
//   up<S>                               nearest-neighbour upsampling by S (UpsampleNearest2d)
//   flat                                Flatten: (C, H, W) -> (C*H*W)
//   lin<F>[b0]                          Linear to F features (input must be flat)
//   unflat<C>x<H>x<W>                   Unflatten a flat input of C*H*W features (any number of
//                                       sizes, joined by 'x')
//   relu  sigmoid  tanh  lrelu[<slope>] activations; the LeakyReLU slope (in [0, 1]) defaults
//                                       to 0.01
//   bn                                  BatchNorm2d over the input's channels
//   drop[<p>]                           Dropout with probability p (default 0.5), 0 <= p < 1
//   code                                not a layer: marks the code, the output of the layer
//                                       before it (encoder before, decoder after)
//
// Only lowercase letters, digits, '.' (in the two decimal numbers) and '-' appear, so the text
// goes into a URL query unescaped (URLSearchParams leaves exactly [A-Za-z0-9*-._] alone).
// Decimals are written "0.25" (a digit before the point, at most 9 after it). The canonical text
// (architecture_text) drops every option at its default and orders options k s p o b, so each
// architecture has exactly one text and parse -> print gives the canonical text back.
// Square kernels only, dilation 1, one pool per unpool: what the lesson needs, nothing more.
//
// ---- Checking -------------------------------------------------------------------------------
// Shapes are per example (no batch axis), e.g. (1, 28, 28). check_architecture() walks the
// layers and stops at the first that cannot work: a syntax error (the token quoted), an input of
// the wrong rank or size (expected vs actual), an empty output, an unpool without its pool (or a
// pool unpooled twice), a size over the limits below, or, for an autoencoder, a last output
// that is not the input shape. Sizes are computed in 64 bits and bounded before they are stored.
// The code is the layer before the `code` marker or, without one, the narrowest point: the
// first layer of smallest output (per-example elements), or the last of a run of layers with
// that size (so "lin16-relu" puts the code after the ReLU).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "aelab/limits.hpp"
#include "aelab/model.hpp"

namespace aelab {

// Limits: refuse absurd architectures with a message naming the limit.
constexpr std::size_t kArchMaxTextLength = 4096;              // characters of spec text
constexpr std::size_t kArchMaxLayers = 256;                   // layers in one spec
constexpr std::int64_t kArchMaxNumber = 65536;                // any whole number in the text
constexpr std::int64_t kArchMaxWindow = 32;                   // kernel, stride, padding, scale
// A layer's output per example: 2^19, so a batch of 100 (the evaluation chunk; training batches
// are 32) stays under the core's kMaxElements (limits.hpp) and every op in a checked
// architecture runs.
constexpr std::int64_t kArchMaxElements = std::int64_t(1) << 19;
constexpr std::int64_t kArchMaxParams = std::int64_t(1) << 25;    // the whole model
static_assert(kArchMaxElements * 100 <= kMaxElements && kArchMaxParams <= kMaxElements,
              "a checked architecture must fit the core's limits");

enum class ArchKind {
    conv, tconv, pool, unpool, upsample, flatten, linear, unflatten,
    relu, sigmoid, tanh, leaky_relu, batch_norm, dropout
};

// One layer of a spec. Only the fields of its kind mean anything.
struct ArchLayer {
    ArchKind kind = ArchKind::relu;
    int out = 0;                // conv/tconv channels, linear features
    int kernel = 3, stride = 1, padding = 0, output_padding = 0;  // conv, tconv, pool
    bool bias = true;           // conv, tconv, linear
    int pool = 0;               // unpool: the pool's number (1 = p1, the first pool)
    int scale = 2;              // upsample
    std::vector<int> sizes;     // unflatten
    float value = 0;            // LeakyReLU slope, dropout probability

    std::string text() const;   // the canonical token: "conv16k3s2p1"
};

struct Architecture {
    std::vector<ArchLayer> layers;
    // The code marker: the code is the output of layers[code_marker]; -1 without a marker.
    std::ptrdiff_t code_marker = -1;
};

// The text -> layers (syntax only, shapes unchecked). Throws aelab::Error naming the first bad
// token: "layer 3 'conv16q3': unknown option 'q' (conv takes k, s, p, b)".
Architecture parse_architecture(const std::string& text);
// The canonical text of an architecture.
std::string architecture_text(const Architecture& arch);

struct ArchOptions {
    Shape sample_shape{1, 28, 28};  // one example's input
    bool autoencoder = true;        // the last output must have the input's shape
};

// One layer as checked: what the editor shows in its row.
struct ArchRow {
    std::string token;        // canonical text of the layer
    std::string name;         // "p1" for the first pool; empty for other layers
    Shape output;             // per-example output shape
    std::int64_t params = 0;  // parameters (weights and biases; BatchNorm2d: gamma and beta)
};

struct ArchCheck {
    Architecture arch;          // the layers parsed (up to a syntax error)
    std::vector<ArchRow> rows;  // one per layer that works, in order; stops at the first error
    bool ok = false;
    // The first layer that cannot work (index into the layers; == arch.layers.size() for a
    // syntax error in the token after them; the last layer when every layer works but the
    // autoencoder's output is not the input shape); -1 when ok or when the whole spec is at
    // fault (empty, too long, a bad sample shape, a misplaced code marker).
    std::ptrdiff_t error_layer = -1;
    std::string error;          // "layer 4 'lin16': needs a flat input (features), got (32, 7, 7); put flat before it"
    std::int64_t params = 0;    // total over rows
    // The code: index of the layer whose output it is, -1 if there are no rows.
    std::ptrdiff_t code_layer = -1;
    bool code_marked = false;   // by the `code` marker (else the narrowest point)
    Shape code_shape;
    std::int64_t code_size = 0;      // elements of the code
    std::int64_t dense_params = 0;   // a dense autoencoder with the same input and code size
};

// Never throws: every problem ends up in the result's error.
ArchCheck check_architecture(const std::string& text, const ArchOptions& options = {});
ArchCheck check_architecture(const Architecture& arch, const ArchOptions& options = {});

// Linear(D, K) + Linear(K, D) with biases: 2*D*K + K + D, the weight-sharing comparison.
std::int64_t dense_autoencoder_params(std::int64_t input_size, std::int64_t code_size);

// The core's layer lines for a spec (one LayerConfig line per layer, as Sequential::layers_text
// writes them; channel counts and the unpools' output sizes filled in from the shapes). Throws
// aelab::Error with check_architecture's message when the spec does not check.
std::string architecture_layers_text(const std::string& text, const ArchOptions& options = {});
// The model: from_layers_text of the lines above, then init(seed) (PyTorch's default init).
Sequential build_architecture(const std::string& text, std::uint64_t seed,
                              const ArchOptions& options = {});

// A runnable PyTorch program text defining `model`, an nn.Sequential of the spec, with each
// layer's output shape as a comment and the code marked. nn.Sequential passes one tensor from
// layer to layer, so max-unpooling cannot get its pool's indices there: when the spec unpools,
// the printout first defines two small modules, Pool (MaxPool2d(return_indices=True) keeping
// its indices and input size) and Unpool (MaxUnpool2d reading them from its Pool), and creates
// the pools as variables p1, p2, ... that the Sequential and the Unpools share. Throws like
// architecture_layers_text.
std::string architecture_pytorch(const std::string& text, const ArchOptions& options = {});

// The editor's presets, each an autoencoder from (1, 28, 28) back to (1, 28, 28).
struct ArchPreset {
    const char* id;     // "pool-unpool", "strided", "resize-conv"
    const char* title;  // one line for a menu
    const char* spec;   // canonical text
};
const std::vector<ArchPreset>& architecture_presets();
// The preset's spec; throws aelab::Error listing the ids for an unknown one.
const char* architecture_preset(const std::string& id);

}  // namespace aelab
