// aelab core: Sequential, a stack of layers (layers.hpp) with all parameters in ONE contiguous
// float buffer and all gradients in a second buffer of the same layout (llm.c style).
//
//   params()  [ 0.weight | 0.bias | 2.weight | 2.bias | ... ]   param_count() floats
//   grads()   [ same layout ]
//
// Each layer sees its block through bind(); spans() names every block the way a PyTorch
// state_dict does ("0.weight", "3.bias"), so the optimizer is one flat loop and weights can be
// compared with torch tensor by tensor. Adding a layer grows the buffers (keeping values) and
// rebinds every layer.
//
//   buffers() [ 1.running_mean | 1.running_var | ... ]   buffer_count() floats
//
// holds the layers' state that is saved with the model but not trained (BatchNorm2d's running
// statistics; torch's buffers), so the optimizer never touches it. set_training(false) puts
// every layer in evaluation mode (torch's model.eval()), set_training(true) back.
//
// forward(x) runs the layers in order, each caching what its backward needs; backward(d_out)
// runs them in reverse, ADDING into grads() (call zero_grad() first), and returns d_x, the
// gradient with respect to the input (what gradient ascent on an input image follows).
// Errors from a layer are rethrown prefixed with its index: "layer 3 (Linear(1568, 16)): ...".
// A Sequential is movable, not copyable (layers refer to each other and to the buffers).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "aelab/init.hpp"
#include "aelab/layers.hpp"
#include "aelab/tensor.hpp"

namespace aelab {

struct ParamBlock {
    std::string name;  // "<layer index>.<weight|bias>"
    Shape shape;
    std::size_t offset = 0, size = 0;  // into params() and grads()
};

class Sequential {
public:
    // sample_shape: one example's input shape, e.g. {1, 28, 28}; used for summaries and files.
    explicit Sequential(Shape sample_shape);
    Sequential(Sequential&&) = default;
    Sequential& operator=(Sequential&&) = default;
    Sequential(const Sequential&) = delete;
    Sequential& operator=(const Sequential&) = delete;

    Layer& add(std::unique_ptr<Layer> layer);
    template <class L, class... Args>
    L& add(Args&&... args) {
        return static_cast<L&>(add(std::make_unique<L>(std::forward<Args>(args)...)));
    }

    std::size_t size() const { return layers_.size(); }
    Layer& layer(std::size_t i);
    const Layer& layer(std::size_t i) const;
    const Shape& sample_shape() const { return sample_shape_; }

    float* params() { return params_.data(); }
    const float* params() const { return params_.data(); }
    float* grads() { return grads_.data(); }
    const float* grads() const { return grads_.data(); }
    std::size_t param_count() const { return params_.size(); }
    const std::vector<ParamBlock>& blocks() const { return blocks_; }
    // The block of that name; throws aelab::Error listing the names if there is none.
    const ParamBlock& block(const std::string& name) const;
    // A copy of a block as a tensor of its shape (for lessons and tests).
    Tensor param_tensor(const std::string& name) const;
    Tensor grad_tensor(const std::string& name) const;

    // The buffer blocks ("1.running_mean"), laid out like blocks() in buffers().
    float* buffers() { return buffers_.data(); }
    const float* buffers() const { return buffers_.data(); }
    std::size_t buffer_count() const { return buffers_.size(); }
    const std::vector<ParamBlock>& buffer_blocks() const { return buffer_blocks_; }
    Tensor buffer_tensor(const std::string& name) const;

    // Training (the default) or evaluation mode for every layer; layers added later join the
    // model's mode.
    void set_training(bool training);
    bool training() const { return training_; }

    void zero_grad();
    // Every layer's parameters from Rng(seed), layer by layer, weight before bias. Under
    // pytorch_default each layer runs its reset_parameters (torch's own init); otherwise
    // weights follow `scheme`, biases are zero and a normalisation layer's 1-D weight is one.
    // Buffers return to their initial values, and each layer with its own random stream
    // (Dropout) is seeded from `seed` and its position, so a seed fixes the masks as well.
    void init(std::uint64_t seed, InitScheme scheme = InitScheme::pytorch_default);

    // x (N, sample_shape...) -> the last layer's output.
    Tensor forward(const Tensor& x);
    Tensor backward(const Tensor& d_out);
    // forward(x) that also keeps every layer's output: result[i] is layer i's activation
    // (the last is the model's output), for looking inside the network. Layers cache their
    // inputs as in forward(), so backward() may follow.
    std::vector<Tensor> forward_capture(const Tensor& x);
    // Layers [first, last) only (a VAE runs its encoder and decoder halves separately).
    Tensor forward(const Tensor& x, std::size_t first, std::size_t last);
    Tensor backward(const Tensor& d_out, std::size_t first, std::size_t last);
    // The same for the parameter gradients only: the first layer skips its input gradient
    // (what a training step needs; backward() also returns d_x).
    void backward_params(const Tensor& d_out) { backward_params(d_out, 0, size()); }
    void backward_params(const Tensor& d_out, std::size_t first, std::size_t last);

    // Shape after layers [first, last) for an input of `input` shape (batch axis included).
    Shape output_shape(const Shape& input, std::size_t first, std::size_t last) const;
    Shape output_shape(const Shape& input) const { return output_shape(input, 0, size()); }

    // A table "#  layer  output shape  params" for layers [first, last) from a per-example
    // input shape, the batch axis printed as N; then the total. Errors if the shapes don't chain.
    std::string summary(std::size_t first, std::size_t last, const Shape& sample_input) const;
    std::string summary() const { return summary(0, size(), sample_shape_); }
    // One LayerConfig line per layer: the architecture part of a model file.
    std::string layers_text() const;
    // The inverse of layers_text(); parameters are zero. Errors name the line. max_values bounds
    // the parameters + buffers of all the layers together, checked before anything is allocated:
    // a model file's loader passes the number of values the file holds, so a small file cannot
    // ask for a huge model ("the architecture needs N parameters, the file holds M").
    static Sequential from_layers_text(const Shape& sample_shape, const std::string& text,
                                       std::size_t max_values = std::size_t(-1));

private:
    void check_range(std::size_t first, std::size_t last) const;
    void rebind();

    Shape sample_shape_;
    std::vector<std::unique_ptr<Layer>> layers_;
    std::vector<std::size_t> layer_offset_;  // where each layer's block starts in params_
    std::vector<ParamBlock> blocks_;
    std::vector<float> params_;  // (param_count)
    std::vector<float> grads_;   // (param_count), same layout
    std::vector<std::size_t> layer_buffer_offset_;  // where each layer's block starts in buffers_
    std::vector<ParamBlock> buffer_blocks_;
    std::vector<float> buffers_;  // (buffer_count)
    bool training_ = true;
};

// Evaluation mode for a scope (torch's `with` of model.eval(), then back): held-out figures use
// running statistics and keep every unit, whatever mode training left the model in.
class EvalScope {
public:
    explicit EvalScope(Sequential& model) : model_(model), was_training_(model.training()) { model.set_training(false); }
    ~EvalScope() { model_.set_training(was_training_); }
    EvalScope(const EvalScope&) = delete;
    EvalScope& operator=(const EvalScope&) = delete;

private:
    Sequential& model_;
    bool was_training_;
};

// "(N, 16, 14, 14)": a shape with its batch axis written as N.
std::string batch_shape_str(const Shape& shape);

}  // namespace aelab
