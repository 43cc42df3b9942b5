// The layer base (shape checks, caching) and LayerConfig, the one-line text form of a layer
// used as the architecture of model files; make_layer() reads it back.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "aelab/layers.hpp"
#include "aelab/limits.hpp"

namespace aelab {

// ---- LayerConfig ---------------------------------------------------------------------------

namespace {
// A layer's line quoted in a message: long enough for the longest line the core writes.
constexpr std::size_t kQuoteLine = 200;
}  // namespace

LayerConfig LayerConfig::parse(const std::string& line) {
    std::istringstream words(line);
    std::string type, word;
    if (!(words >> type)) throw Error("layer config: empty line");
    LayerConfig c(type);
    while (words >> word) {
        const auto eq = word.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == word.size())
            throw Error("layer config '" + printable(line, kQuoteLine) + "': expected key=value, got '" + printable(word) + "'");
        c.fields_.emplace_back(word.substr(0, eq), word.substr(eq + 1));
    }
    return c;
}

LayerConfig& LayerConfig::set(const std::string& key, int value) {
    fields_.emplace_back(key, std::to_string(value));
    return *this;
}

LayerConfig& LayerConfig::set(const std::string& key, const std::vector<int>& values) {
    std::string s;
    for (std::size_t i = 0; i < values.size(); ++i) s += (i ? "," : "") + std::to_string(values[i]);
    fields_.emplace_back(key, s);
    return *this;
}

LayerConfig& LayerConfig::set(const std::string& key, float value) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", double(value));  // 9 digits: any float reads back exactly
    fields_.emplace_back(key, buf);
    return *this;
}

LayerConfig& LayerConfig::set(const std::string& key, bool value) {
    fields_.emplace_back(key, value ? "1" : "0");
    return *this;
}

bool LayerConfig::has(const std::string& key) const {
    for (const auto& f : fields_)
        if (f.first == key) return true;
    return false;
}

const std::string& LayerConfig::raw(const std::string& key) const {
    for (const auto& f : fields_)
        if (f.first == key) return f.second;
    throw Error("layer config '" + printable(str(), kQuoteLine) + "': missing " + key);
}

std::vector<int> LayerConfig::get_ints(const std::string& key, std::size_t count) const {
    const std::string& s = raw(key);
    std::vector<int> values;
    std::size_t start = 0;
    while (start <= s.size()) {
        const std::size_t comma = std::min(s.find(',', start), s.size());
        const std::string item = s.substr(start, comma - start);
        char* end = nullptr;
        const long v = std::strtol(item.c_str(), &end, 10);
        if (item.empty() || *end != '\0' || v < -1000000000L || v > 1000000000L)
            throw Error("layer config '" + printable(str(), kQuoteLine) + "': " + key + " must be integers, got '" + printable(s) + "'");
        values.push_back(int(v));
        start = comma + 1;
    }
    if (count != 0 && values.size() != count)
        throw Error("layer config '" + printable(str(), kQuoteLine) + "': " + key + " must have " + std::to_string(count) +
                    " value(s), got '" + printable(s) + "'");
    return values;
}

int LayerConfig::get_int(const std::string& key) const { return get_ints(key, 1)[0]; }

std::array<int, 2> LayerConfig::get_pair(const std::string& key) const {
    const auto v = get_ints(key, 2);
    return {v[0], v[1]};
}

float LayerConfig::get_float(const std::string& key) const {
    const std::string& s = raw(key);
    char* end = nullptr;
    const float v = std::strtof(s.c_str(), &end);
    if (s.empty() || *end != '\0')
        throw Error("layer config '" + printable(str(), kQuoteLine) + "': " + key + " must be a number, got '" + printable(s) + "'");
    return v;
}

bool LayerConfig::get_bool(const std::string& key) const {
    const std::string& s = raw(key);
    if (s != "0" && s != "1")
        throw Error("layer config '" + printable(str(), kQuoteLine) + "': " + key + " must be 0 or 1, got '" + printable(s) + "'");
    return s == "1";
}

std::string LayerConfig::str() const {
    std::string s = type_;
    for (const auto& f : fields_) s += " " + f.first + "=" + f.second;
    return s;
}

// ---- Layer ---------------------------------------------------------------------------------

std::size_t ParamSpec::size() const { return numel(shape); }

std::size_t Layer::param_count() const {
    std::size_t n = 0;
    for (const auto& s : param_specs()) n += s.size();
    return n;
}

std::size_t Layer::buffer_count() const {
    std::size_t n = 0;
    for (const auto& s : buffer_specs()) n += s.size();
    return n;
}

void Layer::fail(const std::string& message) const { throw Error(repr() + ": " + message); }

Shape Layer::begin_forward(const Tensor& x) {
    if ((!params_ && param_count() > 0) || (!buffers_ && buffer_count() > 0))
        fail("no parameter buffer bound (add the layer to a model)");
    Shape out = output_shape(Shape(x.shape().begin(), x.shape().end()));
    if (shape_elements(out) > kMaxElements)
        check_elements(repr().c_str(), ("output " + shape_str(out)).c_str(), shape_elements(out));
    if (&x != &input_) input_ = x;
    output_shape_ = out;
    has_forward_ = true;
    return out;
}

void Layer::check_backward(const Tensor& d_out) const {
    if (!has_forward_) fail("backward called before forward");
    const Shape got(d_out.shape().begin(), d_out.shape().end());
    if (got != output_shape_)
        fail("d_out must have the shape of the last output " + shape_str(output_shape_) + ", got " +
             shape_str(got));
}

Tensor Layer::begin_backward(const Tensor& d_out) const {
    check_backward(d_out);
    return zeros(Shape(input_.shape().begin(), input_.shape().end()));
}

// ---- make_layer ----------------------------------------------------------------------------

namespace {

template <class T>
T& earlier_layer(const LayerConfig& c, const std::vector<Layer*>& earlier, const char* key,
                 const char* wanted) {
    const int i = c.get_int(key);
    if (i < 0 || std::size_t(i) >= earlier.size())
        throw Error("layer config '" + printable(c.str(), kQuoteLine) + "': " + key + " must name an earlier layer (0.." +
                    std::to_string(int(earlier.size()) - 1) + "), got " + std::to_string(i));
    T* t = dynamic_cast<T*>(earlier[std::size_t(i)]);
    if (!t)
        throw Error("layer config '" + printable(c.str(), kQuoteLine) + "': layer " + std::to_string(i) + " is " +
                    earlier[std::size_t(i)]->repr() + ", not a " + wanted);
    return *t;
}

}  // namespace

std::unique_ptr<Layer> make_layer(const LayerConfig& c, const std::vector<Layer*>& earlier) {
    const std::string& t = c.type();
    if (t == "Conv2d") {
        Conv2dParams p;
        p.stride = c.get_pair("stride");
        p.padding = c.get_pair("padding");
        p.dilation = c.get_pair("dilation");
        return std::make_unique<Conv2d>(c.get_int("in_channels"), c.get_int("out_channels"),
                                        c.get_pair("kernel_size"), p, c.get_bool("bias"));
    }
    if (t == "ConvTranspose2d") {
        ConvTranspose2dParams p;
        p.stride = c.get_pair("stride");
        p.padding = c.get_pair("padding");
        p.output_padding = c.get_pair("output_padding");
        p.dilation = c.get_pair("dilation");
        return std::make_unique<ConvTranspose2d>(c.get_int("in_channels"), c.get_int("out_channels"),
                                                 c.get_pair("kernel_size"), p, c.get_bool("bias"));
    }
    if (t == "Linear")
        return std::make_unique<Linear>(c.get_int("in_features"), c.get_int("out_features"),
                                        c.get_bool("bias"));
    if (t == "TiedLinear")
        return std::make_unique<TiedLinear>(earlier_layer<Linear>(c, earlier, "tied_to", "Linear"),
                                            std::size_t(c.get_int("tied_to")), c.get_bool("bias"));
    if (t == "MaxPool2d") {
        MaxPool2dParams p;
        p.kernel = c.get_pair("kernel_size");
        p.stride = c.get_pair("stride");
        p.padding = c.get_pair("padding");
        p.dilation = c.get_pair("dilation");
        return std::make_unique<MaxPool2d>(p);
    }
    if (t == "MaxUnpool2d")
        return std::make_unique<MaxUnpool2d>(
            earlier_layer<MaxPool2d>(c, earlier, "pool", "MaxPool2d"), std::size_t(c.get_int("pool")),
            c.has("output_size") ? c.get_pair("output_size") : std::array<int, 2>{0, 0});
    if (t == "UpsampleNearest2d") {
        const auto s = c.get_ints("scale_factor", 0);
        if (s.size() > 2)
            throw Error("layer config '" + printable(c.str(), kQuoteLine) + "': scale_factor must have 1 or 2 values");
        return std::make_unique<UpsampleNearest2d>(std::array<int, 2>{s[0], s.back()});
    }
    if (t == "BatchNorm2d")
        return std::make_unique<BatchNorm2d>(c.get_int("num_features"),
                                             c.has("eps") ? c.get_float("eps") : 1e-5f,
                                             c.has("momentum") ? c.get_float("momentum") : 0.1f,
                                             c.has("affine") ? c.get_bool("affine") : true);
    if (t == "Dropout") return std::make_unique<Dropout>(c.has("p") ? c.get_float("p") : 0.5f);
    if (t == "ReLU") return std::make_unique<ReLU>();
    if (t == "LeakyReLU") return std::make_unique<LeakyReLU>(c.get_float("negative_slope"));
    if (t == "Sigmoid") return std::make_unique<Sigmoid>();
    if (t == "Tanh") return std::make_unique<Tanh>();
    if (t == "Softplus") return std::make_unique<Softplus>();
    if (t == "Flatten") return std::make_unique<Flatten>();
    if (t == "Unflatten") {
        const auto v = c.get_ints("sample_shape", 0);
        Shape s;
        for (int d : v) {
            if (d < 1) throw Error("layer config '" + printable(c.str(), kQuoteLine) + "': sizes must be >= 1");
            s.push_back(std::size_t(d));
        }
        return std::make_unique<Unflatten>(s);
    }
    throw Error("layer config '" + printable(c.str(), kQuoteLine) + "': unknown layer type '" + printable(t) + "'");
}

}  // namespace aelab
