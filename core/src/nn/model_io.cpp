// Model files (see model_io.hpp for the layout). Bytes are assembled one by one, so the file
// is little-endian whatever the host (x86 and wasm both are, but the format should not care).
#include "aelab/model_io.hpp"

#include <cstring>
#include <fstream>

#include "aelab/dataset.hpp"

namespace aelab {
namespace {

constexpr char kMagic[8] = {'A', 'E', 'L', 'A', 'B', 'M', 'D', '\0'};
// magic + version + A + P + CRC: the smallest possible file (empty text, no parameters).
constexpr std::size_t kFixedBytes = 8 + 4 + 4 + 4 + 4;

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(std::uint8_t(v >> (8 * i)));
}

std::uint32_t get_u32(const std::uint8_t* p) {
    return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 |
           std::uint32_t(p[3]) << 24;
}

std::string shape_words(const Shape& s) {
    std::string w;
    for (std::size_t i = 0; i < s.size(); ++i) w += (i ? "," : "") + std::to_string(s[i]);
    return w;
}

// Splits the architecture into its header line (parsed) and the layer lines.
LayerConfig split_header(const std::string& text, std::string& layers, const std::string& source) {
    const auto eol = text.find('\n');
    if (text.empty() || eol == std::string::npos)
        throw Error(source + ": malformed architecture (no header line)");
    layers = text.substr(eol + 1);
    try {
        return LayerConfig::parse(text.substr(0, eol));
    } catch (const Error& e) {
        throw Error(source + ": malformed architecture header: " + e.what());
    }
}

Shape sample_shape_of(const LayerConfig& header) {
    Shape s;
    for (int d : header.get_ints("sample_shape", 0)) {
        if (d < 1) throw Error("sample_shape sizes must be >= 1, got " + printable(header.str(), 200));
        s.push_back(std::size_t(d));
    }
    return s;
}

// What a file stores of a model: the parameters, then the buffers (running statistics).
std::vector<float> stored_values(const Sequential& model) {
    std::vector<float> v(model.params(), model.params() + model.param_count());
    v.insert(v.end(), model.buffers(), model.buffers() + model.buffer_count());
    return v;
}

void check_count(const ModelFile& f, const Sequential& model, const std::string& source) {
    const std::size_t params = model.param_count(), buffers = model.buffer_count();
    if (f.params.size() == params + buffers) return;
    const std::string needed = buffers == 0 ? std::to_string(params) + " parameters"
                                            : std::to_string(params + buffers) + " values (" +
                                                  std::to_string(params) + " parameters, " +
                                                  std::to_string(buffers) + " running statistics)";
    throw Error(source + ": the architecture needs " + needed + ", the file holds " +
                std::to_string(f.params.size()));
}

// The inverse of stored_values, once check_count has passed.
void restore_values(Sequential& model, const std::vector<float>& values) {
    const auto split = values.begin() + long(model.param_count());
    std::copy(values.begin(), split, model.params());
    std::copy(split, values.end(), model.buffers());
}

void write_bytes(const std::vector<std::uint8_t>& bytes, const std::string& path) {
    std::ofstream f(path, std::ios::binary);
    if (!f) throw Error(path + ": cannot open for writing");
    f.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    if (!f) throw Error(path + ": write error");
}

// The first line where two architecture texts differ, for a mismatch message.
std::string first_difference(const std::string& file, const std::string& model) {
    std::size_t line = 1, a = 0, b = 0;
    while (true) {
        const std::size_t ea = std::min(file.find('\n', a), file.size());
        const std::size_t eb = std::min(model.find('\n', b), model.size());
        const std::string la = file.substr(a, ea - a), lb = model.substr(b, eb - b);
        if (la != lb)
            return "line " + std::to_string(line) + ": file has '" + printable(la, 200) + "', model has '" + printable(lb, 200) + "'";
        if (ea >= file.size() || eb >= model.size()) return "lengths differ";
        a = ea + 1, b = eb + 1, ++line;
    }
}

}  // namespace

std::vector<std::uint8_t> encode_model_file(const std::string& architecture, const float* params,
                                            std::size_t count) {
    if (architecture.size() > 0xFFFFFFFFu || count > 0xFFFFFFFFu)
        throw Error("model file: architecture or parameters too large for the format");
    std::vector<std::uint8_t> out(kMagic, kMagic + 8);
    out.reserve(kFixedBytes + architecture.size() + 4 * count);
    put_u32(out, kModelFileVersion);
    put_u32(out, std::uint32_t(architecture.size()));
    out.insert(out.end(), architecture.begin(), architecture.end());
    put_u32(out, std::uint32_t(count));
    for (std::size_t i = 0; i < count; ++i) {
        std::uint32_t bits;
        std::memcpy(&bits, &params[i], 4);
        put_u32(out, bits);
    }
    put_u32(out, crc32(out.data(), out.size()));
    return out;
}

ModelFile decode_model_file(const std::uint8_t* data, std::size_t size, const std::string& source) {
    if (size < 8 || std::memcmp(data, kMagic, 8) != 0)
        throw Error(source + ": not an aelab model file (wrong magic)");
    if (size < kFixedBytes)
        throw Error(source + ": truncated (" + std::to_string(size) + " bytes, a model file has at least " +
                    std::to_string(kFixedBytes) + ")");
    const std::uint32_t version = get_u32(data + 8);
    if (version != kModelFileVersion)
        throw Error(source + ": unsupported model file version " + std::to_string(version) + " (this build reads " +
                    std::to_string(kModelFileVersion) + ")");
    const std::uint64_t text_bytes = get_u32(data + 12);
    if (16 + text_bytes + 8 > size)
        throw Error(source + ": truncated (architecture of " + std::to_string(text_bytes) +
                    " bytes does not fit in " + std::to_string(size) + ")");
    const std::uint64_t count = get_u32(data + 16 + text_bytes);
    const std::uint64_t expected = kFixedBytes + text_bytes + 4 * count;
    if (size < expected)
        throw Error(source + ": truncated (" + std::to_string(size) + " bytes, expected " +
                    std::to_string(expected) + " for " + std::to_string(count) + " parameters)");
    if (size > expected)
        throw Error(source + ": " + std::to_string(size - expected) + " unexpected trailing bytes");
    if (crc32(data, size - 4) != get_u32(data + size - 4))
        throw Error(source + ": checksum mismatch (file corrupt)");
    ModelFile f;
    f.architecture.assign(reinterpret_cast<const char*>(data + 16), std::size_t(text_bytes));
    f.params.resize(std::size_t(count));
    const std::uint8_t* p = data + 16 + text_bytes + 4;
    for (std::size_t i = 0; i < f.params.size(); ++i) {
        const std::uint32_t bits = get_u32(p + 4 * i);
        std::memcpy(&f.params[i], &bits, 4);
    }
    return f;
}

std::string architecture_text(const Sequential& model) {
    return "Sequential sample_shape=" + shape_words(model.sample_shape()) + "\n" + model.layers_text();
}

std::string architecture_text(const Vae& vae) {
    LayerConfig header("Vae");
    header.set("sample_shape", std::vector<int>(vae.net().sample_shape().begin(), vae.net().sample_shape().end()));
    header.set("encoder_layers", int(vae.encoder_layers())).set("latent", vae.latent()).set("beta", vae.beta());
    return header.str() + "\n" + vae.net().layers_text();
}

std::vector<std::uint8_t> save_model(const Sequential& model) {
    const std::vector<float> values = stored_values(model);
    return encode_model_file(architecture_text(model), values.data(), values.size());
}
std::vector<std::uint8_t> save_model(const Vae& vae) {
    const std::vector<float> values = stored_values(vae.net());
    return encode_model_file(architecture_text(vae), values.data(), values.size());
}
void save_model_file(const Sequential& model, const std::string& path) { write_bytes(save_model(model), path); }
void save_model_file(const Vae& vae, const std::string& path) { write_bytes(save_model(vae), path); }

Sequential load_sequential(const std::uint8_t* data, std::size_t size, const std::string& source) {
    ModelFile f = decode_model_file(data, size, source);
    std::string layers;
    const LayerConfig header = split_header(f.architecture, layers, source);
    if (header.type() != "Sequential")
        throw Error(source + ": holds a " + printable(header.type()) + ", not a Sequential model");
    try {
        Sequential model = Sequential::from_layers_text(sample_shape_of(header), layers, f.params.size());
        check_count(f, model, source);
        restore_values(model, f.params);
        return model;
    } catch (const Error& e) {
        const std::string what = e.what();
        if (what.compare(0, source.size(), source) == 0) throw;
        if (what.rfind("the architecture needs ", 0) == 0) throw Error(source + ": " + what);  // from_layers_text
        throw Error(source + ": malformed architecture: " + what);
    }
}

Vae load_vae(const std::uint8_t* data, std::size_t size, const std::string& source) {
    ModelFile f = decode_model_file(data, size, source);
    std::string layers;
    const LayerConfig header = split_header(f.architecture, layers, source);
    if (header.type() != "Vae") throw Error(source + ": holds a " + printable(header.type()) + ", not a Vae");
    try {
        Vae vae(Sequential::from_layers_text(sample_shape_of(header), layers, f.params.size()),
                std::size_t(header.get_int("encoder_layers")), header.get_int("latent"),
                header.get_float("beta"));
        check_count(f, vae.net(), source);
        restore_values(vae.net(), f.params);
        return vae;
    } catch (const Error& e) {
        const std::string what = e.what();
        if (what.compare(0, source.size(), source) == 0) throw;
        if (what.rfind("the architecture needs ", 0) == 0) throw Error(source + ": " + what);  // from_layers_text
        throw Error(source + ": malformed architecture: " + what);
    }
}

Sequential load_sequential_file(const std::string& path) {
    const auto bytes = read_file(path);
    return load_sequential(bytes.data(), bytes.size(), path);
}
Vae load_vae_file(const std::string& path) {
    const auto bytes = read_file(path);
    return load_vae(bytes.data(), bytes.size(), path);
}

namespace {

void load_weights_into(const std::string& model_text, Sequential& model, const std::uint8_t* data,
                       std::size_t size, const std::string& source) {
    const ModelFile f = decode_model_file(data, size, source);
    if (f.architecture != model_text)
        throw Error(source + ": architecture differs from the model's (" +
                    first_difference(f.architecture, model_text) + ")");
    check_count(f, model, source);
    restore_values(model, f.params);
}

}  // namespace

void load_weights(Sequential& model, const std::uint8_t* data, std::size_t size, const std::string& source) {
    load_weights_into(architecture_text(model), model, data, size, source);
}
void load_weights(Vae& vae, const std::uint8_t* data, std::size_t size, const std::string& source) {
    load_weights_into(architecture_text(vae), vae.net(), data, size, source);
}

}  // namespace aelab
