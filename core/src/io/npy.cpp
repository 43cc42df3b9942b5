// .npy reading and writing. The header is a Python dict literal; we parse exactly the three
// keys NumPy writes ('descr', 'fortran_order', 'shape') and refuse anything else, so a hostile
// header cannot make us allocate or read beyond the file.
#include "aelab/npy.hpp"

#include <cstring>
#include <fstream>

#include "aelab/dataset.hpp"  // read_file
#include "aelab/limits.hpp"

namespace aelab {
namespace {

constexpr std::size_t kMaxHeader = 1 << 16;
constexpr std::size_t kMaxNpyElements = std::size_t(kMaxElements);  // limits.hpp

struct Header {
    char kind = 0;     // 'f', 'i', 'u'
    int item_size = 0; // bytes
    Shape shape;
    std::size_t count = 1;
    const std::uint8_t* data = nullptr;
};

[[noreturn]] void fail(const std::string& source, const std::string& what) {
    throw Error(source + ": not a usable .npy file: " + what);
}

std::size_t skip_space(const std::string& s, std::size_t i) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n')) ++i;
    return i;
}

// Parses "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }".
Header parse_header(const std::uint8_t* data, std::size_t size, const std::string& source) {
    static const std::uint8_t magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
    if (size < 10 || std::memcmp(data, magic, 6) != 0) fail(source, "bad magic (expected \\x93NUMPY)");
    const int major = data[6];
    std::size_t header_len = 0, offset = 0;
    if (major == 1) {
        header_len = data[8] | (data[9] << 8);
        offset = 10;
    } else if (major == 2 || major == 3) {
        if (size < 12) fail(source, "truncated header");
        header_len = data[8] | (data[9] << 8) | (data[10] << 16) | (std::size_t(data[11]) << 24);
        offset = 12;
    } else {
        fail(source, "unsupported format version " + std::to_string(major) + "." + std::to_string(data[7]));
    }
    if (header_len > kMaxHeader) fail(source, "absurd header length " + std::to_string(header_len));
    if (offset + header_len > size) fail(source, "truncated header");
    std::string h(reinterpret_cast<const char*>(data + offset), header_len);

    Header out;
    std::size_t nonzero = 1;  // product of the sizes other than 0
    bool have_descr = false, have_order = false, have_shape = false;
    std::size_t i = skip_space(h, 0);
    if (i >= h.size() || h[i] != '{') fail(source, "header is not a dict");
    ++i;
    while (true) {
        i = skip_space(h, i);
        if (i < h.size() && h[i] == '}') break;
        if (i >= h.size() || (h[i] != '\'' && h[i] != '"')) fail(source, "malformed header");
        char q = h[i];
        std::size_t end = h.find(q, i + 1);
        if (end == std::string::npos) fail(source, "malformed header");
        std::string key = h.substr(i + 1, end - i - 1);
        i = skip_space(h, end + 1);
        if (i >= h.size() || h[i] != ':') fail(source, "malformed header");
        i = skip_space(h, i + 1);
        if (key == "descr") {
            if (i >= h.size() || (h[i] != '\'' && h[i] != '"')) fail(source, "malformed descr");
            char q2 = h[i];
            std::size_t e = h.find(q2, i + 1);
            if (e == std::string::npos) fail(source, "malformed descr");
            std::string d = h.substr(i + 1, e - i - 1);
            i = e + 1;
            if (d.size() < 3 || (d[0] != '<' && d[0] != '|' && d[0] != '=') ||
                (d[1] != 'f' && d[1] != 'i' && d[1] != 'u'))
                fail(source, "unsupported dtype '" + printable(d) + "' (need little-endian float or integer)");
            out.kind = d[1];
            // The size is the rest: one or two digits ('<f4', not '<f4junk').
            const std::string digits = d.substr(2);
            if (digits.size() > 2 || digits.find_first_not_of("0123456789") != std::string::npos)
                fail(source, "unsupported dtype '" + printable(d) + "'");
            out.item_size = std::atoi(digits.c_str());
            bool ok = (out.kind == 'f' && (out.item_size == 4 || out.item_size == 8)) ||
                      (out.kind != 'f' && (out.item_size == 1 || out.item_size == 2 || out.item_size == 4 ||
                                           out.item_size == 8));
            if (!ok || (d[0] == '|' && out.item_size != 1)) fail(source, "unsupported dtype '" + printable(d) + "'");
            have_descr = true;
        } else if (key == "fortran_order") {
            if (h.compare(i, 5, "False") == 0) {
                i += 5;
            } else if (h.compare(i, 4, "True") == 0) {
                fail(source, "Fortran-ordered arrays are not supported (save with np.ascontiguousarray)");
            } else {
                fail(source, "malformed fortran_order");
            }
            have_order = true;
        } else if (key == "shape") {
            if (i >= h.size() || h[i] != '(') fail(source, "malformed shape");
            ++i;
            while (true) {
                i = skip_space(h, i);
                if (i < h.size() && h[i] == ')') {
                    ++i;
                    break;
                }
                std::size_t start = i;
                while (i < h.size() && h[i] >= '0' && h[i] <= '9') ++i;
                if (i == start || i - start > 12) fail(source, "malformed shape");
                // 64-bit before the limit check (size_t is 32 bits in wasm: 4294967297 must not become 1)
                const unsigned long long value = std::stoull(h.substr(start, i - start));  // <= 12 digits
                if (value > kMaxNpyElements)
                    fail(source, "absurd shape: an axis of size " + std::to_string(value) + " holds more than " +
                                     std::to_string(kMaxNpyElements) + " elements (the limit)");
                const std::size_t dim = std::size_t(value);
                out.shape.push_back(dim);
                if (out.shape.size() > 8) fail(source, "more than 8 dimensions");
                // The sizes other than 0 must multiply to at most the limit too, so an empty
                // array cannot carry sizes like (0, 10**12, 10**12) into the tensor's strides.
                if (dim != 0 && nonzero > kMaxNpyElements / dim)
                    fail(source, "absurd shape " + shape_str(out.shape) + (out.shape.size() < 8 ? "..." : "") +
                                     ": holds more than " + std::to_string(kMaxNpyElements) + " elements (the limit)");
                if (dim != 0) nonzero *= dim;
                out.count *= dim;
                i = skip_space(h, i);
                if (i < h.size() && h[i] == ',') ++i;
            }
            have_shape = true;
        } else {
            fail(source, "unexpected header key '" + printable(key) + "'");
        }
        i = skip_space(h, i);
        if (i < h.size() && h[i] == ',') ++i;
    }
    if (!have_descr || !have_order || !have_shape) fail(source, "header lacks descr, fortran_order or shape");
    if (out.count > kMaxNpyElements) fail(source, "absurd shape: holds more than the limit of elements");
    // In 64 bits: count * item_size passes 32 bits in wasm.
    const std::uint64_t need = std::uint64_t(out.count) * std::uint64_t(out.item_size);
    const std::uint64_t have = size - offset - header_len;
    if (have < need)
        fail(source, "truncated data (" + std::to_string(need) + " bytes needed for shape " + shape_str(out.shape) +
                         ", " + std::to_string(have) + " present)");
    if (have > need) fail(source, std::to_string(have - need) + " unexpected bytes after the data");
    out.data = data + offset + header_len;
    return out;
}

template <class T, class Out>
void convert(const Header& h, Out* out) {
    for (std::size_t k = 0; k < h.count; ++k) {
        T v;
        std::memcpy(&v, h.data + k * sizeof(T), sizeof(T));
        out[k] = static_cast<Out>(v);
    }
}

template <class Out>
void convert_any(const Header& h, Out* out) {
    if (h.kind == 'f') {
        if (h.item_size == 4) convert<float>(h, out);
        else convert<double>(h, out);
    } else if (h.kind == 'i') {
        switch (h.item_size) {
            case 1: convert<std::int8_t>(h, out); break;
            case 2: convert<std::int16_t>(h, out); break;
            case 4: convert<std::int32_t>(h, out); break;
            default: convert<std::int64_t>(h, out); break;
        }
    } else {
        switch (h.item_size) {
            case 1: convert<std::uint8_t>(h, out); break;
            case 2: convert<std::uint16_t>(h, out); break;
            case 4: convert<std::uint32_t>(h, out); break;
            default: convert<std::uint64_t>(h, out); break;
        }
    }
}

std::vector<std::uint8_t> encode(const Shape& shape, const char* descr, const void* data, std::size_t bytes) {
    std::string dict = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (";
    for (std::size_t i = 0; i < shape.size(); ++i) dict += std::to_string(shape[i]) + (shape.size() == 1 || i + 1 < shape.size() ? "," : "") + (i + 1 < shape.size() ? " " : "");
    dict += "), }";
    // Pad with spaces so the data starts on a 64-byte boundary; the header ends with '\n'.
    std::size_t total = 10 + dict.size() + 1;
    dict.append((64 - total % 64) % 64, ' ');
    dict += '\n';
    std::vector<std::uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                                     static_cast<std::uint8_t>(dict.size() & 0xFF),
                                     static_cast<std::uint8_t>(dict.size() >> 8)};
    out.insert(out.end(), dict.begin(), dict.end());
    const auto* p = static_cast<const std::uint8_t*>(data);
    out.insert(out.end(), p, p + bytes);
    return out;
}

void write_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes) {
    std::ofstream f(path, std::ios::binary);
    if (!f) throw Error(path + ": cannot write file");
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!f) throw Error(path + ": write failed");
}

}  // namespace

Tensor parse_npy_float(const std::uint8_t* data, std::size_t size, const std::string& source) {
    Header h = parse_header(data, size, source);
    Tensor t = zeros(h.shape);
    convert_any(h, t.data());
    return t;
}

IndexTensor parse_npy_index(const std::uint8_t* data, std::size_t size, const std::string& source) {
    Header h = parse_header(data, size, source);
    if (h.kind == 'f') fail(source, "indices must be an integer array (got floating point)");
    IndexTensor t = IndexTensor::from_shape(h.shape);
    convert_any(h, t.data());
    return t;
}

Tensor load_npy(const std::string& path) {
    auto bytes = read_file(path);
    return parse_npy_float(bytes.data(), bytes.size(), path);
}

IndexTensor load_npy_index(const std::string& path) {
    auto bytes = read_file(path);
    return parse_npy_index(bytes.data(), bytes.size(), path);
}

std::vector<std::uint8_t> npy_bytes(const Tensor& t) {
    return encode(Shape(t.shape().begin(), t.shape().end()), "<f4", t.data(), t.size() * sizeof(float));
}

std::vector<std::uint8_t> npy_bytes(const IndexTensor& t) {
    return encode(Shape(t.shape().begin(), t.shape().end()), "<i8", t.data(), t.size() * sizeof(std::int64_t));
}

void save_npy(const std::string& path, const Tensor& t) { write_bytes(path, npy_bytes(t)); }
void save_npy(const std::string& path, const IndexTensor& t) { write_bytes(path, npy_bytes(t)); }

}  // namespace aelab
