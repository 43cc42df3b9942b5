// aelab core: layers, the building blocks of aelab::Sequential (model.hpp), as torch.nn.
//
// A layer is a thin object around the ops (conv.hpp, linear.hpp, pool.hpp, activation.hpp):
//   forward(x)       runs the op and caches what backward needs (its input, pooling indices);
//   backward(d_out)  ADDS the parameter gradients into the layer's gradient block and returns
//                    d_input (dLoss/dx for the x of the last forward);
//   output_shape(s)  the output shape for an input shape, or aelab::Error naming the layer,
//                    the shape it expects and the shape it got;
//   param_specs()    the layer's parameter tensors in order ("weight", "bias") with shapes;
//   buffer_specs()   its buffers: state saved with the model but not trained by gradient
//                    (BatchNorm2d's "running_mean", "running_var"), as torch's register_buffer.
// A layer is in training mode (the default) or evaluation mode, as torch's module.train() and
// module.eval(): BatchNorm2d and Dropout behave differently in the two, the others ignore it.
// A layer owns no parameter memory: the model lays every layer's parameters out in one
// contiguous buffer (and the gradients in a second one, same layout) and bind()s each layer to
// its block, llm.c style, so an optimizer is one flat loop over all parameters. Buffers live
// in a third model buffer (bind_buffers()), out of the optimizer's reach.
//
// Shapes are batch-first as in torch: N batch, C channels, H/W spatial. Parameter layouts are
// torch's (conv weight (C_out, C_in, kH, kW), transposed (C_in, C_out, kH, kW), linear (O, I)),
// so weights can be compared with PyTorch one to one.
//
// config() writes a layer as one line "Type key=value ...", the architecture text of model
// files; make_layer() reads such a line back. repr() is the PyTorch-style text for summaries.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "aelab/conv.hpp"
#include "aelab/pool.hpp"
#include "aelab/rng.hpp"
#include "aelab/tensor.hpp"

namespace aelab {

// One layer's constructor arguments as words "key=value" after the type name. Integer lists
// are written "3,3"; floats with 9 significant digits, so they read back bit-exact.
class LayerConfig {
public:
    explicit LayerConfig(std::string type) : type_(std::move(type)) {}
    // Parses "Type key=value ..."; throws aelab::Error quoting the line.
    static LayerConfig parse(const std::string& line);

    LayerConfig& set(const std::string& key, int value);
    LayerConfig& set(const std::string& key, const std::vector<int>& values);
    LayerConfig& set(const std::string& key, float value);
    LayerConfig& set(const std::string& key, bool value);

    const std::string& type() const { return type_; }
    // Each getter throws aelab::Error naming the line when the key is missing or malformed.
    int get_int(const std::string& key) const;
    std::vector<int> get_ints(const std::string& key, std::size_t count) const;  // 0: any count
    std::array<int, 2> get_pair(const std::string& key) const;
    float get_float(const std::string& key) const;
    bool get_bool(const std::string& key) const;
    bool has(const std::string& key) const;

    std::string str() const;

private:
    const std::string& raw(const std::string& key) const;
    std::string type_;
    std::vector<std::pair<std::string, std::string>> fields_;
};

struct ParamSpec {
    std::string name;  // "weight" or "bias"
    Shape shape;
    std::size_t size() const;
};

class Layer {
public:
    virtual ~Layer() = default;

    virtual std::string type() const = 0;  // "Conv2d"
    virtual std::string repr() const = 0;  // "Conv2d(1, 16, kernel_size=(3, 3), stride=(2, 2), ...)"
    virtual LayerConfig config() const = 0;

    virtual std::vector<ParamSpec> param_specs() const { return {}; }
    std::size_t param_count() const;
    // Points the layer at its block of the model's parameter and gradient buffers (laid out
    // as param_specs(), in order). Models call it whenever their buffers move.
    void bind(float* params, float* grads) {
        params_ = params;
        grads_ = grads;
    }
    // PyTorch's default initialisation of this layer type (no-op without parameters).
    virtual void reset_parameters(Rng&) {}

    virtual std::vector<ParamSpec> buffer_specs() const { return {}; }
    std::size_t buffer_count() const;
    // Points the layer at its block of the model's buffer (laid out as buffer_specs()).
    void bind_buffers(float* buffers) { buffers_ = buffers; }
    // The buffers' initial values (BatchNorm2d: running mean 0, running variance 1).
    virtual void reset_buffers() {}
    // Seeds the layer's own random stream (Dropout's masks); the same seed, the same masks.
    virtual void set_seed(std::uint64_t) {}

    // Training (true, the default) or evaluation mode.
    void set_training(bool training) { training_ = training; }
    bool training() const { return training_; }

    virtual Shape output_shape(const Shape& input) const = 0;
    virtual Tensor forward(const Tensor& x) = 0;
    virtual Tensor backward(const Tensor& d_out) = 0;
    // backward() for the parameter gradients only, when nothing needs the input gradient (the
    // first layer of a model being trained). Layers with an expensive input gradient skip it.
    virtual void backward_params(const Tensor& d_out) { backward(d_out); }
    // forward() on an input the caller gives away: kept for backward without a copy
    // (Sequential passes its intermediate activations this way).
    Tensor forward_owned(Tensor&& x) {
        has_forward_ = false;  // a forward that throws leaves no stale input for backward
        input_ = std::move(x);
        return forward(input_);
    }

protected:
    // Throws aelab::Error "<repr>: <message>".
    [[noreturn]] void fail(const std::string& message) const;
    // Keeps x for backward (a copy, unless x is the kept input itself) and returns
    // output_shape(x's shape) (validating it).
    Shape begin_forward(const Tensor& x);
    // Checks that forward ran and that d_out has the shape forward returned.
    void check_backward(const Tensor& d_out) const;
    // check_backward, then a zero gradient shaped like the cached input, for ops to add into.
    Tensor begin_backward(const Tensor& d_out) const;

    float* params_ = nullptr;  // this layer's block of the model's parameter buffer
    float* grads_ = nullptr;   // the same block of the gradient buffer
    float* buffers_ = nullptr; // this layer's block of the model's buffer
    bool training_ = true;
    Tensor input_;             // x of the last forward
    Shape output_shape_;       // shape of the last forward's output
    bool has_forward_ = false;
};

// y = conv2d(x, weight, bias). x (N, C_in, H, W) -> (N, C_out, H_out, W_out);
// weight (C_out, C_in, kH, kW), bias (C_out).
class Conv2d : public Layer {
public:
    Conv2d(int in_channels, int out_channels, std::array<int, 2> kernel,
           const Conv2dParams& p = {}, bool bias = true);
    Conv2d(int in_channels, int out_channels, int kernel, int stride = 1, int padding = 0,
           bool bias = true);
    std::string type() const override { return "Conv2d"; }
    std::string repr() const override;
    LayerConfig config() const override;
    std::vector<ParamSpec> param_specs() const override;
    void reset_parameters(Rng& rng) override;
    Shape output_shape(const Shape& input) const override;
    Tensor forward(const Tensor& x) override;
    Tensor backward(const Tensor& d_out) override;
    void backward_params(const Tensor& d_out) override;

private:
    void backward_into(float* d_x, const Tensor& d_out);  // d_x may be null
    int in_, out_;
    std::array<int, 2> kernel_;
    Conv2dParams p_;
    bool bias_;
};

// y = conv_transpose2d(x, weight, bias). x (N, C_in, H, W) -> (N, C_out, H_out, W_out);
// weight (C_in, C_out, kH, kW), bias (C_out).
class ConvTranspose2d : public Layer {
public:
    ConvTranspose2d(int in_channels, int out_channels, std::array<int, 2> kernel,
                    const ConvTranspose2dParams& p = {}, bool bias = true);
    ConvTranspose2d(int in_channels, int out_channels, int kernel, int stride = 1,
                    int padding = 0, int output_padding = 0, bool bias = true);
    std::string type() const override { return "ConvTranspose2d"; }
    std::string repr() const override;
    LayerConfig config() const override;
    std::vector<ParamSpec> param_specs() const override;
    void reset_parameters(Rng& rng) override;
    Shape output_shape(const Shape& input) const override;
    Tensor forward(const Tensor& x) override;
    Tensor backward(const Tensor& d_out) override;
    void backward_params(const Tensor& d_out) override;

private:
    void backward_into(float* d_x, const Tensor& d_out);  // d_x may be null
    int in_, out_;
    std::array<int, 2> kernel_;
    ConvTranspose2dParams p_;
    bool bias_;
};

// y = x W^T + b. x (N, in_features) -> (N, out_features); weight (O, I), bias (O).
class Linear : public Layer {
public:
    Linear(int in_features, int out_features, bool bias = true);
    std::string type() const override { return "Linear"; }
    std::string repr() const override;
    LayerConfig config() const override;
    std::vector<ParamSpec> param_specs() const override;
    void reset_parameters(Rng& rng) override;
    Shape output_shape(const Shape& input) const override;
    Tensor forward(const Tensor& x) override;
    Tensor backward(const Tensor& d_out) override;
    void backward_params(const Tensor& d_out) override;

    int in_features() const { return in_; }
    int out_features() const { return out_; }
    // The (O, I) weight block and its gradient, for layers that share it (TiedLinear).
    float* weight() const { return params_; }
    float* weight_grad() const { return grads_; }

private:
    void backward_into(float* d_x, const Tensor& d_out);  // d_x may be null
    int in_, out_;
    bool bias_;
};

// The decoder half of tied weights: y = x W + b with W the (O, I) weight of an earlier Linear,
// so (N, O) -> (N, I) and W2 = W1^T shares W1's parameters (a linear autoencoder with
// L = ||x - W^T W x||^2). Backward adds into that Linear's weight gradient; only the optional
// bias (I) is this layer's own. `tied_index` is the Linear's position in the model (for files).
class TiedLinear : public Layer {
public:
    TiedLinear(Linear& tied_to, std::size_t tied_index, bool bias = false);
    std::string type() const override { return "TiedLinear"; }
    std::string repr() const override;
    LayerConfig config() const override;
    std::vector<ParamSpec> param_specs() const override;
    void reset_parameters(Rng& rng) override;
    Shape output_shape(const Shape& input) const override;
    Tensor forward(const Tensor& x) override;
    Tensor backward(const Tensor& d_out) override;

private:
    Linear& tied_;
    std::size_t tied_index_;
    bool bias_;
};

// max_pool2d; keeps the indices of its last forward for MaxUnpool2d. (N, C, H, W) -> (N, C, H_out, W_out)
class MaxPool2d : public Layer {
public:
    explicit MaxPool2d(const MaxPool2dParams& p = {});
    MaxPool2d(int kernel, int stride);
    std::string type() const override { return "MaxPool2d"; }
    std::string repr() const override;
    LayerConfig config() const override;
    Shape output_shape(const Shape& input) const override;
    Tensor forward(const Tensor& x) override;
    Tensor backward(const Tensor& d_out) override;

    const MaxPool2dParams& params() const { return p_; }
    // (N, C, H_out, W_out) flat positions of each maximum in its input plane; empty before forward.
    const IndexTensor& indices() const { return indices_; }

private:
    MaxPool2dParams p_;
    IndexTensor indices_;
};

// max_unpool2d through the switches of a paired MaxPool2d (its indices from its last
// forward). (N, C, H, W) -> (N, C, H_out, W_out), H_out = output_size or (H - 1)*S - 2P + k.
// `pool_index` is the pool's position in the model (for files).
class MaxUnpool2d : public Layer {
public:
    MaxUnpool2d(const MaxPool2d& pool, std::size_t pool_index,
                std::array<int, 2> output_size = {0, 0});
    std::string type() const override { return "MaxUnpool2d"; }
    std::string repr() const override;
    LayerConfig config() const override;
    Shape output_shape(const Shape& input) const override;
    Tensor forward(const Tensor& x) override;
    Tensor backward(const Tensor& d_out) override;

private:
    const MaxPool2d& pool_;
    std::size_t pool_index_;
    std::array<int, 2> output_size_;
    IndexTensor indices_;  // the pool's indices at this layer's last forward
};

// Element-wise activations: any shape, output shaped like the input. The base runs forward
// (y = f(x), x kept) and backward (d_x = d_out * f'(x)) over the raw ops of activation.hpp that
// each activation names.
class ElementwiseLayer : public Layer {
public:
    std::string type() const override { return name_; }
    std::string repr() const override { return name_ + "()"; }
    LayerConfig config() const override { return LayerConfig(name_); }
    Shape output_shape(const Shape& input) const override { return input; }
    Tensor forward(const Tensor& x) override;
    Tensor backward(const Tensor& d_out) override;

protected:
    explicit ElementwiseLayer(std::string name) : name_(std::move(name)) {}
    virtual void apply(float* y, const float* x, std::size_t n) const = 0;
    // Adds d_out * f'(x) into d_x.
    virtual void apply_backward(float* d_x, const float* d_out, const float* x,
                                std::size_t n) const = 0;

private:
    std::string name_;
};

class ReLU final : public ElementwiseLayer {
public:
    ReLU() : ElementwiseLayer("ReLU") {}

private:
    void apply(float* y, const float* x, std::size_t n) const override;
    void apply_backward(float* d_x, const float* d_out, const float* x,
                        std::size_t n) const override;
};

class LeakyReLU final : public ElementwiseLayer {
public:
    explicit LeakyReLU(float negative_slope = 0.01f)
        : ElementwiseLayer("LeakyReLU"), slope_(negative_slope) {}
    std::string repr() const override;
    LayerConfig config() const override;

private:
    void apply(float* y, const float* x, std::size_t n) const override;
    void apply_backward(float* d_x, const float* d_out, const float* x,
                        std::size_t n) const override;
    float slope_;
};

class Sigmoid final : public ElementwiseLayer {
public:
    Sigmoid() : ElementwiseLayer("Sigmoid") {}

private:
    void apply(float* y, const float* x, std::size_t n) const override;
    void apply_backward(float* d_x, const float* d_out, const float* x,
                        std::size_t n) const override;
};

class Tanh final : public ElementwiseLayer {
public:
    Tanh() : ElementwiseLayer("Tanh") {}

private:
    void apply(float* y, const float* x, std::size_t n) const override;
    void apply_backward(float* d_x, const float* d_out, const float* x,
                        std::size_t n) const override;
};

class Softplus final : public ElementwiseLayer {
public:
    Softplus() : ElementwiseLayer("Softplus") {}

private:
    void apply(float* y, const float* x, std::size_t n) const override;
    void apply_backward(float* d_x, const float* d_out, const float* x,
                        std::size_t n) const override;
};

// (N, d1, d2, ...) -> (N, d1*d2*...), as torch.nn.Flatten().
class Flatten : public Layer {
public:
    std::string type() const override { return "Flatten"; }
    std::string repr() const override { return "Flatten()"; }
    LayerConfig config() const override { return LayerConfig("Flatten"); }
    Shape output_shape(const Shape& input) const override;
    Tensor forward(const Tensor& x) override;
    Tensor backward(const Tensor& d_out) override;
};

// (N, prod(sample_shape)) -> (N, sample_shape...), as torch.nn.Unflatten(1, sample_shape).
class Unflatten : public Layer {
public:
    explicit Unflatten(Shape sample_shape);
    std::string type() const override { return "Unflatten"; }
    std::string repr() const override;
    LayerConfig config() const override;
    Shape output_shape(const Shape& input) const override;
    Tensor forward(const Tensor& x) override;
    Tensor backward(const Tensor& d_out) override;

private:
    Shape sample_shape_;
};

// Nearest-neighbour upsampling, as torch.nn.Upsample(scale_factor=s, mode='nearest'): each
// value fills its s_h x s_w block. (N, C, H, W) -> (N, C, H*s_h, W*s_w).
class UpsampleNearest2d : public Layer {
public:
    explicit UpsampleNearest2d(int scale) : UpsampleNearest2d(std::array<int, 2>{scale, scale}) {}
    explicit UpsampleNearest2d(std::array<int, 2> scale);  // (s_h, s_w)
    std::string type() const override { return "UpsampleNearest2d"; }
    std::string repr() const override;  // "Upsample(scale_factor=2.0, mode=nearest)"
    LayerConfig config() const override;
    Shape output_shape(const Shape& input) const override;
    Tensor forward(const Tensor& x) override;
    Tensor backward(const Tensor& d_out) override;

private:
    std::array<int, 2> scale_;
};

// Batch normalisation per channel, as torch.nn.BatchNorm2d (norm.hpp has the formulas).
// (N, C, H, W) -> the same shape. Parameters weight (gamma) and bias (beta) (C) when affine;
// buffers running_mean and running_var (C). Training mode normalises with the batch's own
// statistics and updates the running ones; evaluation mode normalises with the running ones.
class BatchNorm2d : public Layer {
public:
    explicit BatchNorm2d(int num_features, float eps = 1e-5f, float momentum = 0.1f,
                         bool affine = true);
    std::string type() const override { return "BatchNorm2d"; }
    std::string repr() const override;
    LayerConfig config() const override;
    std::vector<ParamSpec> param_specs() const override;
    void reset_parameters(Rng& rng) override;
    std::vector<ParamSpec> buffer_specs() const override;
    void reset_buffers() override;
    Shape output_shape(const Shape& input) const override;
    Tensor forward(const Tensor& x) override;
    Tensor backward(const Tensor& d_out) override;

    int num_features() const { return features_; }
    const float* running_mean() const { return buffers_; }                   // (C)
    const float* running_var() const { return buffers_ ? buffers_ + features_ : nullptr; }  // (C)

private:
    int features_;
    float eps_, momentum_;
    bool affine_;
    std::vector<float> mean_, invstd_;  // (C) what the last forward normalised with
    bool batch_stats_ = false;          // ... and whether those were the batch's (training)
};

// Dropout, as torch.nn.Dropout(p): in training mode each value is zeroed with probability p and
// the kept ones scaled by 1 / (1 - p); the identity in evaluation mode. Any shape. The mask
// comes from the layer's own Rng (set_seed; Sequential::init seeds it), and backward uses the
// mask of the last forward.
class Dropout : public Layer {
public:
    explicit Dropout(float p = 0.5f);
    std::string type() const override { return "Dropout"; }
    std::string repr() const override;  // "Dropout(p=0.5, inplace=False)"
    LayerConfig config() const override;
    void set_seed(std::uint64_t seed) override { rng_ = Rng(seed); }
    Shape output_shape(const Shape& input) const override { return input; }
    Tensor forward(const Tensor& x) override;
    Tensor backward(const Tensor& d_out) override;

    float p() const { return p_; }

private:
    float p_;
    Rng rng_;
    std::vector<float> mask_;  // the last forward's (0 or 1 / (1 - p)); empty after an eval forward
};

// The layer a config line describes. `earlier` are the layers before it in the model, for the
// ones that refer back (TiedLinear to a Linear, MaxUnpool2d to a MaxPool2d). Throws
// aelab::Error for an unknown type, bad arguments or a reference to the wrong kind of layer.
// Keys a hand-written line may leave out take torch's defaults: BatchNorm2d eps=1e-5,
// momentum=0.1, affine=1; Dropout p=0.5; MaxUnpool2d output_size=0,0 (from the pool's
// geometry). UpsampleNearest2d scale_factor takes one value (both axes) or two.
std::unique_ptr<Layer> make_layer(const LayerConfig& config, const std::vector<Layer*>& earlier);

}  // namespace aelab
