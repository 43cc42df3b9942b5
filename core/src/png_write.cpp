// PNG encoding with stb_image_write (Debian's libstb-dev). The one translation unit of the
// project that holds stb_image_write's implementation; its functions are file-local (STATIC).
#include "aelab/png_write.hpp"

#include <string>

#include "aelab/error.hpp"

#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO  // memory only: files are written by the platform layer
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#endif
#include <stb/stb_image_write.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

namespace aelab {

namespace {
void append(void* context, void* data, int size) {
    auto* out = static_cast<std::vector<std::uint8_t>*>(context);
    const auto* bytes = static_cast<const std::uint8_t*>(data);
    if (size > 0) out->insert(out->end(), bytes, bytes + size);
}

void check(const std::uint8_t* pixels, std::int64_t width, std::int64_t height, int channels) {
    if (channels != 1 && channels != 3 && channels != 4)
        throw Error("encode_png: " + std::to_string(channels) + " channels per pixel; expected 1 (gray), 3 (RGB) or 4 (RGBA)");
    if (width < 1 || height < 1 || width > kMaxPngSide || height > kMaxPngSide)
        throw Error("encode_png: an image of " + std::to_string(width) + " x " + std::to_string(height) +
                    " pixels; each side must be from 1 to " + std::to_string(kMaxPngSide));
    if (width * height > kMaxPngPixels)
        throw Error("encode_png: " + std::to_string(width * height) + " pixels; the limit is " + std::to_string(kMaxPngPixels));
    if (!pixels) throw Error("encode_png: no pixel buffer");
}
}  // namespace

std::vector<std::uint8_t> encode_png(const std::uint8_t* pixels, std::int64_t width, std::int64_t height, int channels) {
    check(pixels, width, height, channels);
    std::vector<std::uint8_t> out;
    // Sides are at most 16384 and channels at most 4: the row stride fits an int.
    const int w = static_cast<int>(width), h = static_cast<int>(height);
    if (!stbi_write_png_to_func(append, &out, w, h, channels, pixels, w * channels) || out.empty())
        throw Error("encode_png: stb_image_write could not encode the " + std::to_string(width) + " x " +
                    std::to_string(height) + " image (out of memory?)");
    return out;
}

std::vector<std::uint8_t> encode_png(const std::vector<std::uint8_t>& pixels, std::int64_t width, std::int64_t height,
                                     int channels) {
    check(pixels.empty() ? nullptr : pixels.data(), width, height, channels);
    const std::int64_t need = width * height * channels;
    if (static_cast<std::int64_t>(pixels.size()) != need)
        throw Error("encode_png: " + std::to_string(pixels.size()) + " bytes for a " + std::to_string(width) + " x " +
                    std::to_string(height) + " image with " + std::to_string(channels) + " channels; expected " +
                    std::to_string(need));
    return encode_png(pixels.data(), width, height, channels);
}

}  // namespace aelab
