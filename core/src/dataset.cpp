#include "aelab/dataset.hpp"

#include <array>
#include <cstring>
#include <fstream>

namespace aelab {

std::uint32_t crc32(const std::uint8_t* data, std::size_t size, std::uint32_t crc) {
    static const std::array<std::uint32_t, 256> table = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t i = 0; i < 256; ++i) {
            std::uint32_t c = i;
            for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    crc = ~crc;
    for (std::size_t i = 0; i < size; ++i) crc = table[(crc ^ data[i]) & 0xFFu] ^ (crc >> 8);
    return ~crc;
}

std::vector<std::uint8_t> read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw Error(path + ": cannot open file");
    std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    if (f.bad()) throw Error(path + ": read error");
    return bytes;
}

namespace {

struct Reader {
    const std::uint8_t* p;
    std::size_t left;
    const std::string& source;

    void need(std::size_t n, const char* what) const {
        if (n > left)
            throw Error(source + ": truncated dataset file (" + what + " needs " + std::to_string(n) +
                        " bytes, " + std::to_string(left) + " left)");
    }
    std::uint32_t u32(const char* what) {
        need(4, what);
        std::uint32_t v = p[0] | (p[1] << 8) | (p[2] << 16) | (std::uint32_t(p[3]) << 24);
        p += 4;
        left -= 4;
        return v;
    }
    std::vector<std::uint8_t> bytes(std::size_t n, const char* what) {
        need(n, what);
        std::vector<std::uint8_t> v(p, p + n);
        p += n;
        left -= n;
        return v;
    }
};

}  // namespace

Dataset parse_dataset(const std::uint8_t* data, std::size_t size, const std::string& source) {
    static const char magic[8] = {'A', 'E', 'L', 'A', 'B', 'D', 'S', '\0'};
    if (size < 8 + 4 || std::memcmp(data, magic, 8) != 0)
        throw Error(source + ": not an aelab dataset file (bad magic)");
    if (size < 12 + 4) throw Error(source + ": truncated dataset file");
    std::uint32_t stored = 0;
    std::memcpy(&stored, data + size - 4, 4);  // little-endian hosts only (x86, wasm)
    if (crc32(data, size - 4) != stored)
        throw Error(source + ": checksum mismatch (file corrupt or truncated)");

    Reader r{data + 8, size - 12, source};
    std::uint32_t version = r.u32("version");
    if (version != 1) throw Error(source + ": unsupported dataset format version " + std::to_string(version));
    Dataset d;
    std::uint32_t n_train = r.u32("header"), n_test = r.u32("header");
    d.rows = r.u32("header");
    d.cols = r.u32("header");
    std::uint32_t n_classes = r.u32("header");
    if (d.rows == 0 || d.cols == 0 || d.rows > 4096 || d.cols > 4096 || n_classes == 0 || n_classes > 256)
        throw Error(source + ": implausible header (" + std::to_string(d.rows) + "x" + std::to_string(d.cols) +
                    " images, " + std::to_string(n_classes) + " classes)");
    // In 64 bits: n_train + n_test overflows 32, and the sizes 32-bit size_t (wasm). Once the
    // total equals the bytes present, every part fits in size_t.
    const std::uint64_t plane = std::uint64_t(d.rows) * d.cols;
    const std::uint64_t expected =
        16 * std::uint64_t(n_classes) + (std::uint64_t(n_train) + n_test) * (1 + plane);
    if (expected != std::uint64_t(r.left))
        throw Error(source + ": header promises " + std::to_string(expected) + " bytes of data, file holds " +
                    std::to_string(r.left));
    for (std::uint32_t c = 0; c < n_classes; ++c) {
        auto name = r.bytes(16, "class names");
        d.class_names.emplace_back(reinterpret_cast<const char*>(name.data()), strnlen(reinterpret_cast<const char*>(name.data()), 16));
    }
    d.train_labels = r.bytes(n_train, "train labels");
    d.test_labels = r.bytes(n_test, "test labels");
    d.train_pixels = r.bytes(std::size_t(n_train * plane), "train pixels");
    d.test_pixels = r.bytes(std::size_t(n_test * plane), "test pixels");
    for (auto* labels : {&d.train_labels, &d.test_labels})
        for (auto l : *labels)
            if (l >= n_classes) throw Error(source + ": label " + std::to_string(l) + " out of range");
    return d;
}

Dataset load_dataset(const std::string& path) {
    auto bytes = read_file(path);
    return parse_dataset(bytes.data(), bytes.size(), path);
}

const std::uint8_t* Dataset::pixels(Split s, std::size_t i) const {
    if (i >= size(s))
        throw Error("dataset: image index " + std::to_string(i) + " out of range (" + std::to_string(size(s)) +
                    " images)");
    const auto& px = s == Split::train ? train_pixels : test_pixels;
    return px.data() + i * rows * cols;
}

Tensor Dataset::gather(Split s, const std::vector<std::size_t>& indices) const {
    Tensor out = zeros({indices.size(), 1, rows, cols});  // (N, 1, H, W)
    const std::size_t plane = std::size_t(rows) * cols;
    float* o = out.data();
    for (std::size_t k = 0; k < indices.size(); ++k) {
        const std::uint8_t* p = pixels(s, indices[k]);
        for (std::size_t j = 0; j < plane; ++j) o[k * plane + j] = p[j] * (1.0f / 255.0f);
    }
    return out;
}

Tensor Dataset::batch(Split s, std::size_t first, std::size_t count) const {
    std::vector<std::size_t> idx(count);
    for (std::size_t k = 0; k < count; ++k) idx[k] = first + k;
    return gather(s, idx);
}

Tensor Dataset::image(Split s, std::size_t i) const {
    Tensor b = gather(s, {i});
    b.reshape({1, rows, cols});
    return b;
}

}  // namespace aelab
