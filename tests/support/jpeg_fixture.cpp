// See jpeg_fixture.hpp: the one test translation unit holding stb_image_write's implementation.
#include "jpeg_fixture.hpp"

#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#endif
#include <stb/stb_image_write.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

namespace aelab_test {

namespace {
void append(void* ctx, void* data, int size) {
    auto* b = static_cast<std::vector<std::uint8_t>*>(ctx);
    const auto* p = static_cast<const std::uint8_t*>(data);
    b->insert(b->end(), p, p + size);
}
}  // namespace

std::vector<std::uint8_t> encode_jpeg(int w, int h, int comp, const std::vector<std::uint8_t>& pixels,
                                      int quality) {
    std::vector<std::uint8_t> out;
    if (pixels.size() < static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * static_cast<std::size_t>(comp))
        return {};
    if (stbi_write_jpg_to_func(append, &out, w, h, comp, pixels.data(), quality) == 0) return {};
    return out;
}

}  // namespace aelab_test
