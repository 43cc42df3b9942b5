// The architecture spec text (see architecture.hpp): parsing and printing, the shape and
// parameter walk that names the first layer that cannot work, the core's LayerConfig lines,
// the PyTorch printout and the presets.
// Legend: C channels, H/W spatial sizes, K kernel, S stride, P padding, O output padding,
//   F features; shapes are per example (no batch axis) and held in 64 bits while checked.
#include "aelab/architecture.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <sstream>

namespace aelab {
namespace {

// ---- the kinds and their text ---------------------------------------------------------------

enum class MainValue { none, whole, decimal, sizes };

struct KindInfo {
    const char* word;
    ArchKind kind;
    MainValue main;
    const char* options;  // option letters, in canonical order
    const char* main_means;
};

// "code" is not here: it is a marker, handled by the parser.
const KindInfo kKinds[] = {
    {"conv", ArchKind::conv, MainValue::whole, "kspb", "its output channels"},
    {"tconv", ArchKind::tconv, MainValue::whole, "kspob", "its output channels"},
    {"pool", ArchKind::pool, MainValue::whole, "sp", "its window size"},
    {"unpool", ArchKind::unpool, MainValue::whole, "", "the number of its pool (1 for p1)"},
    {"up", ArchKind::upsample, MainValue::whole, "", "its scale factor"},
    {"flat", ArchKind::flatten, MainValue::none, "", ""},
    {"lin", ArchKind::linear, MainValue::whole, "b", "its output features"},
    {"unflat", ArchKind::unflatten, MainValue::sizes, "", "the sizes it makes, e.g. 32x7x7"},
    {"relu", ArchKind::relu, MainValue::none, "", ""},
    {"sigmoid", ArchKind::sigmoid, MainValue::none, "", ""},
    {"tanh", ArchKind::tanh, MainValue::none, "", ""},
    {"lrelu", ArchKind::leaky_relu, MainValue::decimal, "", "its negative slope"},
    {"bn", ArchKind::batch_norm, MainValue::none, "", ""},
    {"drop", ArchKind::dropout, MainValue::decimal, "", "its probability"},
};

constexpr float kDefaultSlope = 0.01f, kDefaultDropout = 0.5f;

const KindInfo& info(ArchKind kind) {
    for (const auto& k : kKinds)
        if (k.kind == kind) return k;
    throw Error("architecture: unknown layer kind");  // unreachable: every kind is listed
}

std::string known_kinds() {
    std::string s;
    for (const auto& k : kKinds) s += std::string(s.empty() ? "" : ", ") + k.word;
    return s + ", code";
}

// The shortest decimal without an exponent ("0.25", "1", "0.01") that reads back as v.
std::string decimal_text(float v) {
    char buf[64];
    for (int digits = 0; digits <= 9; ++digits) {
        std::snprintf(buf, sizeof buf, "%.*f", digits, double(v));
        if (std::strtof(buf, nullptr) == v) break;
    }
    return buf;
}

// A token as the user wrote it, for a message (escaped: it may hold any byte).
std::string quoted(const std::string& token) { return "'" + printable(token) + "'"; }

}  // namespace

std::string ArchLayer::text() const {
    const KindInfo& k = info(kind);
    std::string s = k.word;
    switch (kind) {
        case ArchKind::conv:
        case ArchKind::tconv:
        case ArchKind::linear: s += std::to_string(out); break;
        case ArchKind::pool: s += std::to_string(kernel); break;
        case ArchKind::unpool: s += std::to_string(pool); break;
        case ArchKind::upsample: s += std::to_string(scale); break;
        case ArchKind::unflatten:
            for (std::size_t i = 0; i < sizes.size(); ++i) s += (i ? "x" : "") + std::to_string(sizes[i]);
            break;
        case ArchKind::leaky_relu:
            if (value != kDefaultSlope) s += decimal_text(value);
            break;
        case ArchKind::dropout:
            if (value != kDefaultDropout) s += decimal_text(value);
            break;
        default: break;
    }
    const bool conv_like = kind == ArchKind::conv || kind == ArchKind::tconv;
    if (conv_like && kernel != 3) s += "k" + std::to_string(kernel);
    if (conv_like && stride != 1) s += "s" + std::to_string(stride);
    if (kind == ArchKind::pool && stride != kernel) s += "s" + std::to_string(stride);
    if ((conv_like || kind == ArchKind::pool) && padding != 0) s += "p" + std::to_string(padding);
    if (kind == ArchKind::tconv && output_padding != 0) s += "o" + std::to_string(output_padding);
    if ((conv_like || kind == ArchKind::linear) && !bias) s += "b0";
    return s;
}

std::string architecture_text(const Architecture& arch) {
    std::string s;
    for (std::size_t i = 0; i < arch.layers.size(); ++i) {
        s += (i ? "-" : "") + arch.layers[i].text();
        if (std::ptrdiff_t(i) == arch.code_marker) s += "-code";
    }
    return s;
}

// ---- parsing ----------------------------------------------------------------------------------

namespace {

// Reads one token into a layer; returns the reason it is malformed, or "".
class TokenParser {
public:
    explicit TokenParser(const std::string& token) : t_(token) {}

    std::string parse(ArchLayer& layer) {
        std::size_t end = 0;
        while (end < t_.size() && std::islower(static_cast<unsigned char>(t_[end]))) ++end;
        const std::string word = t_.substr(0, end);
        const KindInfo* k = nullptr;
        for (const auto& candidate : kKinds)
            if (word == candidate.word) k = &candidate;
        if (!k)
            return word.empty() ? "a layer starts with its kind (" + known_kinds() + ")"
                                : "unknown layer kind '" + word + "' (known: " + known_kinds() + ")";
        pos_ = end;
        layer = ArchLayer{};
        layer.kind = k->kind;
        if (std::string e = parse_main(*k, layer); !e.empty()) return e;
        if (std::string e = parse_options(*k, layer); !e.empty()) return e;
        return check_values(layer);
    }

private:
    bool at_digit() const { return pos_ < t_.size() && std::isdigit(static_cast<unsigned char>(t_[pos_])); }

    // A whole number at pos_ (at most kArchMaxNumber); "" or the reason.
    std::string whole(const std::string& what, int& out) {
        if (!at_digit()) return what + " needs a whole number";
        std::int64_t v = 0;
        while (at_digit()) {
            v = v * 10 + (t_[pos_++] - '0');
            if (v > kArchMaxNumber)
                return what + " is over the limit of " + std::to_string(kArchMaxNumber);
        }
        out = int(v);
        return "";
    }

    std::string parse_main(const KindInfo& k, ArchLayer& layer) {
        const std::string what = std::string(k.word) + "'s number (" + k.main_means + ")";
        switch (k.main) {
            case MainValue::none: return "";
            case MainValue::whole: {
                if (!at_digit()) return std::string(k.word) + " needs " + k.main_means + " right after it, e.g. " +
                                        k.word + (layer.kind == ArchKind::unpool ? "1" : "2");
                int v = 0;
                if (std::string e = whole(what, v); !e.empty()) return e;
                switch (layer.kind) {
                    case ArchKind::pool: layer.kernel = layer.stride = v; break;
                    case ArchKind::unpool: layer.pool = v; break;
                    case ArchKind::upsample: layer.scale = v; break;
                    default: layer.out = v; break;
                }
                return "";
            }
            case MainValue::decimal: {
                layer.value = layer.kind == ArchKind::leaky_relu ? kDefaultSlope : kDefaultDropout;
                if (!at_digit()) return "";
                const std::size_t start = pos_;
                while (at_digit()) ++pos_;
                if (pos_ < t_.size() && t_[pos_] == '.') {
                    const std::size_t point = ++pos_;
                    while (at_digit()) ++pos_;
                    if (pos_ == point) return what + " needs digits after the '.'";
                    if (pos_ - point > 9) return what + " has more than 9 decimals";
                }
                if (point_digits(start) > 6) return what + " is too large";
                layer.value = std::strtof(t_.substr(start, pos_ - start).c_str(), nullptr);
                return "";
            }
            case MainValue::sizes: {
                for (;;) {
                    int v = 0;
                    if (!at_digit()) return std::string(k.word) + " needs " + k.main_means;
                    if (std::string e = whole("a size of unflat", v); !e.empty()) return e;
                    layer.sizes.push_back(v);
                    if (pos_ < t_.size() && t_[pos_] == 'x' && pos_ + 1 < t_.size())
                        ++pos_;
                    else
                        return "";
                }
            }
        }
        return "";
    }

    // Digits before the decimal point of the number starting at `start`.
    std::size_t point_digits(std::size_t start) const {
        std::size_t n = 0;
        while (start + n < t_.size() && std::isdigit(static_cast<unsigned char>(t_[start + n]))) ++n;
        return n;
    }

    std::string parse_options(const KindInfo& k, ArchLayer& layer) {
        std::string seen;
        while (pos_ < t_.size()) {
            const char letter = t_[pos_];
            const std::string allowed = k.options;
            if (allowed.find(letter) == std::string::npos || !std::islower(static_cast<unsigned char>(letter))) {
                std::string takes;
                for (char c : allowed) takes += std::string(takes.empty() ? "" : ", ") + c;
                return "unexpected '" + printable(t_.substr(pos_)) + "' (" + k.word +
                       (takes.empty() ? std::string(" takes no options") : " takes options " + takes) + ")";
            }
            if (seen.find(letter) != std::string::npos)
                return std::string("option '") + letter + "' is given twice";
            seen += letter;
            ++pos_;
            int v = 0;
            if (std::string e = whole(std::string("option '") + letter + "'", v); !e.empty()) return e;
            switch (letter) {
                case 'k': layer.kernel = v; break;
                case 's': layer.stride = v; break;
                case 'p': layer.padding = v; break;
                case 'o': layer.output_padding = v; break;
                case 'b':
                    if (v > 1) return "option 'b' is 0 (no bias) or 1, got " + std::to_string(v);
                    layer.bias = v == 1;
                    break;
            }
        }
        return "";
    }

    // Values that can never work, whatever the input shape.
    static std::string check_values(const ArchLayer& l) {
        auto window = [](const char* what, int v, int lo) -> std::string {
            if (v < lo || v > kArchMaxWindow)
                return std::string(what) + " must be in [" + std::to_string(lo) + ", " +
                       std::to_string(kArchMaxWindow) + "], got " + std::to_string(v);
            return "";
        };
        std::string e;
        switch (l.kind) {
            case ArchKind::conv:
            case ArchKind::tconv:
            case ArchKind::linear:
                if (l.out < 1) return l.kind == ArchKind::linear ? "needs at least 1 feature" : "needs at least 1 channel";
                if (l.kind == ArchKind::linear) return "";
                if (!(e = window("the kernel (k)", l.kernel, 1)).empty()) return e;
                if (!(e = window("the stride (s)", l.stride, 1)).empty()) return e;
                if (!(e = window("the padding (p)", l.padding, 0)).empty()) return e;
                if (l.output_padding >= l.stride)
                    return "the output padding (o" + std::to_string(l.output_padding) +
                           ") must be smaller than the stride (s" + std::to_string(l.stride) + "), as in torch";
                return "";
            case ArchKind::pool:
                if (!(e = window("the window", l.kernel, 1)).empty()) return e;
                if (!(e = window("the stride (s)", l.stride, 1)).empty()) return e;
                if (l.padding > l.kernel / 2)
                    return "the padding (p" + std::to_string(l.padding) + ") must be at most half the window (" +
                           std::to_string(l.kernel) + "), as in torch";
                return "";
            case ArchKind::unpool:
                if (l.pool < 1) return "pools are numbered from 1 (unpool1 uses p1)";
                return "";
            case ArchKind::upsample: return window("the scale", l.scale, 1);
            case ArchKind::unflatten:
                for (int s : l.sizes)
                    if (s < 1) return "every size must be at least 1";
                return "";
            case ArchKind::leaky_relu:
                if (!(l.value >= 0 && l.value <= 1)) return "the slope must be in [0, 1], got " + decimal_text(l.value);
                return "";
            case ArchKind::dropout:
                if (!(l.value >= 0 && l.value < 1))
                    return "the probability must be in [0, 1), got " + decimal_text(l.value);
                return "";
            default: return "";
        }
    }

    const std::string& t_;
    std::size_t pos_ = 0;
};

// Parses as far as the text is well formed: `arch` holds the layers before the first bad token
// and the result is that token's error ("" when all is well).
std::string parse_prefix(const std::string& text, Architecture& arch) {
    arch = Architecture{};
    if (text.empty()) return "the architecture is empty";
    if (text.size() > kArchMaxTextLength)
        return "the text has " + std::to_string(text.size()) + " characters, over the limit of " +
               std::to_string(kArchMaxTextLength);
    std::size_t start = 0;
    for (;;) {
        const std::size_t dash = std::min(text.find('-', start), text.size());
        const std::string token = text.substr(start, dash - start);
        const std::string where = "layer " + std::to_string(arch.layers.size()) + " " + quoted(token) + ": ";
        for (std::size_t i = 0; i < token.size(); ++i) {
            const auto c = static_cast<unsigned char>(token[i]);
            if (!std::islower(c) && !std::isdigit(c) && c != '.') {
                // The whole character when it is UTF-8 (printable escapes it if it is not).
                std::size_t n = 1;
                while (c >= 0x80 && n < 4 && i + n < token.size() &&
                       (static_cast<unsigned char>(token[i + n]) & 0xC0) == 0x80)
                    ++n;
                return where + "unexpected character '" + printable(token.substr(i, n)) +
                       "' (the text uses lowercase letters, digits, '.' and '-' between layers)";
            }
        }
        if (token.empty()) return where + "empty: two '-' in a row, or a '-' at an end";
        if (token == "code") {
            if (arch.layers.empty()) return "the code marker must follow a layer";
            if (arch.code_marker >= 0)
                return "a second code marker after layer " + std::to_string(arch.layers.size() - 1) +
                       " (the first follows layer " + std::to_string(arch.code_marker) + ")";
            arch.code_marker = std::ptrdiff_t(arch.layers.size()) - 1;
        } else {
            if (arch.layers.size() == kArchMaxLayers)
                return where + "more than " + std::to_string(kArchMaxLayers) + " layers";
            ArchLayer layer;
            if (std::string e = TokenParser(token).parse(layer); !e.empty()) return where + e;
            arch.layers.push_back(layer);
        }
        if (dash == text.size()) return "";
        start = dash + 1;
    }
}

}  // namespace

Architecture parse_architecture(const std::string& text) {
    Architecture arch;
    if (std::string e = parse_prefix(text, arch); !e.empty()) throw Error("architecture: " + e);
    return arch;
}

// ---- the shape walk ---------------------------------------------------------------------------

namespace {

using Dims = std::vector<std::int64_t>;
constexpr std::int64_t kSaturated = std::numeric_limits<std::int64_t>::max();

// a * b for non-negative values, saturating instead of overflowing.
std::int64_t times(std::int64_t a, std::int64_t b) {
    if (a != 0 && b > kSaturated / a) return kSaturated;
    return a * b;
}

std::int64_t elements(const Dims& d) {
    std::int64_t n = 1;
    for (std::int64_t v : d) n = times(n, v);
    return n;
}

// "(16, 14, 14)", "(784,)": as shape_str, from 64-bit sizes.
std::string dims_str(const Dims& d) {
    std::string s = "(";
    for (std::size_t i = 0; i < d.size(); ++i) s += (i ? ", " : "") + std::to_string(d[i]);
    return s + (d.size() == 1 ? ",)" : ")");
}

struct PoolSeen {
    std::size_t layer;  // index in the architecture
    Dims input, output;
    std::ptrdiff_t unpooled_by = -1;
};

// One layer's output shape and parameter count; "" or why it cannot work.
std::string layer_output(const ArchLayer& l, const Dims& in, std::vector<PoolSeen>& pools,
                         std::size_t index, const Architecture& arch, Dims& out, std::int64_t& params) {
    params = 0;
    const bool spatial = l.kind == ArchKind::conv || l.kind == ArchKind::tconv || l.kind == ArchKind::pool ||
                         l.kind == ArchKind::upsample || l.kind == ArchKind::batch_norm ||
                         l.kind == ArchKind::unpool;
    if (spatial && in.size() != 3)
        return "needs an input (C, H, W), got " + dims_str(in) +
               (in.size() == 1 ? "; put unflat before it" : "");
    if ((l.kind == ArchKind::linear || l.kind == ArchKind::unflatten) && in.size() != 1)
        return "needs a flat input (features), got " + dims_str(in) + "; put flat before it";
    const std::int64_t K = l.kernel, S = l.stride, P = l.padding;
    auto empty = [&](std::int64_t h, std::int64_t w) {
        return "the output would be empty (" + std::to_string(h) + "x" + std::to_string(w) + ") for input " +
               dims_str(in);
    };
    switch (l.kind) {
        case ArchKind::conv:
        case ArchKind::pool: {
            // floor((H + 2P - K) / S) + 1, with an empty output when the window does not fit once.
            const std::int64_t span_h = in[1] + 2 * P - K, span_w = in[2] + 2 * P - K;
            if (span_h < 0 || span_w < 0)
                return "input " + dims_str(in) + " is smaller than the " + std::to_string(K) + "x" +
                       std::to_string(K) + " window with padding " + std::to_string(P) +
                       ": the output would be empty";
            const std::int64_t C = l.kind == ArchKind::conv ? l.out : in[0];
            out = {C, span_h / S + 1, span_w / S + 1};
            if (l.kind == ArchKind::conv) params = times(times(times(l.out, in[0]), K), K) + (l.bias ? l.out : 0);
            if (l.kind == ArchKind::pool) pools.push_back({index, in, out});
            return "";
        }
        case ArchKind::tconv: {
            // (H - 1)*S - 2P + K + O
            const std::int64_t h = (in[1] - 1) * S - 2 * P + K + l.output_padding;
            const std::int64_t w = (in[2] - 1) * S - 2 * P + K + l.output_padding;
            if (h < 1 || w < 1) return empty(h, w);
            out = {l.out, h, w};
            params = times(times(times(in[0], l.out), K), K) + (l.bias ? l.out : 0);
            return "";
        }
        case ArchKind::unpool: {
            const std::string name = "p" + std::to_string(l.pool);
            if (std::size_t(l.pool) > pools.size()) {
                std::size_t later = pools.size();
                for (std::size_t j = index + 1; j < arch.layers.size(); ++j)
                    if (arch.layers[j].kind == ArchKind::pool && ++later == std::size_t(l.pool))
                        return "pool " + name + " comes after it (layer " + std::to_string(j) +
                               "): an unpool needs the switches of an earlier pool";
                return "there is no pool " + name + " before it (" + std::to_string(pools.size()) +
                       (pools.size() == 1 ? " pool" : " pools") + " so far)";
            }
            PoolSeen& p = pools[std::size_t(l.pool) - 1];
            if (p.unpooled_by >= 0)
                return "pool " + name + " is already unpooled by layer " + std::to_string(p.unpooled_by) +
                       ": each pool's switches serve one unpool";
            if (in != p.output)
                return "needs the shape of " + name + "'s output " + dims_str(p.output) + " (layer " +
                       std::to_string(p.layer) + "), got " + dims_str(in);
            p.unpooled_by = std::ptrdiff_t(index);
            out = p.input;
            return "";
        }
        case ArchKind::upsample: out = {in[0], in[1] * l.scale, in[2] * l.scale}; return "";
        case ArchKind::flatten: out = {elements(in)}; return "";
        case ArchKind::linear:
            out = {l.out};
            params = times(in[0], l.out) + (l.bias ? l.out : 0);
            return "";
        case ArchKind::unflatten: {
            const Dims sizes(l.sizes.begin(), l.sizes.end());
            if (elements(sizes) != in[0]) {
                std::string product;
                for (int s : l.sizes) product += (product.empty() ? "" : "*") + std::to_string(s);
                return "needs a flat input of " + product + " = " + std::to_string(elements(sizes)) +
                       " features, got " + dims_str(in);
            }
            out = sizes;
            return "";
        }
        case ArchKind::batch_norm:
            out = in;
            params = 2 * in[0];  // gamma and beta per channel (running statistics are buffers)
            return "";
        case ArchKind::relu:
        case ArchKind::sigmoid:
        case ArchKind::tanh:
        case ArchKind::leaky_relu:
        case ArchKind::dropout: out = in; return "";
    }
    return "";
}

Shape to_shape(const Dims& d) { return Shape(d.begin(), d.end()); }

// The code: the marked layer, or the last of the first run of smallest outputs.
void find_code(ArchCheck& c) {
    if (c.rows.empty()) return;
    if (c.arch.code_marker >= 0 && std::size_t(c.arch.code_marker) < c.rows.size()) {
        c.code_layer = c.arch.code_marker;
        c.code_marked = true;
    } else if (c.arch.code_marker < 0) {
        std::size_t best = 0;
        for (std::size_t i = 1; i < c.rows.size(); ++i)
            if (numel(c.rows[i].output) < numel(c.rows[best].output)) best = i;
        while (best + 1 < c.rows.size() && numel(c.rows[best + 1].output) == numel(c.rows[best].output)) ++best;
        c.code_layer = std::ptrdiff_t(best);
    } else {
        return;  // the marker follows a layer that was not reached
    }
    c.code_shape = c.rows[std::size_t(c.code_layer)].output;
    c.code_size = std::int64_t(numel(c.code_shape));
}

}  // namespace

std::int64_t dense_autoencoder_params(std::int64_t input_size, std::int64_t code_size) {
    return times(times(2, input_size), code_size) + code_size + input_size;
}

ArchCheck check_architecture(const Architecture& arch, const ArchOptions& options) {
    ArchCheck c;
    c.arch = arch;
    const Dims sample(options.sample_shape.begin(), options.sample_shape.end());
    const bool sample_ok = !sample.empty() &&
                           std::all_of(sample.begin(), sample.end(), [](std::int64_t d) { return d >= 1; }) &&
                           elements(sample) <= kArchMaxElements;
    if (!sample_ok) {
        c.error = "the input shape " + dims_str(sample) + " must have sizes >= 1 and at most " +
                  std::to_string(kArchMaxElements) + " elements";
        return c;
    }
    if (arch.layers.empty()) {
        c.error = "the architecture is empty";
        return c;
    }
    Dims shape = sample;
    std::vector<PoolSeen> pools;
    for (std::size_t i = 0; i < arch.layers.size(); ++i) {
        const ArchLayer& l = arch.layers[i];
        Dims out;
        std::int64_t params = 0;
        std::string e = layer_output(l, shape, pools, i, arch, out, params);
        if (e.empty() && elements(out) > kArchMaxElements)
            e = "its output " + dims_str(out) + " would have " +
                (elements(out) == kSaturated ? std::string("too many") : std::to_string(elements(out))) +
                " elements per example, over the limit of " + std::to_string(kArchMaxElements);
        if (e.empty() && c.params + params > kArchMaxParams)
            e = "the model would have " + std::to_string(c.params + params) +
                " parameters, over the limit of " + std::to_string(kArchMaxParams);
        if (!e.empty()) {
            c.error_layer = std::ptrdiff_t(i);
            c.error = "layer " + std::to_string(i) + " " + quoted(l.text()) + ": " + e;
            break;
        }
        ArchRow row{l.text(), "", to_shape(out), params};
        if (l.kind == ArchKind::pool) row.name = "p" + std::to_string(pools.size());
        c.rows.push_back(row);
        c.params += params;
        shape = out;
    }
    find_code(c);
    if (c.code_size > 0) c.dense_params = dense_autoencoder_params(elements(sample), c.code_size);
    if (!c.error.empty()) return c;
    if (options.autoencoder && shape != sample) {
        const std::size_t last = arch.layers.size() - 1;
        c.error_layer = std::ptrdiff_t(last);
        c.error = "layer " + std::to_string(last) + " " + quoted(arch.layers[last].text()) +
                  ": the decoder's output " + dims_str(shape) + " is not the input shape " +
                  dims_str(sample);
        return c;
    }
    c.ok = true;
    return c;
}

ArchCheck check_architecture(const std::string& text, const ArchOptions& options) {
    Architecture arch;
    const std::string syntax = parse_prefix(text, arch);
    if (syntax.empty()) return check_architecture(arch, options);
    // The layers before the bad token may fail first; otherwise the bad token is the first.
    ArchOptions walk = options;
    walk.autoencoder = false;
    ArchCheck c = arch.layers.empty() ? ArchCheck{} : check_architecture(arch, walk);
    c.arch = arch;
    if (!c.error.empty()) return c;
    c.ok = false;
    c.error = syntax;
    c.error_layer = syntax.compare(0, 6, "layer ") == 0 ? std::ptrdiff_t(arch.layers.size()) : -1;
    return c;
}

// ---- the core's layers --------------------------------------------------------------------------

namespace {

ArchCheck checked(const std::string& text, const ArchOptions& options) {
    ArchCheck c = check_architecture(text, options);
    if (!c.ok) throw Error("architecture: " + c.error);
    return c;
}

std::vector<int> pair(int v) { return {v, v}; }

// Layer i's line; input(j) is layer j's input shape.
LayerConfig layer_config(const ArchCheck& c, std::size_t i, const Shape& sample) {
    auto input = [&](std::size_t j) -> const Shape& { return j == 0 ? sample : c.rows[j - 1].output; };
    const Shape& in = input(i);
    const ArchLayer& l = c.arch.layers[i];
    switch (l.kind) {
        case ArchKind::conv:
        case ArchKind::tconv: {
            LayerConfig cfg(l.kind == ArchKind::conv ? "Conv2d" : "ConvTranspose2d");
            cfg.set("in_channels", int(in[0])).set("out_channels", l.out).set("kernel_size", pair(l.kernel));
            cfg.set("stride", pair(l.stride)).set("padding", pair(l.padding));
            if (l.kind == ArchKind::tconv) cfg.set("output_padding", pair(l.output_padding));
            return cfg.set("dilation", pair(1)).set("bias", l.bias);
        }
        case ArchKind::pool:
            return LayerConfig("MaxPool2d")
                .set("kernel_size", pair(l.kernel))
                .set("stride", pair(l.stride))
                .set("padding", pair(l.padding))
                .set("dilation", pair(1));
        case ArchKind::unpool: {
            // The pool's layer index and input size: the unpool restores exactly that size.
            std::size_t seen = 0, pool_layer = 0;
            for (std::size_t j = 0; j < i; ++j)
                if (c.arch.layers[j].kind == ArchKind::pool && ++seen == std::size_t(l.pool)) pool_layer = j;
            const Shape& pool_in = input(pool_layer);
            return LayerConfig("MaxUnpool2d")
                .set("pool", int(pool_layer))
                .set("output_size", std::vector<int>{int(pool_in[1]), int(pool_in[2])});
        }
        case ArchKind::upsample: return LayerConfig("UpsampleNearest2d").set("scale_factor", l.scale);
        case ArchKind::flatten: return LayerConfig("Flatten");
        case ArchKind::linear:
            return LayerConfig("Linear").set("in_features", int(in[0])).set("out_features", l.out).set("bias", l.bias);
        case ArchKind::unflatten: return LayerConfig("Unflatten").set("sample_shape", l.sizes);
        case ArchKind::relu: return LayerConfig("ReLU");
        case ArchKind::sigmoid: return LayerConfig("Sigmoid");
        case ArchKind::tanh: return LayerConfig("Tanh");
        case ArchKind::leaky_relu: return LayerConfig("LeakyReLU").set("negative_slope", l.value);
        case ArchKind::batch_norm: return LayerConfig("BatchNorm2d").set("num_features", int(in[0]));
        case ArchKind::dropout: return LayerConfig("Dropout").set("p", l.value);
    }
    throw Error("architecture: unknown layer kind");  // unreachable
}

}  // namespace

std::string architecture_layers_text(const std::string& text, const ArchOptions& options) {
    const ArchCheck c = checked(text, options);
    std::string lines;
    for (std::size_t i = 0; i < c.arch.layers.size(); ++i)
        lines += layer_config(c, i, options.sample_shape).str() + "\n";
    return lines;
}

Sequential build_architecture(const std::string& text, std::uint64_t seed, const ArchOptions& options) {
    Sequential model = Sequential::from_layers_text(options.sample_shape, architecture_layers_text(text, options));
    model.init(seed);
    return model;
}

// ---- PyTorch ------------------------------------------------------------------------------------

namespace {

const char* kPyModules = R"(class Pool(nn.MaxPool2d):
    """MaxPool2d that keeps the switches (indices) of its last forward for an Unpool."""

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__(kernel_size, stride, padding, return_indices=True)

    def forward(self, x):
        y, self.indices = super().forward(x)
        self.input_size = x.shape[-2:]
        return y


class Unpool(nn.MaxUnpool2d):
    """MaxUnpool2d through the switches of a Pool. nn.Sequential hands each layer one tensor,
    so the indices travel through the Pool object instead."""

    def __init__(self, pool):
        super().__init__(pool.kernel_size, pool.stride, pool.padding)
        self.pool = [pool]  # in a list: not registered a second time as a child module

    def forward(self, x):
        pool = self.pool[0]
        return super().forward(x, pool.indices, output_size=pool.input_size)


)";

std::string py_conv_args(const ArchLayer& l) {
    std::string s = ", kernel_size=" + std::to_string(l.kernel);
    if (l.stride != 1) s += ", stride=" + std::to_string(l.stride);
    if (l.padding != 0) s += ", padding=" + std::to_string(l.padding);
    if (l.kind == ArchKind::tconv && l.output_padding != 0) s += ", output_padding=" + std::to_string(l.output_padding);
    if (!l.bias) s += ", bias=False";
    return s;
}

std::string py_pool_args(const ArchLayer& l) {
    std::string s = std::to_string(l.kernel);
    if (l.stride != l.kernel) s += ", stride=" + std::to_string(l.stride);
    if (l.padding != 0) s += ", padding=" + std::to_string(l.padding);
    return s;
}

std::string py_module(const ArchLayer& l, const Shape& in, const std::string& pool_name) {
    const std::string c_in = std::to_string(in[0]);
    switch (l.kind) {
        case ArchKind::conv: return "nn.Conv2d(" + c_in + ", " + std::to_string(l.out) + py_conv_args(l) + ")";
        case ArchKind::tconv:
            return "nn.ConvTranspose2d(" + c_in + ", " + std::to_string(l.out) + py_conv_args(l) + ")";
        case ArchKind::pool: return pool_name;
        case ArchKind::unpool: return "Unpool(p" + std::to_string(l.pool) + ")";
        case ArchKind::upsample: return "nn.Upsample(scale_factor=" + std::to_string(l.scale) + ", mode='nearest')";
        case ArchKind::flatten: return "nn.Flatten()";
        case ArchKind::linear:
            return "nn.Linear(" + c_in + ", " + std::to_string(l.out) + (l.bias ? "" : ", bias=False") + ")";
        case ArchKind::unflatten: {
            std::string s = "nn.Unflatten(1, (";
            for (std::size_t i = 0; i < l.sizes.size(); ++i) s += (i ? ", " : "") + std::to_string(l.sizes[i]);
            return s + (l.sizes.size() == 1 ? ",))" : "))");
        }
        case ArchKind::relu: return "nn.ReLU()";
        case ArchKind::sigmoid: return "nn.Sigmoid()";
        case ArchKind::tanh: return "nn.Tanh()";
        case ArchKind::leaky_relu: return "nn.LeakyReLU(" + decimal_text(l.value) + ")";
        case ArchKind::batch_norm: return "nn.BatchNorm2d(" + c_in + ")";
        case ArchKind::dropout: return "nn.Dropout(p=" + decimal_text(l.value) + ")";
    }
    return "";
}

}  // namespace

std::string architecture_pytorch(const std::string& text, const ArchOptions& options) {
    const ArchCheck c = checked(text, options);
    const auto& layers = c.arch.layers;
    const bool unpools = std::any_of(layers.begin(), layers.end(), [](const ArchLayer& l) { return l.kind == ArchKind::unpool; });
    std::ostringstream py;
    py << "import torch\nfrom torch import nn\n\n\n";
    if (unpools) py << kPyModules;
    // Pools are variables when an unpool refers to them, plain MaxPool2d modules otherwise.
    std::vector<std::string> names(layers.size());
    for (std::size_t i = 0; i < layers.size(); ++i) {
        if (layers[i].kind != ArchKind::pool) continue;
        names[i] = unpools ? c.rows[i].name : "nn.MaxPool2d(" + py_pool_args(layers[i]) + ")";
        if (unpools) py << c.rows[i].name << " = Pool(" << py_pool_args(layers[i]) << ")\n";
    }
    std::vector<std::string> lines;
    std::size_t width = 0;
    for (std::size_t i = 0; i < layers.size(); ++i) {
        lines.push_back("    " + py_module(layers[i], i == 0 ? options.sample_shape : c.rows[i - 1].output, names[i]) + ",");
        width = std::max(width, lines.back().size());
    }
    Shape batch{1};
    batch.insert(batch.end(), options.sample_shape.begin(), options.sample_shape.end());
    py << "model = nn.Sequential(  # input " << batch_shape_str(batch) << "\n";
    for (std::size_t i = 0; i < layers.size(); ++i) {
        Shape out{1};
        out.insert(out.end(), c.rows[i].output.begin(), c.rows[i].output.end());
        py << lines[i] << std::string(width - lines[i].size() + 2, ' ') << "# " << i << ": -> " << batch_shape_str(out);
        if (c.rows[i].params > 0) py << ", " << c.rows[i].params << " parameters";
        py << "\n";
        if (std::ptrdiff_t(i) == c.code_layer && i + 1 < layers.size())
            py << "    # ---- the code: " << c.code_size << " values " << (c.code_marked ? "(marked)" : "(the narrowest point)")
               << "; the decoder follows ----\n";
    }
    py << ")\n# " << c.params << " parameters; a dense autoencoder with the same code size has " << c.dense_params
       << "\n";
    return py.str();
}

// ---- presets ----------------------------------------------------------------------------------

const std::vector<ArchPreset>& architecture_presets() {
    static const std::vector<ArchPreset> presets{
        {"pool-unpool", "Max pooling / max unpooling pairs with switches",
         "conv16p1-relu-pool2-conv8p1-relu-pool2-code-unpool2-conv16p1-relu-unpool1-conv1p1-sigmoid"},
        {"strided", "Strided conv / transposed conv (benchmark case h)",
         "conv16s2p1-relu-conv32s2p1-relu-flat-lin16-code-lin1568-relu-unflat32x7x7-tconv16s2p1o1-relu-"
         "tconv1s2p1o1-sigmoid"},
        {"resize-conv", "Resize-convolution: nearest upsampling + conv",
         "conv16s2p1-relu-conv32s2p1-relu-flat-lin16-code-lin1568-relu-unflat32x7x7-up2-conv16p1-relu-up2-"
         "conv1p1-sigmoid"},
    };
    return presets;
}

const char* architecture_preset(const std::string& id) {
    std::string ids;
    for (const auto& p : architecture_presets()) {
        if (id == p.id) return p.spec;
        ids += std::string(ids.empty() ? "" : ", ") + p.id;
    }
    throw Error("architecture: unknown preset '" + printable(id) + "' (presets: " + ids + ")");
}

}  // namespace aelab
