// The recipes of "What autoencoders are for" (see recipe_applications.hpp).
#include "aelab/recipe_applications.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include <xtensor/xview.hpp>

#include "aelab/gemm.hpp"
#include "aelab/loss.hpp"

namespace aelab {
namespace {

// Independent streams from one seed: the initial weights use `seed` itself.
constexpr std::uint64_t kBatchStream = 0x9e3779b97f4a7c15ULL;
constexpr std::size_t kChunk = 500;  // images per forward pass in evaluations

void require_matrix(const Tensor& t, const char* op, const char* name) {
    if (t.dimension() != 2 || t.shape()[0] == 0 || t.shape()[1] == 0)
        throw Error(std::string(op) + ": " + name + " must be a non-empty (rows, features) matrix, got shape " +
                    shape_str(t.shape()));
}

void require_same_width(const Tensor& A, const Tensor& B, const char* op) {
    require_matrix(A, op, "A");
    require_matrix(B, op, "B");
    if (A.shape()[1] != B.shape()[1])
        throw Error(std::string(op) + ": A " + shape_str(A.shape()) + " and B " + shape_str(B.shape()) +
                    " must have the same number of columns");
}

// x (N, ...) -> (N, prod(...)) as a contiguous copy.
Tensor rows_of(const Tensor& x) {
    Tensor r = x;
    const std::size_t n = x.shape()[0];
    r.reshape({n, x.size() / n});
    return r;
}

// f applied to [first, first + count) of x in chunks of kChunk rows, results stacked.
template <class F>
Tensor chunked(const Tensor& x, F f) {
    const std::size_t n = x.shape()[0];
    Tensor out;
    for (std::size_t first = 0; first < n; first += kChunk) {
        const std::size_t count = std::min(kChunk, n - first);
        const Tensor part = f(Tensor(xt::view(x, xt::range(first, first + count))));
        if (first == 0) {
            Shape s(part.shape().begin(), part.shape().end());
            s[0] = n;
            out = zeros(s);
        }
        std::copy(part.data(), part.data() + part.size(), out.data() + first * (part.size() / count));
    }
    return out;
}

}  // namespace

//-----------------------------------------------------------------------------------------------
// Metrics
//-----------------------------------------------------------------------------------------------

Tensor squared_distances(const Tensor& A, const Tensor& B) {
    require_same_width(A, B, "squared_distances");
    const std::size_t M = A.shape()[0], N = B.shape()[0], D = A.shape()[1];
    Tensor out = zeros({M, N});
    gemm(false, true, int(M), int(N), int(D), A.data(), int(D), B.data(), int(D), out.data(), int(N), false);
    std::vector<double> a2(M, 0.0), b2(N, 0.0);
    for (std::size_t i = 0; i < M; ++i)
        for (std::size_t d = 0; d < D; ++d) a2[i] += double(A.data()[i * D + d]) * A.data()[i * D + d];
    for (std::size_t j = 0; j < N; ++j)
        for (std::size_t d = 0; d < D; ++d) b2[j] += double(B.data()[j * D + d]) * B.data()[j * D + d];
    for (std::size_t i = 0; i < M; ++i)
        for (std::size_t j = 0; j < N; ++j) {
            float& v = out.data()[i * N + j];
            v = float(std::max(0.0, a2[i] + b2[j] - 2.0 * v));
        }
    return out;
}

Tensor hamming_distances(const Tensor& A, const Tensor& B) {
    require_same_width(A, B, "hamming_distances");
    for (const Tensor* t : {&A, &B})
        for (float v : *t)
            if (v != 0.0f && v != 1.0f)
                throw Error("hamming_distances: bits must be 0 or 1, got " + std::to_string(v));
    // For 0/1 vectors |a - b|^2 counts the differing bits; every term is a whole number below
    // 2^24, so the float GEMM is exact.
    Tensor d = squared_distances(A, B);
    for (float& v : d) v = std::round(v);
    return d;
}

Tensor binarize(const Tensor& codes, const std::vector<float>& thresholds) {
    require_matrix(codes, "binarize", "codes");
    const std::size_t N = codes.shape()[0], K = codes.shape()[1];
    if (thresholds.size() != K)
        throw Error("binarize: expected " + std::to_string(K) + " thresholds for codes " + shape_str(codes.shape()) +
                    ", got " + std::to_string(thresholds.size()));
    Tensor bits = zeros({N, K});
    for (std::size_t i = 0; i < N; ++i)
        for (std::size_t j = 0; j < K; ++j) bits.data()[i * K + j] = codes.data()[i * K + j] > thresholds[j] ? 1.0f : 0.0f;
    return bits;
}

std::vector<float> column_medians(const Tensor& codes) {
    require_matrix(codes, "column_medians", "codes");
    const std::size_t N = codes.shape()[0], K = codes.shape()[1];
    std::vector<float> out(K), column(N);
    for (std::size_t j = 0; j < K; ++j) {
        for (std::size_t i = 0; i < N; ++i) column[i] = codes.data()[i * K + j];
        std::sort(column.begin(), column.end());
        out[j] = N % 2 ? column[N / 2] : float(0.5 * (double(column[N / 2 - 1]) + column[N / 2]));
    }
    return out;
}

std::vector<double> precision_at_k(const Tensor& distances, const std::vector<int>& query_labels,
                                   const std::vector<int>& database_labels, int k_max) {
    require_matrix(distances, "precision_at_k", "distances");
    const std::size_t M = distances.shape()[0], N = distances.shape()[1];
    if (query_labels.size() != M || database_labels.size() != N)
        throw Error("precision_at_k: distances " + shape_str(distances.shape()) + " need " + std::to_string(M) +
                    " query labels and " + std::to_string(N) + " database labels, got " +
                    std::to_string(query_labels.size()) + " and " + std::to_string(database_labels.size()));
    if (k_max < 1 || std::size_t(k_max) > N)
        throw Error("precision_at_k: k_max must be in [1, " + std::to_string(N) + "], got " + std::to_string(k_max));
    std::vector<double> sum(std::size_t(k_max), 0.0);
    std::vector<std::size_t> order(N);
    for (std::size_t q = 0; q < M; ++q) {
        const float* d = distances.data() + q * N;
        // Everything at or below the k_max-th distance, sorted: ties beyond k_max matter too.
        std::iota(order.begin(), order.end(), std::size_t(0));
        auto closer = [d](std::size_t a, std::size_t b) { return d[a] < d[b]; };
        std::nth_element(order.begin(), order.begin() + (k_max - 1), order.end(), closer);
        const float kth = d[order[std::size_t(k_max) - 1]];
        const auto end = std::partition(order.begin(), order.end(), [d, kth](std::size_t i) { return d[i] <= kth; });
        std::sort(order.begin(), end, closer);
        // Walk groups of equal distance; a group straddling rank k contributes its same-class
        // fraction for each of its ranks up to k.
        std::size_t rank = 0;         // items in earlier groups
        double same_before = 0;       // same-class items in earlier groups
        for (auto g = order.begin(); g != end && rank < std::size_t(k_max);) {
            auto g_end = g;
            int same = 0;
            while (g_end != end && d[*g_end] == d[*g]) same += database_labels[*g_end++] == query_labels[q];
            const std::size_t size = std::size_t(g_end - g);
            const double fraction = double(same) / double(size);
            for (std::size_t k = rank + 1; k <= std::min(rank + size, std::size_t(k_max)); ++k)
                sum[k - 1] += (same_before + fraction * double(k - rank)) / double(k);
            same_before += same;
            rank += size;
            g = g_end;
        }
    }
    for (double& s : sum) s /= double(M);
    return sum;
}

std::vector<std::size_t> nearest(const Tensor& distances, std::size_t query, std::size_t n) {
    require_matrix(distances, "nearest", "distances");
    const std::size_t N = distances.shape()[1];
    if (query >= distances.shape()[0])
        throw Error("nearest: query " + std::to_string(query) + " out of range for distances " + shape_str(distances.shape()));
    n = std::min(n, N);
    const float* d = distances.data() + query * N;
    std::vector<std::size_t> order(N);
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::partial_sort(order.begin(), order.begin() + n, order.end(),
                      [d](std::size_t a, std::size_t b) { return d[a] < d[b] || (d[a] == d[b] && a < b); });
    order.resize(n);
    return order;
}

double knn_accuracy_loo(const Tensor& points, const std::vector<int>& labels, int k) {
    require_matrix(points, "knn_accuracy_loo", "points");
    const std::size_t N = points.shape()[0];
    if (labels.size() != N)
        throw Error("knn_accuracy_loo: " + std::to_string(N) + " points need as many labels, got " +
                    std::to_string(labels.size()));
    if (k < 1 || std::size_t(k) >= N)
        throw Error("knn_accuracy_loo: k must be in [1, " + std::to_string(N - 1) + "], got " + std::to_string(k));
    Tensor d = squared_distances(points, points);
    for (std::size_t i = 0; i < N; ++i) d.data()[i * N + i] = INFINITY;  // leave the point itself out
    int correct = 0;
    for (std::size_t i = 0; i < N; ++i) {
        const std::vector<std::size_t> nn = nearest(d, i, std::size_t(k));
        std::vector<int> votes;
        for (std::size_t j : nn) {
            if (labels[j] < 0) throw Error("knn_accuracy_loo: labels must be >= 0, got " + std::to_string(labels[j]));
            if (std::size_t(labels[j]) >= votes.size()) votes.resize(std::size_t(labels[j]) + 1, 0);
            ++votes[std::size_t(labels[j])];
        }
        const int best = *std::max_element(votes.begin(), votes.end());
        int predicted = -1;
        for (std::size_t j : nn)  // nearest first: the first neighbour of a class with the most votes
            if (votes[std::size_t(labels[j])] == best) {
                predicted = labels[j];
                break;
            }
        correct += predicted == labels[i];
    }
    return double(correct) / double(N);
}

Roc roc_curve(const std::vector<double>& scores, const std::vector<int>& positive) {
    if (scores.size() != positive.size())
        throw Error("roc_curve: " + std::to_string(scores.size()) + " scores but " + std::to_string(positive.size()) +
                    " labels");
    std::size_t P = 0;
    for (int p : positive) P += p != 0;
    const std::size_t Nn = scores.size() - P;
    if (P == 0 || Nn == 0) throw Error("roc_curve: needs at least one positive and one negative example");
    for (double s : scores)
        if (!std::isfinite(s)) throw Error("roc_curve: scores must be finite");
    std::vector<std::size_t> order(scores.size());
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
    Roc r;
    r.fpr.push_back(0);
    r.tpr.push_back(0);
    double tp = 0, fp = 0;
    for (std::size_t i = 0; i < order.size();) {
        std::size_t j = i;
        while (j < order.size() && scores[order[j]] == scores[order[i]]) (positive[order[j++]] ? tp : fp) += 1;
        r.fpr.push_back(fp / double(Nn));
        r.tpr.push_back(tp / double(P));
        // The trapezoid under a tied group's diagonal step is the Mann-Whitney half count.
        const std::size_t n = r.fpr.size();
        r.auc += (r.fpr[n - 1] - r.fpr[n - 2]) * 0.5 * (r.tpr[n - 1] + r.tpr[n - 2]);
        i = j;
    }
    return r;
}

void column_ranges(const Tensor& codes, std::vector<float>& lo, std::vector<float>& hi) {
    require_matrix(codes, "column_ranges", "codes");
    const std::size_t N = codes.shape()[0], K = codes.shape()[1];
    lo.assign(K, INFINITY);
    hi.assign(K, -INFINITY);
    for (std::size_t i = 0; i < N; ++i)
        for (std::size_t j = 0; j < K; ++j) {
            lo[j] = std::min(lo[j], codes.data()[i * K + j]);
            hi[j] = std::max(hi[j], codes.data()[i * K + j]);
        }
}

Tensor quantize(const Tensor& codes, const std::vector<float>& lo, const std::vector<float>& hi, int bits) {
    require_matrix(codes, "quantize", "codes");
    const std::size_t N = codes.shape()[0], K = codes.shape()[1];
    if (lo.size() != K || hi.size() != K)
        throw Error("quantize: codes " + shape_str(codes.shape()) + " need " + std::to_string(K) + " ranges, got " +
                    std::to_string(lo.size()) + " and " + std::to_string(hi.size()));
    if (bits < 1 || bits > 16) throw Error("quantize: bits must be in [1, 16], got " + std::to_string(bits));
    const double levels = double((1 << bits) - 1);
    Tensor out = zeros({N, K});
    for (std::size_t j = 0; j < K; ++j) {
        const double a = lo[j], width = double(hi[j]) - a;
        for (std::size_t i = 0; i < N; ++i) {
            if (!(width > 0)) {
                out.data()[i * K + j] = lo[j];
                continue;
            }
            const double t = std::clamp((double(codes.data()[i * K + j]) - a) / width, 0.0, 1.0);
            out.data()[i * K + j] = float(a + std::round(t * levels) / levels * width);
        }
    }
    return out;
}

//-----------------------------------------------------------------------------------------------
// CodeAeRecipe
//-----------------------------------------------------------------------------------------------

MlpAeSpec retrieval_spec() { return {"retrieval", {256}, 32, {256}}; }
MlpAeSpec visualisation_spec() { return {"2-D", {256, 64}, 2, {64, 256}}; }
MlpAeSpec anomaly_spec() { return {"anomaly", {128}, 16, {128}}; }

namespace {
const CodeAeOptions& checked(const CodeAeOptions& o, const Dataset& data) {
    if (data.rows != 28 || data.cols != 28)
        throw Error("autoencoder recipe: expects 28 x 28 images, the dataset has " + std::to_string(data.rows) + " x " +
                    std::to_string(data.cols));
    if (o.holdout < -1 || o.holdout >= 10)
        throw Error("autoencoder recipe: the held-out class must be in [0, 9] (or -1 for none), got " +
                    std::to_string(o.holdout));
    if (o.batch_size < 1 || std::size_t(o.batch_size) > data.size(Split::train) / 2)
        throw Error("autoencoder recipe: batch size must be in [1, " + std::to_string(data.size(Split::train) / 2) +
                    "], got " + std::to_string(o.batch_size));
    if (!(o.learning_rate > 0) || !std::isfinite(o.learning_rate))
        throw Error("autoencoder recipe: the learning rate must be positive, got " + std::to_string(o.learning_rate));
    return o;
}

std::vector<std::size_t> indices_without(const Dataset& data, int holdout) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < data.size(Split::train); ++i)
        if (int(data.train_labels[i]) != holdout) out.push_back(i);
    return out;
}
}  // namespace

CodeAeRecipe::CodeAeRecipe(const Dataset& data, const CodeAeOptions& o)
    : data_(data),
      o_(checked(o, data)),
      ae_(o.spec, o.seed),
      opt_(AdamOptions{o.learning_rate}),
      trainer_(ae_.net, opt_),
      train_indices_(indices_without(data, o.holdout)),
      sampler_(train_indices_.size(), std::size_t(o.batch_size), o.seed ^ kBatchStream) {}

float CodeAeRecipe::train_step() {
    std::vector<std::size_t> batch = sampler_.next();
    for (std::size_t& i : batch) i = train_indices_[i];
    ++step_;
    return trainer_.train_step(data_.gather(Split::train, batch));
}

Tensor CodeAeRecipe::encode(const Tensor& x) {
    return chunked(x, [this](const Tensor& part) { return ae_.encode(part); });
}

Tensor CodeAeRecipe::decode(const Tensor& codes) {
    require_matrix(codes, "autoencoder decode", "codes");
    if (codes.shape()[1] != std::size_t(o_.spec.code))
        throw Error("autoencoder decode: expected codes (N, " + std::to_string(o_.spec.code) + "), got " +
                    shape_str(codes.shape()));
    return chunked(codes, [this](const Tensor& part) { return ae_.net.forward(part, ae_.encoder_layers, ae_.net.size()); });
}

Tensor CodeAeRecipe::reconstruct(const Tensor& x) {
    return chunked(x, [this](const Tensor& part) { return ae_.reconstruct(part); });
}

std::vector<int> split_labels(const Dataset& data, Split s, std::size_t count) {
    const auto& l = data.labels(s);
    count = std::min(count, l.size());
    return std::vector<int>(l.begin(), l.begin() + std::ptrdiff_t(count));
}

//-----------------------------------------------------------------------------------------------
// Retrieval
//-----------------------------------------------------------------------------------------------

RetrievalFeatures retrieval_pixels(const Dataset& data, std::size_t query_count) {
    if (query_count < 1 || query_count > data.size(Split::test))
        throw Error("retrieval: the query count must be in [1, " + std::to_string(data.size(Split::test)) + "], got " +
                    std::to_string(query_count));
    RetrievalFeatures f;
    f.train_pixels = rows_of(data.batch(Split::train, 0, data.size(Split::train)));
    f.test_pixels = rows_of(data.batch(Split::test, 0, query_count));
    f.train_labels = split_labels(data, Split::train, data.size(Split::train));
    f.test_labels = split_labels(data, Split::test, query_count);
    return f;
}

void retrieval_codes(CodeAeRecipe& r, RetrievalFeatures& f) {
    auto images = [](const Tensor& rows) {
        Tensor x = rows;
        x.reshape({rows.shape()[0], 1, 28, 28});
        return x;
    };
    f.train_codes = r.encode(images(f.train_pixels));
    f.test_codes = r.encode(images(f.test_pixels));
    f.thresholds = column_medians(f.train_codes);
    f.train_bits = binarize(f.train_codes, f.thresholds);
    f.test_bits = binarize(f.test_codes, f.thresholds);
}

const char* retrieval_space_name(RetrievalSpace s) {
    switch (s) {
        case RetrievalSpace::pixels: return "pixels";
        case RetrievalSpace::codes: return "codes";
        case RetrievalSpace::bits: return "bits";
    }
    return "?";
}

Tensor retrieval_distances(RetrievalSpace s, const RetrievalFeatures& f, std::size_t first, std::size_t count) {
    const Tensor& queries = s == RetrievalSpace::pixels ? f.test_pixels : s == RetrievalSpace::codes ? f.test_codes : f.test_bits;
    const Tensor& database = s == RetrievalSpace::pixels ? f.train_pixels : s == RetrievalSpace::codes ? f.train_codes : f.train_bits;
    if (queries.dimension() != 2 || database.dimension() != 2)
        throw Error(std::string("retrieval: no ") + retrieval_space_name(s) + " yet (retrieval_codes makes them)");
    if (count < 1 || first + count > queries.shape()[0])
        throw Error("retrieval: queries [" + std::to_string(first) + ", " + std::to_string(first + count) +
                    ") out of range (" + std::to_string(queries.shape()[0]) + " queries)");
    const Tensor q = xt::view(queries, xt::range(first, first + count), xt::all());
    return s == RetrievalSpace::bits ? hamming_distances(q, database) : squared_distances(q, database);
}

std::vector<double> retrieval_precision(RetrievalSpace s, const RetrievalFeatures& f, std::size_t first,
                                        std::size_t count, int k_max) {
    std::vector<double> total(std::size_t(std::max(k_max, 0)), 0.0);
    for (std::size_t q = first; q < first + count; q += 100) {
        const std::size_t n = std::min<std::size_t>(100, first + count - q);
        if (q + n > f.test_labels.size()) throw Error("retrieval: queries out of range");
        const std::vector<int> labels(f.test_labels.begin() + std::ptrdiff_t(q), f.test_labels.begin() + std::ptrdiff_t(q + n));
        const std::vector<double> p = precision_at_k(retrieval_distances(s, f, q, n), labels, f.train_labels, k_max);
        for (std::size_t k = 0; k < p.size(); ++k) total[k] += p[k] * double(n);
    }
    for (double& t : total) t /= double(std::max<std::size_t>(count, 1));
    return total;
}

//-----------------------------------------------------------------------------------------------
// Visualisation
//-----------------------------------------------------------------------------------------------

PcaResult training_pca(const Dataset& data, std::size_t components) {
    return pca(rows_of(data.batch(Split::train, 0, data.size(Split::train))), components);
}

Tensor pca_2d(const PcaResult& p, const Dataset& data, std::size_t count) {
    if (p.components.shape()[0] < 2) throw Error("pca_2d: needs a PCA with at least 2 components");
    PcaResult first_two = p;
    first_two.components = xt::view(p.components, xt::range(0, 2), xt::all());
    return pca_encode(first_two, rows_of(data.batch(Split::test, 0, std::min(count, data.size(Split::test)))));
}

//-----------------------------------------------------------------------------------------------
// Anomalies
//-----------------------------------------------------------------------------------------------

namespace {
// Scores from images x (N, 1, 28, 28) and their reconstructions y; anomalies are `holdout`.
AnomalyEval score_reconstructions(const Tensor& x, const Tensor& y, const Dataset& data, int holdout) {
    const std::size_t count = x.shape()[0], per = x.size() / count;
    AnomalyEval e;
    double sum[2] = {0, 0};
    std::size_t n[2] = {0, 0};
    for (std::size_t i = 0; i < count; ++i) {
        double s = 0;
        for (std::size_t k = 0; k < per; ++k) {
            const double diff = double(y.data()[i * per + k]) - x.data()[i * per + k];
            s += diff * diff;
        }
        e.scores.push_back(s / double(per));
        e.anomaly.push_back(int(data.test_labels[i]) == holdout);
        sum[e.anomaly.back()] += e.scores.back();
        ++n[e.anomaly.back()];
    }
    e.roc = roc_curve(e.scores, e.anomaly);
    e.mean_normal = sum[0] / double(n[0]);
    e.mean_anomaly = sum[1] / double(n[1]);
    return e;
}
}  // namespace

AnomalyEval anomaly_eval(CodeAeRecipe& r, const Dataset& data, std::size_t count) {
    const int holdout = r.options().holdout;
    if (holdout < 0) throw Error("anomaly: the network must be trained with a held-out class");
    const Tensor x = data.batch(Split::test, 0, std::min(count, data.size(Split::test)));
    return score_reconstructions(x, r.reconstruct(x), data, holdout);
}

AnomalyEval pca_anomaly_eval(const Dataset& data, int holdout, std::size_t components, std::size_t count) {
    if (holdout < 0 || holdout >= 10) throw Error("anomaly: the held-out class must be in [0, 9], got " + std::to_string(holdout));
    const std::vector<std::size_t> seen = indices_without(data, holdout);
    const PcaResult p = pca(rows_of(data.gather(Split::train, seen)), components);
    const Tensor x = data.batch(Split::test, 0, std::min(count, data.size(Split::test)));
    Tensor y = pca_decode(p, pca_encode(p, rows_of(x)));
    y.reshape({x.shape()[0], 1, 28, 28});
    return score_reconstructions(x, y, data, holdout);
}

//-----------------------------------------------------------------------------------------------
// Inpainting
//-----------------------------------------------------------------------------------------------

Rect normalized(Rect r) {
    if (r.row0 > r.row1) std::swap(r.row0, r.row1);
    if (r.col0 > r.col1) std::swap(r.col0, r.col1);
    r.row0 = std::clamp(r.row0, 0, 28), r.row1 = std::clamp(r.row1, 0, 28);
    r.col0 = std::clamp(r.col0, 0, 28), r.col1 = std::clamp(r.col1, 0, 28);
    return r;
}

DenoisingRecipeOptions inpainting_options(float p) {
    DenoisingRecipeOptions o;
    o.corruption = Corruption::masking;
    o.level = p;
    o.steps = 2000;
    return o;
}

Inpainting inpaint(DenoisingRecipe& r, const Tensor& image, Rect hole, const std::vector<float>& mask) {
    if (image.size() != 784) throw Error("inpaint: expected a 28 x 28 image, got shape " + shape_str(image.shape()));
    if (!mask.empty() && mask.size() != 784)
        throw Error("inpaint: the mask must have 784 values, got " + std::to_string(mask.size()));
    hole = normalized(hole);
    Inpainting p;
    p.clean = Tensor(image);
    p.clean.reshape({1, 1, 28, 28});
    std::vector<bool> erased(784, false);
    for (int y = hole.row0; y < hole.row1; ++y)
        for (int x = hole.col0; x < hole.col1; ++x) erased[std::size_t(y * 28 + x)] = true;
    for (std::size_t i = 0; i < mask.size(); ++i) erased[i] = erased[i] || mask[i] < 0.5f;
    p.erased = p.clean;
    for (std::size_t i = 0; i < 784; ++i)
        if (erased[i]) p.erased.data()[i] = 0.0f, ++p.hole_pixels;
    p.denoiser = r.denoise(p.erased);
    p.plain = r.reconstruct_plain(p.erased);
    p.filled = p.erased;
    p.plain_filled = p.erased;
    double se[3] = {0, 0, 0};
    for (std::size_t i = 0; i < 784; ++i) {
        if (!erased[i]) continue;
        p.filled.data()[i] = p.denoiser.data()[i];
        p.plain_filled.data()[i] = p.plain.data()[i];
        const double c = p.clean.data()[i];
        se[0] += c * c;
        se[1] += (p.denoiser.data()[i] - c) * (p.denoiser.data()[i] - c);
        se[2] += (p.plain.data()[i] - c) * (p.plain.data()[i] - c);
    }
    if (p.hole_pixels > 0) {
        p.psnr_erased_db = psnr_from_mse(se[0] / p.hole_pixels);
        p.psnr_denoiser_db = psnr_from_mse(se[1] / p.hole_pixels);
        p.psnr_plain_db = psnr_from_mse(se[2] / p.hole_pixels);
    }
    return p;
}

//-----------------------------------------------------------------------------------------------
// Compression
//-----------------------------------------------------------------------------------------------

std::vector<RatePoint> ae_rate_curve(CodeAeRecipe& r, const RetrievalFeatures& f, const Dataset& data, std::size_t count) {
    count = std::min(count, data.size(Split::test));
    std::vector<float> lo, hi;
    column_ranges(f.train_codes, lo, hi);
    const Tensor x = data.batch(Split::test, 0, count);
    const Tensor codes = r.encode(x);
    const int K = int(codes.shape()[1]);
    std::vector<RatePoint> out;
    for (int b = 1; b <= kMaxQuantBits; ++b)
        out.push_back({K * b, K, b, psnr_db(r.decode(quantize(codes, lo, hi, b)), x)});
    return out;
}

std::vector<RatePoint> pca_rate_curve(const PcaResult& p, const Dataset& data, const std::vector<int>& budgets,
                                      std::size_t count) {
    count = std::min(count, data.size(Split::test));
    const Tensor train = pca_encode(p, rows_of(data.batch(Split::train, 0, data.size(Split::train))));
    std::vector<float> lo, hi;
    column_ranges(train, lo, hi);
    const Tensor x = rows_of(data.batch(Split::test, 0, count));
    const Tensor z = pca_encode(p, x);  // (count, C)
    const int C = int(z.shape()[1]);
    std::vector<RatePoint> out;
    for (int budget : budgets) {
        RatePoint best{budget, 0, 0, -INFINITY};
        for (int b = 1; b <= kMaxQuantBits; ++b) {
            const int m = std::min(C, budget / b);
            if (m < 1) continue;
            const Tensor zm = xt::view(z, xt::all(), xt::range(0, m));
            const std::vector<float> lo_m(lo.begin(), lo.begin() + m), hi_m(hi.begin(), hi.begin() + m);
            const double psnr = psnr_db(pca_decode(p, quantize(zm, lo_m, hi_m, b)), x);
            if (psnr > best.psnr_db) best = {budget, m, b, psnr};
        }
        out.push_back(best);
    }
    return out;
}

}  // namespace aelab
