// aelab core: the recipes of the "What autoencoders are for" lesson and of `aelab-cli train
// retrieval|anomaly`, so the page and the command train the same networks and report the same
// numbers. Every random draw comes from aelab::Rng seeded by the recipe's seed.
//
// Legend: N database (training) images, M query (test) images, D = 784 pixels, K code size,
// k neighbours, b bits per quantised code value.
//
//   Metrics (plain functions, tested on hand-made data)
//     squared_distances   ||a_i - b_j||^2 between the rows of A (M, D) and B (N, D)
//     hamming_distances   the number of differing bits between rows of 0/1 matrices
//     precision_at_k      the fraction of the k nearest database items of the query's class,
//                         averaged over queries, for k = 1 .. k_max; items tied with the k-th
//                         distance count in expectation (as if ties were broken at random), so
//                         coarse Hamming distances are not flattered or penalised by index order
//     knn_accuracy_loo    leave-one-out k-NN classification accuracy of labelled points
//     roc_curve           ROC of scores (higher: more anomalous) against 0/1 truth, with its AUC
//                         (the Mann-Whitney statistic: ties count one half)
//     quantize            uniform b-bit quantisation of each code column over [lo, hi]
//   CodeAeRecipe          one MLP autoencoder (recipe_autoencoder.hpp MlpAutoencoder) trained
//                         with Adam on MSE, on all training images or on all but one class
//   Evaluations           retrieval (pixels vs codes vs bits), the 2-D visualisation (AE vs PCA),
//                         anomaly scores (reconstruction error of a held-out class), hole filling
//                         (inpainting) and compression (bits per image vs PSNR, AE vs PCA)
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "aelab/dataset.hpp"
#include "aelab/optim.hpp"
#include "aelab/pca.hpp"
#include "aelab/recipe_autoencoder.hpp"
#include "aelab/recipe_denoising.hpp"
#include "aelab/tensor.hpp"
#include "aelab/train.hpp"

namespace aelab {

//-----------------------------------------------------------------------------------------------
// Metrics
//-----------------------------------------------------------------------------------------------
// A (M, D), B (N, D) -> (M, N): |a|^2 + |b|^2 - 2 a.b (one GEMM), clamped at 0.
Tensor squared_distances(const Tensor& A, const Tensor& B);
// A (M, K), B (N, K) of 0/1 values -> (M, N) counts of differing bits (exact: whole numbers).
Tensor hamming_distances(const Tensor& A, const Tensor& B);
// codes (N, K) -> bits (N, K): 1 where codes[i][j] > thresholds[j], else 0.
Tensor binarize(const Tensor& codes, const std::vector<float>& thresholds);
// The median of each column of codes (N, K) (the mean of the two middle values for even N):
// thresholding there gives every bit equal odds over the data (balanced bits).
std::vector<float> column_medians(const Tensor& codes);

// distances (M, N) between M queries and N database items; query_labels (M), database_labels (N);
// 1 <= k_max <= N. Returns the mean precision at k for k = 1 .. k_max (element k - 1).
std::vector<double> precision_at_k(const Tensor& distances, const std::vector<int>& query_labels,
                                   const std::vector<int>& database_labels, int k_max);
// The n database indices nearest to row `query` of distances, by (distance, index).
std::vector<std::size_t> nearest(const Tensor& distances, std::size_t query, std::size_t n);

// points (N, F), labels (N): each point classified by the majority class of its k nearest other
// points (a tied vote goes to the tied class with the nearest member); the accuracy in [0, 1].
double knn_accuracy_loo(const Tensor& points, const std::vector<int>& labels, int k);

struct Roc {
    std::vector<double> fpr, tpr;  // from (0, 0) to (1, 1), one point per distinct threshold
    double auc = 0;
};
// scores (N), positive (N): 1 for an anomaly; at least one positive and one negative.
Roc roc_curve(const std::vector<double>& scores, const std::vector<int>& positive);

// Each value of column j clamped to [lo[j], hi[j]], rounded to one of 2^bits evenly spaced
// levels (lo and hi included), and mapped back: what a decoder gets from a b-bit code.
// bits in [1, 16]; a column with hi == lo gives lo.
Tensor quantize(const Tensor& codes, const std::vector<float>& lo, const std::vector<float>& hi, int bits);
// The minimum and maximum of each column of codes (N, K).
void column_ranges(const Tensor& codes, std::vector<float>& lo, std::vector<float>& hi);

//-----------------------------------------------------------------------------------------------
// An MLP autoencoder trained on (some of) the training images
//-----------------------------------------------------------------------------------------------
struct CodeAeOptions {
    MlpAeSpec spec{"retrieval", {256}, 32, {256}};
    float learning_rate = 1e-3f;  // Adam
    int batch_size = 64;
    int steps = 2000;             // the default length of a run (lesson and CLI)
    int holdout = -1;             // a class left out of training (anomalies), -1: none
    std::uint64_t seed = 1;       // initial weights and batch order
};
// The lesson's and the CLI's networks.
MlpAeSpec retrieval_spec();      // 784-256-[32]-256-784: codes for retrieval and compression
MlpAeSpec visualisation_spec();  // 784-256-64-[2]-64-256-784: a deep non-linear 2-D code
MlpAeSpec anomaly_spec();        // 784-128-[16]-128-784, trained on nine classes

class CodeAeRecipe {
public:
    // data must outlive the recipe. Throws aelab::Error for bad options (batch size, holdout
    // outside [-1, 10), learning rate) or a spec MlpAutoencoder rejects.
    CodeAeRecipe(const Dataset& data, const CodeAeOptions& o);
    float train_step();  // one mini-batch; the MSE before the update
    int step() const { return step_; }
    // Forward passes in chunks (bounded memory): codes (N, K) and reconstructions (N, 1, 28, 28).
    Tensor encode(const Tensor& x);
    Tensor decode(const Tensor& codes);
    Tensor reconstruct(const Tensor& x);
    MlpAutoencoder& ae() { return ae_; }
    const std::vector<std::size_t>& train_indices() const { return train_indices_; }  // the images it sees
    const CodeAeOptions& options() const { return o_; }

private:
    const Dataset& data_;
    CodeAeOptions o_;
    MlpAutoencoder ae_;
    Adam opt_;
    AutoencoderTrainer trainer_;
    std::vector<std::size_t> train_indices_;
    BatchSampler sampler_;
    int step_ = 0;
};

// The labels of split s as ints.
std::vector<int> split_labels(const Dataset& data, Split s, std::size_t count);

//-----------------------------------------------------------------------------------------------
// Retrieval: test images (queries) against the training images (database)
//-----------------------------------------------------------------------------------------------
constexpr int kRetrievalKMax = 50;             // precision curves for k = 1 .. 50
constexpr std::size_t kRetrievalQueries = 1000;  // every test image of the packed subset

// Everything retrieval compares, as rows: the database (every training image) and the queries
// (the first test images), in pixels, codes and bits, with their labels.
struct RetrievalFeatures {
    Tensor train_pixels, test_pixels;  // (N, 784), (M, 784)
    std::vector<int> train_labels, test_labels;
    Tensor train_codes, test_codes;    // (N, K), (M, K); empty until retrieval_codes
    std::vector<float> thresholds;     // the training codes' column medians
    Tensor train_bits, test_bits;      // (N, K), (M, K) of 0/1
};
// The pixel rows and labels of every training image and of the first query_count test images.
RetrievalFeatures retrieval_pixels(const Dataset& data, std::size_t query_count);
// Fills (or refreshes) the codes and bits of f with the network r.
void retrieval_codes(CodeAeRecipe& r, RetrievalFeatures& f);

enum class RetrievalSpace { pixels, codes, bits };
const char* retrieval_space_name(RetrievalSpace s);  // "pixels", "codes", "bits"
// Distances from queries [first, first + count) to every database image (count, N): squared
// Euclidean in pixels or codes, Hamming in bits.
Tensor retrieval_distances(RetrievalSpace s, const RetrievalFeatures& f, std::size_t first, std::size_t count);
// Precision at k (k = 1 .. k_max) over queries [first, first + count), in chunks of 100 queries
// (the pixel distances of 1000 x 6000 images would take 24 MB at once).
std::vector<double> retrieval_precision(RetrievalSpace s, const RetrievalFeatures& f, std::size_t first,
                                        std::size_t count, int k_max = kRetrievalKMax);

//-----------------------------------------------------------------------------------------------
// Visualisation: 2-D codes against PCA's two components
//-----------------------------------------------------------------------------------------------
constexpr int kVisualisationK = 5;               // k of the k-NN accuracy
constexpr std::size_t kVisualisationPoints = 1000;  // test images plotted
// PCA of the training images (N, 784) with `components` components.
PcaResult training_pca(const Dataset& data, std::size_t components);
// The first `count` test images projected on the first two principal components (count, 2).
Tensor pca_2d(const PcaResult& p, const Dataset& data, std::size_t count);

//-----------------------------------------------------------------------------------------------
// Anomalies: reconstruction error of images of a class the network never saw
//-----------------------------------------------------------------------------------------------
struct AnomalyEval {
    std::vector<double> scores;  // per test image: mean squared reconstruction error
    std::vector<int> anomaly;    // 1 for the held-out class
    Roc roc;
    double mean_normal = 0, mean_anomaly = 0;  // mean score of each group
};
// Scores the first `count` test images with r (trained with holdout = o.holdout >= 0).
AnomalyEval anomaly_eval(CodeAeRecipe& r, const Dataset& data, std::size_t count);
// The linear baseline: PCA with `components` components fitted on the training images of the
// other nine classes, scored by the same reconstruction error.
AnomalyEval pca_anomaly_eval(const Dataset& data, int holdout, std::size_t components, std::size_t count);

//-----------------------------------------------------------------------------------------------
// Inpainting: a denoising autoencoder fills an erased rectangle
//-----------------------------------------------------------------------------------------------
struct Rect {
    int row0 = 8, col0 = 8, row1 = 20, col1 = 20;  // [row0, row1) x [col0, col1) of a 28 x 28 image
};
// Sorted and clamped into the image; may be empty.
Rect normalized(Rect r);
struct Inpainting {
    Tensor clean, erased;         // (1, 1, 28, 28): the image, and with the rectangle set to 0
    Tensor denoiser, plain;       // the networks' outputs for `erased`
    Tensor filled, plain_filled;  // erased with only the hole taken from the outputs
    int hole_pixels = 0;
    double psnr_erased_db = 0, psnr_denoiser_db = 0, psnr_plain_db = 0;  // over the hole only
};
// image: 784 values in [0, 1]; erased pixels (the rectangle, plus any already 0 in `mask` = 0)
// become 0, the value masking noise gives. mask: 784 values, 1 keep, 0 erased; empty: all 1.
Inpainting inpaint(DenoisingRecipe& r, const Tensor& image, Rect hole, const std::vector<float>& mask = {});
// The denoising recipe for inpainting: masking noise with probability p.
DenoisingRecipeOptions inpainting_options(float p = 0.5f);

//-----------------------------------------------------------------------------------------------
// Compression: bits per image against PSNR
//-----------------------------------------------------------------------------------------------
constexpr int kMaxQuantBits = 8;
constexpr std::size_t kCompressionImages = 500;  // test images measured
constexpr std::size_t kPcaComponents = 128;     // PCA may spend a budget on up to 128 components
struct RatePoint {
    int bits = 0;         // per image
    int components = 0;   // code values sent
    int value_bits = 0;   // bits per value
    double psnr_db = 0;   // on the test images
};
// The autoencoder's code (K values) at 1 .. kMaxQuantBits bits each: K, 2K, ... bits per image.
// Ranges from the training codes (f: retrieval_codes of the same network).
std::vector<RatePoint> ae_rate_curve(CodeAeRecipe& r, const RetrievalFeatures& f, const Dataset& data,
                                     std::size_t count = kCompressionImages);
// PCA at each budget of `budgets`: the best PSNR over m components at b bits each with m * b <=
// budget (b in 1 .. kMaxQuantBits, m <= the PCA's components), ranges from the training projections.
std::vector<RatePoint> pca_rate_curve(const PcaResult& p, const Dataset& data, const std::vector<int>& budgets,
                                      std::size_t count = kCompressionImages);

}  // namespace aelab
