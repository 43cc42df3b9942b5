// PNG / JPEG decoding (stb_image, the one implementation in the program) and the conversions
// of image_decode.hpp.
#include "aelab/image_decode.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>
#include <memory>

#include "aelab/limits.hpp"

#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STBI_NO_STDIO
#define STBI_NO_LINEAR
#define STBI_NO_HDR
#define STB_IMAGE_STATIC  // the functions stay inside this file
#define STB_IMAGE_IMPLEMENTATION
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#endif
#include <stb/stb_image.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

namespace aelab {

namespace {

bool is_png(const std::uint8_t* b, std::size_t n) {
    static const std::uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    return n >= 8 && std::memcmp(b, sig, 8) == 0;
}
bool is_jpeg(const std::uint8_t* b, std::size_t n) { return n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF; }

std::string quoted(const std::string& name) { return printable(name, 60); }

// stb_image's terse reasons ("outofdata", "bad zlib header") as words.
std::string reason_text() {
    const char* r = stbi_failure_reason();
    const std::string s = r ? r : "unknown";
    if (s == "outofdata" || s == "no SOI" || s == "expected marker" || s == "bad zlib header" ||
        s == "no IDAT" || s == "unexpected end" || s == "not enough pixels" || s == "bad huffman code")
        return s + " (the file is truncated or corrupt)";
    return s;
}

// A truncated JPEG decodes without complaint in stb_image (missing data reads as zeros), so the
// file must end its last scan: markers FF DA (start of scan) and FF D9 (end of image) cannot
// occur inside entropy-coded data (an FF there is followed by 00 or a restart marker), so the
// last FF DA must be followed by an FF D9.
bool jpeg_complete(const std::uint8_t* b, std::size_t n) {
    std::size_t last_sos = 0;
    for (std::size_t i = 0; i + 1 < n; ++i)
        if (b[i] == 0xFF && b[i + 1] == 0xDA) last_sos = i + 2;
    if (last_sos == 0) return false;
    for (std::size_t i = last_sos; i + 1 < n; ++i)
        if (b[i] == 0xFF && b[i + 1] == 0xD9) return true;
    return false;
}

void check_plane(const char* op, const Tensor& t) {
    if (t.dimension() != 2) check_rank(op, "image", t, 2, "(H, W)");
    if (t.shape()[0] == 0 || t.shape()[1] == 0) throw Error(std::string(op) + ": the image is empty, shape " + shape_str(t.shape()));
}

}  // namespace

ImageHeader read_image_header(const std::uint8_t* bytes, std::size_t size, const std::string& name) {
    ImageHeader h;
    if (!bytes || size == 0) throw Error(quoted(name) + ": the file is empty (0 bytes), not a PNG or JPEG image");
    if (static_cast<std::int64_t>(size) > kMaxImageBytes)
        throw Error(quoted(name) + ": the file is " + bytes_text(double(size)) + "; the limit is " +
                    bytes_text(double(kMaxImageBytes)));
    if (is_png(bytes, size)) h.format = "PNG";
    else if (is_jpeg(bytes, size)) h.format = "JPEG";
    else throw Error(quoted(name) + ": not a PNG or JPEG image (the file does not start with a PNG or JPEG signature)");
    // A PNG's IHDR is read here first: stb_image's own check refuses anything over 2^30 bytes
    // of pixels without saying how large the image claims to be.
    if (size >= 24 && std::memcmp(bytes + 12, "IHDR", 4) == 0 && std::strcmp(h.format, "PNG") == 0) {
        auto be32 = [&](std::size_t at) {
            return (std::uint32_t(bytes[at]) << 24) | (std::uint32_t(bytes[at + 1]) << 16) | (std::uint32_t(bytes[at + 2]) << 8) |
                   std::uint32_t(bytes[at + 3]);
        };
        const std::uint32_t pw = be32(16), ph = be32(20);
        if (pw > std::uint32_t(kMaxImageSide) || ph > std::uint32_t(kMaxImageSide))
            throw Error(quoted(name) + ": " + std::to_string(pw) + " x " + std::to_string(ph) + " pixels is too large; the limit is " +
                        std::to_string(kMaxImageSide) + " x " + std::to_string(kMaxImageSide) + " (scale the picture down first)");
    }
    int w = 0, hh = 0, c = 0;
    if (!stbi_info_from_memory(bytes, static_cast<int>(size), &w, &hh, &c)) {
        const char* r = stbi_failure_reason();
        if (r && std::strcmp(r, "too large") == 0)
            throw Error(quoted(name) + ": the " + h.format + " header declares an image over 16777216 pixels on a side; the limit is " +
                        std::to_string(kMaxImageSide) + " x " + std::to_string(kMaxImageSide));
        throw Error(quoted(name) + ": cannot read the " + h.format + " header: " + reason_text());
    }
    if (w <= 0 || hh <= 0) throw Error(quoted(name) + ": the " + std::string(h.format) + " header declares an empty image");
    if (w > kMaxImageSide || hh > kMaxImageSide)
        throw Error(quoted(name) + ": " + std::to_string(w) + " x " + std::to_string(hh) + " pixels is too large; the limit is " +
                    std::to_string(kMaxImageSide) + " x " + std::to_string(kMaxImageSide) + " (scale the picture down first)");
    h.width = w;
    h.height = hh;
    h.file_channels = c;
    return h;
}

DecodedImage decode_image(const std::uint8_t* bytes, std::size_t size, const std::string& name) {
    const ImageHeader h = read_image_header(bytes, size, name);
    if (std::strcmp(h.format, "JPEG") == 0 && !jpeg_complete(bytes, size))
        throw Error(quoted(name) + ": the JPEG file is truncated (its last scan has no end-of-image marker)");
    DecodedImage img;
    img.format = h.format;
    const int len = static_cast<int>(size);
    const bool sixteen = stbi_is_16_bit_from_memory(bytes, len) != 0;
    int w = 0, hh = 0, c = 0;
    struct Free {
        void operator()(void* p) const { stbi_image_free(p); }
    };
    std::unique_ptr<void, Free> pixels(sixteen ? static_cast<void*>(stbi_load_16_from_memory(bytes, len, &w, &hh, &c, 0))
                                               : static_cast<void*>(stbi_load_from_memory(bytes, len, &w, &hh, &c, 0)));
    if (!pixels) throw Error(quoted(name) + ": cannot decode the " + std::string(h.format) + " image: " + reason_text());
    if (w != h.width || hh != h.height || c < 1 || c > 4)
        throw Error(quoted(name) + ": the decoded image does not match its header");
    img.width = w;
    img.height = hh;
    img.file_channels = c;
    img.bits = sixteen ? 16 : 8;
    img.channels = c <= 2 ? 1 : 3;
    const bool alpha = c == 2 || c == 4;
    img.chw = uninitialized({std::size_t(img.channels), std::size_t(hh), std::size_t(w)});
    const std::size_t plane = std::size_t(w) * std::size_t(hh);
    const float scale = sixteen ? 1.0f / 65535.0f : 1.0f / 255.0f;
    const auto* p8 = static_cast<const std::uint8_t*>(pixels.get());
    const auto* p16 = static_cast<const std::uint16_t*>(pixels.get());
    float* out = img.chw.data();
    for (std::size_t i = 0; i < plane; ++i) {
        auto at = [&](int k) { return sixteen ? float(p16[i * std::size_t(c) + std::size_t(k)]) * scale
                                              : float(p8[i * std::size_t(c) + std::size_t(k)]) * scale; };
        const float a = alpha ? at(c - 1) : 1.0f;
        for (int ch = 0; ch < img.channels; ++ch) {
            const float v = at(ch);
            out[std::size_t(ch) * plane + i] = alpha ? a * v + (1.0f - a) : v;  // over white
        }
    }
    return img;
}

Tensor to_grayscale(const Tensor& chw) {
    if (chw.dimension() != 3) check_rank("to_grayscale", "image", chw, 3, "(C, H, W)");
    const std::size_t c = chw.shape()[0], h = chw.shape()[1], w = chw.shape()[2];
    if (c != 1 && c != 3) throw Error("to_grayscale: the image must have 1 or 3 channels, got shape " + shape_str(chw.shape()));
    Tensor out = uninitialized({h, w});
    const std::size_t n = h * w;
    const float* in = chw.data();
    for (std::size_t i = 0; i < n; ++i)
        out.data()[i] = c == 1 ? in[i] : 0.299f * in[i] + 0.587f * in[n + i] + 0.114f * in[2 * n + i];
    return out;
}

Tensor to_rgb(const Tensor& chw) {
    if (chw.dimension() != 3) check_rank("to_rgb", "image", chw, 3, "(C, H, W)");
    const std::size_t c = chw.shape()[0], h = chw.shape()[1], w = chw.shape()[2];
    if (c == 3) return chw;
    if (c != 1) throw Error("to_rgb: the image must have 1 or 3 channels, got shape " + shape_str(chw.shape()));
    Tensor out = uninitialized({3, h, w});
    for (std::size_t k = 0; k < 3; ++k) std::copy(chw.data(), chw.data() + h * w, out.data() + k * h * w);
    return out;
}

Tensor resize_area(const Tensor& image, int out_h, int out_w) {
    if (image.dimension() != 2 && image.dimension() != 3)
        throw Error("resize_area: the image must have shape (H, W) or (C, H, W), got " + shape_str(image.shape()));
    if (out_h < 1 || out_w < 1 || out_h > kMaxImageSide || out_w > kMaxImageSide)
        throw Error("resize_area: the output size must be 1.." + std::to_string(kMaxImageSide) + " on each side, got " +
                    std::to_string(out_h) + " x " + std::to_string(out_w));
    const bool planes = image.dimension() == 3;
    const std::size_t c = planes ? image.shape()[0] : 1;
    const std::int64_t h = std::int64_t(image.shape()[planes ? 1 : 0]), w = std::int64_t(image.shape()[planes ? 2 : 1]);
    if (h == 0 || w == 0) throw Error("resize_area: the image is empty, shape " + shape_str(image.shape()));
    check_work("resize_area", saturating_product({std::int64_t(c), h, w}));
    Shape shape = planes ? Shape{c, std::size_t(out_h), std::size_t(out_w)} : Shape{std::size_t(out_h), std::size_t(out_w)};
    Tensor out = uninitialized(shape);
    for (std::size_t k = 0; k < c; ++k) {
        const float* in = image.data() + k * std::size_t(h * w);
        float* o = out.data() + k * std::size_t(out_h) * std::size_t(out_w);
        for (std::int64_t i = 0; i < out_h; ++i) {
            const std::int64_t r0 = i * h / out_h, r1 = ((i + 1) * h + out_h - 1) / out_h;
            for (std::int64_t j = 0; j < out_w; ++j) {
                const std::int64_t c0 = j * w / out_w, c1 = ((j + 1) * w + out_w - 1) / out_w;
                double sum = 0;
                for (std::int64_t r = r0; r < r1; ++r)
                    for (std::int64_t q = c0; q < c1; ++q) sum += in[r * w + q];
                o[i * out_w + j] = static_cast<float>(sum / double((r1 - r0) * (c1 - c0)));
            }
        }
    }
    return out;
}

Tensor make_square(const Tensor& hw, SquareMode mode, float fill) {
    check_plane("make_square", hw);
    const std::size_t h = hw.shape()[0], w = hw.shape()[1];
    if (mode == SquareMode::crop) {
        const std::size_t s = std::min(h, w), r0 = (h - s) / 2, c0 = (w - s) / 2;
        Tensor out = uninitialized({s, s});
        for (std::size_t r = 0; r < s; ++r)
            std::copy(hw.data() + (r0 + r) * w + c0, hw.data() + (r0 + r) * w + c0 + s, out.data() + r * s);
        return out;
    }
    const std::size_t s = std::max(h, w), r0 = (s - h) / 2, c0 = (s - w) / 2;
    Tensor out = zeros({s, s});
    std::fill(out.data(), out.data() + s * s, fill);
    for (std::size_t r = 0; r < h; ++r) std::copy(hw.data() + r * w, hw.data() + (r + 1) * w, out.data() + (r0 + r) * s + c0);
    return out;
}

float border_mean(const Tensor& hw) {
    check_plane("border_mean", hw);
    const std::size_t h = hw.shape()[0], w = hw.shape()[1];
    double sum = 0;
    std::size_t n = 0;
    for (std::size_t r = 0; r < h; ++r)
        for (std::size_t c = 0; c < w; ++c)
            if (r == 0 || c == 0 || r + 1 == h || c + 1 == w) {
                sum += hw.data()[r * w + c];
                ++n;
            }
    return static_cast<float>(sum / double(n));
}

FashionSteps fashion_preprocess(const Tensor& chw, const FashionOptions& options) {
    if (options.size < 1 || options.size > 256)
        throw Error("fashion_preprocess: the output size must be 1..256, got " + std::to_string(options.size));
    FashionSteps s;
    s.gray = to_grayscale(chw);
    s.background = border_mean(s.gray);
    s.square = make_square(s.gray, options.square, s.background);
    s.resized = resize_area(s.square, options.size, options.size);
    s.inverted = options.invert == InvertMode::always || (options.invert == InvertMode::automatic && s.background > 0.5f);
    s.final = s.resized;
    if (s.inverted)
        for (float& v : s.final) v = 1.0f - v;
    return s;
}

}  // namespace aelab
