// Sequential: layers over one parameter buffer and one gradient buffer (see model.hpp).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <sstream>

#include "aelab/limits.hpp"
#include "aelab/model.hpp"

namespace aelab {

namespace {
constexpr std::uint64_t kLayerSeedStream = 0x6c61796572ULL;  // "layer": the layers' own seeds
}  // namespace

std::string batch_shape_str(const Shape& shape) {
    std::string s = "(N";
    for (std::size_t i = 1; i < shape.size(); ++i) s += ", " + std::to_string(shape[i]);
    return s + (shape.size() == 1 ? ",)" : ")");
}

Sequential::Sequential(Shape sample_shape) : sample_shape_(std::move(sample_shape)) {}

Layer& Sequential::add(std::unique_ptr<Layer> layer) {
    if (!layer) throw Error("Sequential::add: null layer");
    // Parameters and buffers within the limits (limits.hpp) before anything changes: a layer
    // may be made only to count its parameters, but a model allocates them.
    std::int64_t params = std::int64_t(params_.size()), buffers = std::int64_t(buffers_.size());
    for (const ParamSpec& s : layer->param_specs()) params += std::min(shape_elements(s.shape), kMaxElements + 1);
    for (const ParamSpec& s : layer->buffer_specs()) buffers += std::min(shape_elements(s.shape), kMaxElements + 1);
    check_elements(("Sequential: adding " + layer->repr()).c_str(), "the parameters", params);
    check_elements(("Sequential: adding " + layer->repr()).c_str(), "the buffers", buffers);
    const std::size_t index = layers_.size(), offset = params_.size();
    std::size_t at = offset;
    for (const ParamSpec& s : layer->param_specs()) {
        blocks_.push_back({std::to_string(index) + "." + s.name, s.shape, at, s.size()});
        at += s.size();
    }
    const std::size_t buffer_offset = buffers_.size();
    std::size_t buffer_at = buffer_offset;
    for (const ParamSpec& s : layer->buffer_specs()) {
        buffer_blocks_.push_back({std::to_string(index) + "." + s.name, s.shape, buffer_at, s.size()});
        buffer_at += s.size();
    }
    layer_offset_.push_back(offset);
    layer_buffer_offset_.push_back(buffer_offset);
    layers_.push_back(std::move(layer));
    // Growing may move the buffers, so every layer is pointed at its block again.
    params_.resize(at, 0.0f);
    grads_.resize(at, 0.0f);
    buffers_.resize(buffer_at, 0.0f);
    rebind();
    layers_.back()->reset_buffers();
    layers_.back()->set_training(training_);
    return *layers_.back();
}

void Sequential::rebind() {
    for (std::size_t i = 0; i < layers_.size(); ++i) {
        layers_[i]->bind(params_.data() + layer_offset_[i], grads_.data() + layer_offset_[i]);
        layers_[i]->bind_buffers(buffers_.data() + layer_buffer_offset_[i]);
    }
}

void Sequential::set_training(bool training) {
    training_ = training;
    for (auto& l : layers_) l->set_training(training);
}

Layer& Sequential::layer(std::size_t i) {
    if (i >= layers_.size())
        throw Error("Sequential: layer " + std::to_string(i) + " out of range (" +
                    std::to_string(layers_.size()) + " layers)");
    return *layers_[i];
}
const Layer& Sequential::layer(std::size_t i) const { return const_cast<Sequential*>(this)->layer(i); }

namespace {

const ParamBlock& find_block(const std::vector<ParamBlock>& blocks, const std::string& name,
                             const char* kind) {
    std::string names;
    for (const auto& b : blocks) {
        if (b.name == name) return b;
        names += (names.empty() ? "" : ", ") + b.name;
    }
    throw Error("Sequential: no " + std::string(kind) + " named '" + name + "' (have: " + names + ")");
}

Tensor block_tensor(const std::vector<float>& values, const ParamBlock& b) {
    Tensor t = zeros(b.shape);
    std::copy(values.begin() + long(b.offset), values.begin() + long(b.offset + b.size), t.begin());
    return t;
}

}  // namespace

const ParamBlock& Sequential::block(const std::string& name) const {
    return find_block(blocks_, name, "parameter");
}

Tensor Sequential::param_tensor(const std::string& name) const { return block_tensor(params_, block(name)); }
Tensor Sequential::grad_tensor(const std::string& name) const { return block_tensor(grads_, block(name)); }
Tensor Sequential::buffer_tensor(const std::string& name) const {
    return block_tensor(buffers_, find_block(buffer_blocks_, name, "buffer"));
}

void Sequential::zero_grad() { std::fill(grads_.begin(), grads_.end(), 0.0f); }

void Sequential::init(std::uint64_t seed, InitScheme scheme) {
    // Layer seeds come from a stream of their own, so adding a Dropout leaves the weights of
    // every other layer as they were.
    Rng layer_seeds(seed, kLayerSeedStream);
    for (auto& l : layers_) {
        const std::uint64_t high = layer_seeds.next_u32();
        l->set_seed(high << 32 | layer_seeds.next_u32());
        l->reset_buffers();
    }
    Rng rng(seed);
    if (scheme == InitScheme::pytorch_default) {
        for (auto& l : layers_) l->reset_parameters(rng);
        return;
    }
    for (const ParamBlock& b : blocks_) {
        float* p = params_.data() + b.offset;
        const bool norm_scale = b.name.size() > 7 && b.name.compare(b.name.size() - 7, 7, ".weight") == 0;
        if (b.shape.size() >= 2)
            init_weight(p, b.shape, scheme, rng);
        else  // a 1-D weight is a normalisation layer's scale: one, as torch
            std::fill(p, p + b.size, norm_scale ? 1.0f : 0.0f);
    }
}

void Sequential::check_range(std::size_t first, std::size_t last) const {
    if (first > last || last > layers_.size())
        throw Error("Sequential: layer range [" + std::to_string(first) + ", " + std::to_string(last) +
                    ") is not within the " + std::to_string(layers_.size()) + " layers");
}

namespace {

// Runs f, prefixing any aelab::Error with the layer's index and description.
template <class F>
auto at_layer(std::size_t i, const Layer& l, F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const Error& e) {
        const std::string what = e.what(), name = l.repr();
        // Layers already start their messages with their repr; don't repeat it.
        const bool named = what.compare(0, name.size(), name) == 0;
        throw Error("layer " + std::to_string(i) + (named ? " " : " (" + name + "): ") + what);
    }
}

}  // namespace

Tensor Sequential::forward(const Tensor& x, std::size_t first, std::size_t last) {
    check_range(first, last);
    if (first == last) return x;
    // The first layer copies x; each later one keeps the activation it is handed (no copy).
    Tensor h = at_layer(first, *layers_[first], [&] { return layers_[first]->forward(x); });
    for (std::size_t i = first + 1; i < last; ++i)
        h = at_layer(i, *layers_[i], [&] { return layers_[i]->forward_owned(std::move(h)); });
    return h;
}

Tensor Sequential::backward(const Tensor& d_out, std::size_t first, std::size_t last) {
    check_range(first, last);
    if (first == last) return d_out;
    Tensor d = at_layer(last - 1, *layers_[last - 1], [&] { return layers_[last - 1]->backward(d_out); });
    for (std::size_t i = last - 1; i-- > first;)
        d = at_layer(i, *layers_[i], [&] { return layers_[i]->backward(d); });
    return d;
}

void Sequential::backward_params(const Tensor& d_out, std::size_t first, std::size_t last) {
    check_range(first, last);
    if (first == last) return;
    const Tensor d = first + 1 < last ? backward(d_out, first + 1, last) : d_out;
    at_layer(first, *layers_[first], [&] {
        layers_[first]->backward_params(d);
        return 0;
    });
}

Tensor Sequential::forward(const Tensor& x) { return forward(x, 0, size()); }

std::vector<Tensor> Sequential::forward_capture(const Tensor& x) {
    std::vector<Tensor> outputs;
    outputs.reserve(layers_.size());
    // Each layer copies its input for backward; the captured outputs stay with the caller.
    for (std::size_t i = 0; i < layers_.size(); ++i) {
        const Tensor& in = i == 0 ? x : outputs.back();
        outputs.push_back(at_layer(i, *layers_[i], [&] { return layers_[i]->forward(in); }));
    }
    return outputs;
}
Tensor Sequential::backward(const Tensor& d_out) { return backward(d_out, 0, size()); }

Shape Sequential::output_shape(const Shape& input, std::size_t first, std::size_t last) const {
    check_range(first, last);
    Shape s = input;
    for (std::size_t i = first; i < last; ++i)
        s = at_layer(i, *layers_[i], [&] { return layers_[i]->output_shape(s); });
    return s;
}

std::string Sequential::summary(std::size_t first, std::size_t last, const Shape& sample_input) const {
    check_range(first, last);
    Shape s{1};
    s.insert(s.end(), sample_input.begin(), sample_input.end());
    std::size_t width = 5;  // "Layer"
    for (std::size_t i = first; i < last; ++i) width = std::max(width, layers_[i]->repr().size());
    std::ostringstream out;
    char line[512];
    std::snprintf(line, sizeof line, "%-3s %-*s  %-18s %10s\n", "#", int(width), "Layer",
                  "Output shape", "Params");
    out << line;
    std::snprintf(line, sizeof line, "%-3s %-*s  %-18s %10s\n", "", int(width), "input",
                  batch_shape_str(s).c_str(), "");
    out << line;
    std::size_t total = 0;
    for (std::size_t i = first; i < last; ++i) {
        s = at_layer(i, *layers_[i], [&] { return layers_[i]->output_shape(s); });
        const std::size_t n = layers_[i]->param_count();
        total += n;
        std::snprintf(line, sizeof line, "%-3zu %-*s  %-18s %10zu\n", i, int(width),
                      layers_[i]->repr().c_str(), batch_shape_str(s).c_str(), n);
        out << line;
    }
    if (first == 0 && last == size())
        out << "Total params: " << total << "\n";
    else
        out << "Params in layers " << first << ".." << last - 1 << ": " << total << "\n";
    return out.str();
}

std::string Sequential::layers_text() const {
    std::string text;
    for (const auto& l : layers_) text += l->config().str() + "\n";
    return text;
}

namespace {

// The values the specs hold added to `total`, saturating at INT64_MAX (the sizes of a layer read
// from a file may overflow any integer type when multiplied; 64 bits in the browser too, where
// size_t has 32).
std::int64_t saturating_sum(const std::vector<ParamSpec>& specs, std::int64_t total) {
    constexpr std::int64_t cap = INT64_MAX;
    for (const ParamSpec& s : specs) {
        const std::int64_t n = shape_elements(s.shape);
        total = n > cap - total ? cap : total + n;
    }
    return total;
}

}  // namespace

Sequential Sequential::from_layers_text(const Shape& sample_shape, const std::string& text, std::size_t max_values) {
    // First every layer (no parameter storage yet), so the values they need are known before
    // anything that size is allocated.
    std::istringstream lines(text);
    std::string line;
    std::vector<std::unique_ptr<Layer>> layers;
    std::vector<Layer*> earlier;
    constexpr std::int64_t cap = INT64_MAX;
    std::int64_t params = 0, buffers = 0;
    while (std::getline(lines, line)) {
        if (line.empty()) continue;
        try {
            layers.push_back(make_layer(LayerConfig::parse(line), earlier));
        } catch (const Error& e) {
            throw Error("architecture layer " + std::to_string(earlier.size()) + ": " + e.what());
        }
        earlier.push_back(layers.back().get());
        params = saturating_sum(layers.back()->param_specs(), params);
        buffers = saturating_sum(layers.back()->buffer_specs(), buffers);
    }
    const std::int64_t max = std::int64_t(std::min<std::uint64_t>(max_values, std::uint64_t(cap)));
    if (params > max || buffers > max - params) {
        auto count = [](std::int64_t n) { return n == cap ? "more than " + std::to_string(cap) : std::to_string(n); };
        const std::string total = params == cap || buffers >= cap - params ? count(cap) : std::to_string(params + buffers);
        const std::string needed = buffers == 0 ? count(params) + " parameters"
                                                : total + " values (" + count(params) + " parameters, " +
                                                      count(buffers) + " running statistics)";
        throw Error("the architecture needs " + needed + ", the file holds " + std::to_string(max_values));
    }
    Sequential model(sample_shape);
    for (std::size_t i = 0; i < layers.size(); ++i) {
        try {
            model.add(std::move(layers[i]));
        } catch (const Error& e) {
            throw Error("architecture layer " + std::to_string(i) + ": " + e.what());
        }
    }
    return model;
}

}  // namespace aelab
