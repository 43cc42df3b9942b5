// The manifold-picture recipe (see recipe_manifold.hpp).
// Legend: N batch, I inputs (2: the plane), H code units, M grid points.
#include "aelab/recipe_manifold.hpp"

#include <cmath>
#include <string>

#include "aelab/error.hpp"
#include "aelab/layers.hpp"
#include "aelab/loss.hpp"
#include "aelab/noise.hpp"

namespace aelab {

const char* manifold_kind_name(ManifoldKind k) {
    switch (k) {
        case ManifoldKind::plain: return "plain";
        case ManifoldKind::denoising: return "denoising";
        case ManifoldKind::contractive: return "contractive";
    }
    return "plain";
}

bool parse_manifold_kind(const std::string& name, ManifoldKind& out) {
    for (ManifoldKind k : kAllManifoldKinds)
        if (name == manifold_kind_name(k)) {
            out = k;
            return true;
        }
    return false;
}

//-----------------------------------------------------------------------------
// Field figures
//-----------------------------------------------------------------------------

namespace {

// The figures over the points m whose distance d[m] to the curve is in the band, with q[m] their
// nearest curve points (M, 2).
FieldStats band_stats(const float* points, const float* field, const float* nearest, const std::vector<float>& d,
                      float near_min, float near_max) {
    FieldStats st;
    double cos_sum = 0, len_sum = 0;
    for (std::size_t m = 0; m < d.size(); ++m) {
        if (!(d[m] >= near_min && d[m] <= near_max) || d[m] <= 0) continue;
        const double fx = field[2 * m], fy = field[2 * m + 1], len = std::hypot(fx, fy);
        const double ux = nearest[2 * m] - points[2 * m], uy = nearest[2 * m + 1] - points[2 * m + 1];
        cos_sum += len > 0 ? (fx * ux + fy * uy) / (len * d[m]) : 0.0;
        len_sum += len;
        ++st.count;
    }
    if (st.count > 0) {
        st.mean_cosine = cos_sum / st.count;
        st.mean_length = len_sum / st.count;
    }
    return st;
}

}  // namespace

FieldStats field_stats(const Tensor& points, const Tensor& field, const toy2d::Curve& curve, float near_min,
                       float near_max) {
    if (points.dimension() != 2 || points.shape()[1] != 2 || field.shape() != points.shape())
        throw Error("field_stats: expected points and field of the same (M, 2) shape, got " + shape_str(points.shape()) +
                    " and " + shape_str(field.shape()));
    const std::size_t M = points.shape()[0];
    std::vector<float> nearest(2 * M), d(M);
    for (std::size_t m = 0; m < M; ++m)
        d[m] = toy2d::nearest_on_curve(curve, points.data()[2 * m], points.data()[2 * m + 1], nearest[2 * m],
                                       nearest[2 * m + 1]);
    return band_stats(points.data(), field.data(), nearest.data(), d, near_min, near_max);
}

//-----------------------------------------------------------------------------
// One autoencoder
//-----------------------------------------------------------------------------
namespace {

// Independent streams from one seed: the initial weights use `seed` itself.
constexpr std::uint64_t kDataStream = 0x2545f4914f6cdd1dULL, kBatchStream = 0x9e3779b97f4a7c15ULL,
                        kNoiseStream = 0xc2b2ae3d27d4eb4fULL;

const ManifoldOptions& checked(const ManifoldOptions& o) {
    auto fail = [](const std::string& what) { throw Error("manifold recipe: " + what); };
    if (o.code < 3 || o.code > 4096) fail("the code needs 3..4096 units (overcomplete), got " + std::to_string(o.code));
    if (o.points < 2 || o.points > 100000) fail("points must be in [2, 100000], got " + std::to_string(o.points));
    if (o.batch_size < 1 || o.batch_size > o.points)
        fail("the batch size must be in [1, points = " + std::to_string(o.points) + "], got " + std::to_string(o.batch_size));
    if (!(o.data_noise >= 0) || !(o.data_noise <= 10)) fail("data_noise must be in [0, 10]");
    if (!(o.noise >= 0) || !(o.noise <= 10)) fail("the corruption noise must be in [0, 10], got " + std::to_string(o.noise));
    if (!(o.lambda >= 0) || !(o.lambda <= 1000)) fail("lambda must be in [0, 1000], got " + std::to_string(o.lambda));
    if (!(o.learning_rate > 0) || !std::isfinite(o.learning_rate))
        fail("the learning rate must be positive, got " + std::to_string(o.learning_rate));
    if (o.grid < 2 || o.grid > 256) fail("the grid must be 2..256 points a side, got " + std::to_string(o.grid));
    if (!(o.extent > 0) || !(o.extent <= 100)) fail("the extent must be in (0, 100]");
    if (!(o.near_min >= 0) || !(o.near_max > o.near_min) || !std::isfinite(o.near_max))
        fail("the band needs 0 <= near_min < near_max");
    return o;
}

Sequential manifold_network(int code, bool tied, std::uint64_t seed) {
    Sequential m({2});
    Linear& encoder = m.add<Linear>(2, code);
    m.add<Sigmoid>();
    if (tied)
        m.add<TiedLinear>(encoder, 0, true);
    else
        m.add<Linear>(code, 2);
    m.init(seed);
    return m;
}

}  // namespace

ManifoldAutoencoder::ManifoldAutoencoder(ManifoldKind kind, const ManifoldOptions& o)
    : kind_(kind), o_(checked(o)), model_(manifold_network(o.code, o.tied, o.seed)), opt_(AdamOptions{o.learning_rate}) {}

float ManifoldAutoencoder::loss_and_grad(const Tensor& input, const Tensor& target) {
    if (input.dimension() != 2 || input.shape()[1] != 2 || target.shape() != input.shape())
        throw Error("manifold autoencoder: expected input and target of the same (N, 2) shape, got " +
                    shape_str(input.shape()) + " and " + shape_str(target.shape()));
    model_.zero_grad();
    const Tensor h = model_.forward(input, 0, 2);  // (N, H)
    const Tensor y = model_.forward(h, 2, 3);      // (N, 2)
    last_reconstruction_ = mse_loss(y, target);
    Tensor d_y = zeros(shape_of(y));
    mse_loss_backward(d_y, y, target);
    Tensor d_h = model_.backward(d_y, 2, 3);  // the decoder's share of W, c; (N, H)
    last_penalty_ = 0;
    float loss = last_reconstruction_;
    if (kind_ == ManifoldKind::contractive) {
        const int N = int(input.shape()[0]), H = o_.code;
        const ParamBlock& w = model_.block("0.weight");
        last_penalty_ = contractive_penalty(h.data(), model_.params() + w.offset, N, H, 2);
        contractive_penalty_backward(d_h.data(), model_.grads() + w.offset, h.data(), model_.params() + w.offset, N,
                                          H, 2, o_.lambda);
        loss += o_.lambda * last_penalty_;
    }
    model_.backward_params(d_h, 0, 2);
    return loss;
}

float ManifoldAutoencoder::train_step(const Tensor& batch, Rng& noise_rng) {
    const Tensor input = kind_ == ManifoldKind::denoising ? gaussian_noise(batch, o_.noise, noise_rng) : batch;
    const float loss = loss_and_grad(input, batch);
    opt_.step(model_);
    return loss;
}

Tensor ManifoldAutoencoder::reconstruct(const Tensor& x) { return model_.forward(x); }

Tensor ManifoldAutoencoder::field(const Tensor& x) { return reconstruct(x) - x; }

double ManifoldAutoencoder::jacobian_fro2(const Tensor& x) {
    const Tensor h = model_.forward(x, 0, 2);
    const ParamBlock& w = model_.block("0.weight");
    return contractive_penalty(h.data(), model_.params() + w.offset, int(x.shape()[0]), o_.code, 2);
}

//-----------------------------------------------------------------------------
// The three side by side
//-----------------------------------------------------------------------------

ManifoldRecipe::ManifoldRecipe(const toy2d::Curve& curve, const ManifoldOptions& o)
    : curve_(curve),
      o_(checked(o)),
      batch_rng_(o.seed ^ kBatchStream),
      noise_rng_(o.seed ^ kNoiseStream) {
    Rng data_rng(o.seed ^ kDataStream);
    data_ = toy2d::sample_curve(curve_, std::size_t(o.points), o.data_noise, data_rng);  // checks the curve
    grid_ = toy2d::grid_points(o.grid, o.grid, -o.extent, o.extent, -o.extent, o.extent);
    const std::size_t M = grid_.shape()[0];
    nearest_ = zeros({M, 2});
    distance_.resize(M);
    for (std::size_t m = 0; m < M; ++m)
        distance_[m] = toy2d::nearest_on_curve(curve_, grid_.data()[2 * m], grid_.data()[2 * m + 1],
                                               nearest_.data()[2 * m], nearest_.data()[2 * m + 1]);
    nets_.reserve(kManifoldKinds);
    for (ManifoldKind k : kAllManifoldKinds) nets_.emplace_back(k, o_);
}

float ManifoldRecipe::train_step() {
    Tensor batch = zeros({std::size_t(o_.batch_size), 2});
    for (int n = 0; n < o_.batch_size; ++n) {
        const std::size_t i = batch_rng_.below(std::uint32_t(o_.points));
        batch.data()[2 * n] = data_.data()[2 * i];
        batch.data()[2 * n + 1] = data_.data()[2 * i + 1];
    }
    for (ManifoldKind k : kAllManifoldKinds) losses_[std::size_t(k)] = net(k).train_step(batch, noise_rng_);
    ++step_;
    return loss(ManifoldKind::denoising);
}

FieldStats ManifoldRecipe::stats_of(const Tensor& grid_field) const {
    if (grid_field.shape() != grid_.shape())
        throw Error("manifold recipe: a grid field must have shape " + shape_str(grid_.shape()) + ", got " +
                    shape_str(grid_field.shape()));
    return band_stats(grid_.data(), grid_field.data(), nearest_.data(), distance_, o_.near_min, o_.near_max);
}

FieldStats ManifoldRecipe::stats(ManifoldKind k) { return stats_of(field(k)); }

}  // namespace aelab
