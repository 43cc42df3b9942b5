// aelab core: point sets on the plane (see toy2d.hpp).
#include "aelab/toy2d.hpp"

#include <cmath>

#include "aelab/error.hpp"

namespace aelab::toy2d {
namespace {

constexpr float kPi = 3.14159265358979f;
constexpr std::size_t kMaxSamples = 1000000;

const char* const kNames[kPresetCount] = {"circle", "spiral", "two-moons", "ring", "line", "two-clusters"};

std::vector<float> arc(float cx, float cy, float r, float a0, float a1, int points) {
    std::vector<float> xy;
    for (int i = 0; i < points; ++i) {
        const float a = a0 + (a1 - a0) * float(i) / float(points - 1);
        xy.push_back(cx + r * std::cos(a));
        xy.push_back(cy + r * std::sin(a));
    }
    return xy;
}

float segment_length(const float* p, const float* q) { return std::hypot(q[0] - p[0], q[1] - p[1]); }

// Segments of a piece, closing it when asked: (start vertex, end vertex) index pairs.
std::size_t segment_count(const std::vector<float>& piece, bool closed) {
    const std::size_t v = piece.size() / 2;
    if (v < 2) return 0;
    return closed ? v : v - 1;
}
const float* vertex(const std::vector<float>& piece, std::size_t i) { return &piece[2 * (i % (piece.size() / 2))]; }

void check_curve(const Curve& c) {
    std::size_t vertices = 0;
    if (c.closed.size() != c.pieces.size()) throw Error("toy2d: a curve needs one closed flag per piece");
    for (const auto& p : c.pieces) {
        if (p.size() % 2 != 0)
            throw Error("toy2d: a curve piece needs x,y pairs, got " + std::to_string(p.size()) + " coordinates");
        for (float v : p)
            if (!std::isfinite(v)) throw Error("toy2d: a curve coordinate is not finite");
        vertices += p.size() / 2;
    }
    if (vertices == 0) throw Error("toy2d: the curve has no points");
}

}  // namespace

const char* preset_name(Preset s) { return kNames[int(s)]; }

bool parse_preset(const std::string& name, Preset& out) {
    for (int i = 0; i < kPresetCount; ++i)
        if (name == kNames[i]) {
            out = Preset(i);
            return true;
        }
    return false;
}

bool is_mode_preset(Preset s) { return s == Preset::ring || s == Preset::two_clusters; }

std::vector<float> mode_centres(Preset s) {
    std::vector<float> c;
    if (s == Preset::ring)
        for (int k = 0; k < 8; ++k) c.push_back(2.0f * std::cos(2 * kPi * k / 8)), c.push_back(2.0f * std::sin(2 * kPi * k / 8));
    if (s == Preset::two_clusters) c = {-1.0f, -1.0f, 1.2f, 0.8f};
    return c;
}

Curve preset_curve(Preset s, int points) {
    points = points < 8 ? 8 : points;
    Curve c;
    switch (s) {
        case Preset::circle:
            c.pieces.push_back(arc(0, 0, 1.5f, 0, 2 * kPi * (1 - 1.0f / points), points));
            c.closed.push_back(true);
            break;
        case Preset::spiral: {
            std::vector<float> xy;
            for (int i = 0; i < points; ++i) {
                const float t = 6.5f * float(i) / float(points - 1), r = 0.35f + 0.25f * t;
                xy.push_back(r * std::cos(t));
                xy.push_back(r * std::sin(t));
            }
            c.pieces.push_back(xy);
            c.closed.push_back(false);
            break;
        }
        case Preset::two_moons:
            // Upper moon centred at (-0.5, -0.25), lower one at (0.5, 0.25): they interleave.
            c.pieces.push_back(arc(-0.5f, -0.25f, 1.0f, 0, kPi, points / 2));
            c.pieces.push_back(arc(0.5f, 0.25f, 1.0f, kPi, 2 * kPi, points / 2));
            c.closed = {false, false};
            break;
        case Preset::line:
            c.pieces.push_back({-1.8f, -1.2f, 1.8f, 1.2f});
            c.closed.push_back(false);
            break;
        case Preset::ring:
        case Preset::two_clusters: {
            const std::vector<float> m = mode_centres(s);
            for (std::size_t i = 0; i < m.size(); i += 2) {
                c.pieces.push_back({m[i], m[i + 1]});
                c.closed.push_back(false);
            }
            break;
        }
    }
    return c;
}

Tensor sample_curve(const Curve& c, std::size_t n, float noise, Rng& rng) {
    check_curve(c);
    if (n > kMaxSamples)
        throw Error("toy2d: " + std::to_string(n) + " samples asked, at most " + std::to_string(kMaxSamples));
    if (!(noise >= 0) || !std::isfinite(noise)) throw Error("toy2d: the noise level must be finite and >= 0");
    // Cumulative lengths over every segment of every piece.
    struct Seg {
        const float *p, *q;
        float end;  // cumulative length at its end
    };
    std::vector<Seg> segs;
    float total = 0;
    for (std::size_t k = 0; k < c.pieces.size(); ++k)
        for (std::size_t i = 0; i < segment_count(c.pieces[k], c.closed[k]); ++i) {
            const float* p = vertex(c.pieces[k], i);
            const float* q = vertex(c.pieces[k], i + 1);
            total += segment_length(p, q);
            segs.push_back({p, q, total});
        }
    Tensor out = zeros({n, 2});
    float* o = out.data();
    for (std::size_t i = 0; i < n; ++i) {
        float x, y;
        if (total > 0) {
            const float at = rng.uniform() * total;
            std::size_t lo = 0, hi = segs.size() - 1;  // first segment whose end >= at
            while (lo < hi) {
                const std::size_t mid = (lo + hi) / 2;
                if (segs[mid].end >= at) hi = mid; else lo = mid + 1;
            }
            const Seg& s = segs[lo];
            const float len = segment_length(s.p, s.q), t = len > 0 ? 1 - (s.end - at) / len : 0;
            x = s.p[0] + t * (s.q[0] - s.p[0]);
            y = s.p[1] + t * (s.q[1] - s.p[1]);
        } else {
            // Single vertices (modes, or a click): pick one uniformly.
            std::size_t count = 0;
            for (const auto& p : c.pieces) count += p.size() / 2;
            std::size_t pick = rng.below(std::uint32_t(count));
            const float* v = nullptr;
            for (const auto& p : c.pieces) {
                if (pick < p.size() / 2) { v = &p[2 * pick]; break; }
                pick -= p.size() / 2;
            }
            x = v[0], y = v[1];
        }
        o[2 * i] = x + noise * rng.normal();
        o[2 * i + 1] = y + noise * rng.normal();
    }
    return out;
}

Tensor sample(Preset s, std::size_t n, float noise, Rng& rng) { return sample_curve(preset_curve(s), n, noise, rng); }

float nearest_on_curve(const Curve& c, float x, float y, float& qx, float& qy) {
    check_curve(c);
    float best = INFINITY;
    auto consider = [&](float px, float py) {
        const float d = std::hypot(px - x, py - y);
        if (d < best) best = d, qx = px, qy = py;
    };
    for (std::size_t k = 0; k < c.pieces.size(); ++k) {
        const auto& piece = c.pieces[k];
        if (piece.size() == 2) consider(piece[0], piece[1]);
        for (std::size_t i = 0; i < segment_count(piece, c.closed[k]); ++i) {
            const float* p = vertex(piece, i);
            const float* q = vertex(piece, i + 1);
            const float dx = q[0] - p[0], dy = q[1] - p[1], l2 = dx * dx + dy * dy;
            float t = l2 > 0 ? ((x - p[0]) * dx + (y - p[1]) * dy) / l2 : 0;
            t = t < 0 ? 0 : t > 1 ? 1 : t;
            consider(p[0] + t * dx, p[1] + t * dy);
        }
    }
    return best;
}

Tensor grid_points(int rows, int cols, float xmin, float xmax, float ymin, float ymax) {
    if (rows < 1 || cols < 1 || rows > 1024 || cols > 1024)
        throw Error("toy2d: grid_points needs 1..1024 rows and columns, got " + std::to_string(rows) + " x " +
                    std::to_string(cols));
    Tensor g = zeros({std::size_t(rows) * std::size_t(cols), 2});
    float* o = g.data();
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c, o += 2) {
            o[0] = xmin + (xmax - xmin) * (c + 0.5f) / cols;
            o[1] = ymax - (ymax - ymin) * (r + 0.5f) / rows;
        }
    return g;
}

}  // namespace aelab::toy2d
