// aelab core: point sets on the plane for the 2-D lessons (the manifold picture of regularised
// autoencoders, GANs on the plane). Each shape is a curve (or a set of modes) in about
// [-2, 2] x [-2, 2]; samples are points spread uniformly along the curve (by arc length) plus
// isotropic Gaussian noise, drawn from aelab::Rng so a seed gives the same points natively and in
// the browser. A student-drawn curve is a polyline handled the same way.
//   circle             radius 1.5 around the origin (closed)
//   spiral             r = 0.35 + 0.25 t for t in [0, 6.5] rad (one and a bit turns, open)
//   two-moons          two interleaved half circles of radius 1 (two open pieces)
//   ring               eight Gaussian modes on a circle of radius 2 (the usual GAN test)
//   line               the segment from (-1.8, -1.2) to (1.8, 1.2)
//   two-clusters       two Gaussian modes at (-1, -1) and (1.2, 0.8)
// For mode presets (ring, two-clusters), `noise` is each mode's standard deviation.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "aelab/rng.hpp"
#include "aelab/tensor.hpp"

namespace aelab::toy2d {

enum class Preset { circle, spiral, two_moons, ring, line, two_clusters };
constexpr int kPresetCount = 6;
const char* preset_name(Preset s);  // "circle", "spiral", "two-moons", "ring", "line", "two-clusters"
bool parse_preset(const std::string& name, Preset& out);

// A curve as polylines ("pieces"; two-moons has two), each a flat x0,y0,x1,y1,... list.
struct Curve {
    std::vector<std::vector<float>> pieces;
    std::vector<bool> closed;  // one per piece
};
// The noiseless curve of a curve preset with about `points` vertices in all; for a mode preset,
// one one-vertex piece per mode (its centre).
Curve preset_curve(Preset s, int points = 256);
bool is_mode_preset(Preset s);
std::vector<float> mode_centres(Preset s);  // x,y per mode; empty for curve presets

// (n, 2) samples of a shape with noise standard deviation `noise` (>= 0, finite).
Tensor sample(Preset s, std::size_t n, float noise, Rng& rng);
// (n, 2) samples spread along a curve (pieces weighted by length) plus noise. A curve of zero
// total length (a single click) gives points around its first vertex. Throws aelab::Error on an
// empty curve, an odd or non-finite coordinate list, or n above 1,000,000.
Tensor sample_curve(const Curve& c, std::size_t n, float noise, Rng& rng);

// The point of the curve nearest to (x, y) (qx, qy) and its distance.
float nearest_on_curve(const Curve& c, float x, float y, float& qx, float& qy);

// Cell centres of a rows x cols grid over [xmin, xmax] x [ymin, ymax], row 0 at the top (ymax):
// a (rows*cols, 2) tensor, row-major, for fields drawn behind points.
Tensor grid_points(int rows, int cols, float xmin, float xmax, float ymin, float ymax);

}  // namespace aelab::toy2d
