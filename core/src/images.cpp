#include "aelab/images.hpp"

#include <algorithm>
#include <cmath>

namespace aelab {

const char* pattern_name(Pattern p) {
    switch (p) {
        case Pattern::checkerboard: return "checkerboard";
        case Pattern::gradient: return "gradient";
        case Pattern::ring: return "ring";
        case Pattern::stripes: return "diagonal stripes";
        case Pattern::signed_wave: return "signed wave";
    }
    return "?";
}

Tensor make_pattern(Pattern p, std::size_t h, std::size_t w) {
    if (h == 0 || w == 0) throw Error("make_pattern: size must be positive, got " + shape_str(Shape{h, w}));
    Tensor t = zeros({h, w});  // (H, W)
    const float cy = (h - 1) * 0.5f, cx = (w - 1) * 0.5f;
    const float radius = 0.35f * std::min(h, w);
    for (std::size_t i = 0; i < h; ++i)
        for (std::size_t j = 0; j < w; ++j) {
            float v = 0;
            switch (p) {
                case Pattern::checkerboard: v = float(((i / 2) + (j / 2)) % 2); break;
                case Pattern::gradient: v = w > 1 ? float(j) / float(w - 1) : 0.0f; break;
                case Pattern::ring: {
                    float d = std::hypot(float(i) - cy, float(j) - cx);
                    v = std::fabs(d - radius) < 1.0f ? 1.0f : 0.0f;
                    break;
                }
                case Pattern::stripes: v = float((i + j) % 4 < 2); break;
                case Pattern::signed_wave:
                    v = std::sin(6.2831853f * float(j) / float(w)) * std::cos(3.1415927f * float(i) / float(h));
                    v = std::round(v * 100.0f) / 100.0f;
                    break;
            }
            t(i, j) = v;
        }
    return t;
}

Tensor make_rgb_picture(std::size_t h, std::size_t w) {
    if (h < 8 || w < 8) throw Error("make_rgb_picture: size must be at least 8x8, got " + shape_str(Shape{h, w}));
    Tensor img = zeros({3, h, w});  // (C=3, H, W)
    auto put = [&](std::size_t i, std::size_t j, float r, float g, float b) {
        img(0, i, j) = r;
        img(1, i, j) = g;
        img(2, i, j) = b;
    };
    const float H = float(h), W = float(w);
    for (std::size_t i = 0; i < h; ++i)
        for (std::size_t j = 0; j < w; ++j) {
            float y = float(i) / H, x = float(j) / W;
            // Sky: light blue at the top fading to white at the horizon.
            float t = std::min(1.0f, y / 0.6f);
            float r = 0.35f + 0.6f * t, g = 0.6f + 0.35f * t, b = 1.0f;
            // Sun: yellow disc, top right.
            if (std::hypot(x - 0.8f, y - 0.18f) < 0.1f) r = 1.0f, g = 0.85f, b = 0.1f;
            // Hills: green, a gentle wave.
            float hill = 0.62f + 0.06f * std::sin(x * 6.2831853f * 1.3f);
            if (y > hill) r = 0.15f, g = 0.55f + 0.2f * (1.0f - y), b = 0.15f;
            // House: white walls, red roof, blue door.
            if (x > 0.18f && x < 0.48f && y > 0.55f && y < 0.85f) r = g = b = 0.95f;
            if (y > 0.38f && y <= 0.55f && std::fabs(x - 0.33f) < (y - 0.38f) * 1.1f) r = 0.85f, g = 0.1f, b = 0.1f;
            if (x > 0.29f && x < 0.37f && y > 0.68f && y < 0.85f) r = 0.1f, g = 0.2f, b = 0.8f;
            put(i, j, r, g, b);
        }
    // Quantise to 8-bit levels so the values students read (x 255) are whole numbers.
    for (float& v : img) v = std::round(v * 255.0f) / 255.0f;
    return img;
}

}  // namespace aelab
