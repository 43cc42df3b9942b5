// Tests for core/src/recipes/applications.cpp: the metrics on hand-made data with known answers
// (distances, Hamming, precision at k with ties, k-NN, ROC and AUC with ties, quantisation), and
// the recipes (deterministic for a seed, held-out class left out, retrieval, anomaly, inpainting
// and compression figures on Fashion-MNIST after short runs).
#include <doctest/doctest.h>

#include <cmath>

#include "aelab/dataset.hpp"
#include "aelab/recipe_applications.hpp"
#include "test_util.hpp"

using namespace aelab;

namespace {
using testutil::dataset;
}  // namespace

TEST_CASE("applications metrics: squared and Hamming distances") {
    const Tensor A = from_values({2, 2}, {0, 0, 1, 2});
    const Tensor B = from_values({3, 2}, {3, 4, 0, 0, 1, 0});
    const Tensor d = squared_distances(A, B);
    REQUIRE(d.shape() == Shape{2, 3});
    const float want[6] = {25, 0, 1, 8, 5, 4};
    for (int i = 0; i < 6; ++i) CHECK(d.data()[i] == doctest::Approx(want[i]));
    CHECK_THROWS_AS(squared_distances(A, zeros({3, 3})), Error);

    const Tensor bits_a = from_values({2, 4}, {1, 0, 1, 1, 0, 0, 0, 0});
    const Tensor bits_b = from_values({2, 4}, {1, 1, 1, 1, 0, 1, 0, 1});
    const Tensor h = hamming_distances(bits_a, bits_b);
    CHECK(h.data()[0] == 1.0f);  // 1011 vs 1111
    CHECK(h.data()[1] == 3.0f);  // 1011 vs 0101
    CHECK(h.data()[2] == 4.0f);  // 0000 vs 1111
    CHECK(h.data()[3] == 2.0f);
    CHECK_THROWS_AS(hamming_distances(from_values({1, 4}, {0.5f, 0, 0, 0}), bits_b), Error);

    const Tensor codes = from_values({4, 2}, {1, -1, 3, 0, 2, 5, 10, 2});
    const std::vector<float> med = column_medians(codes);
    CHECK(med[0] == doctest::Approx(2.5f));  // (2 + 3) / 2
    CHECK(med[1] == doctest::Approx(1.0f));  // (0 + 2) / 2
    const Tensor bits = binarize(codes, med);
    const float want_bits[8] = {0, 0, 1, 0, 0, 1, 1, 1};
    for (int i = 0; i < 8; ++i) CHECK(bits.data()[i] == want_bits[i]);
    CHECK_THROWS_AS(binarize(codes, {0.0f}), Error);
}

TEST_CASE("applications metrics: precision at k, with ties counted in expectation") {
    // One query of class 0; database distances 1, 2, 3, 4 with classes 0, 1, 0, 0.
    const Tensor d = from_values({1, 4}, {1, 2, 3, 4});
    const std::vector<double> p = precision_at_k(d, {0}, {0, 1, 0, 0}, 4);
    REQUIRE(p.size() == 4);
    CHECK(p[0] == doctest::Approx(1.0));
    CHECK(p[1] == doctest::Approx(0.5));
    CHECK(p[2] == doctest::Approx(2.0 / 3));
    CHECK(p[3] == doctest::Approx(0.75));

    // Ties: distances 0, 1, 1, 1, 5 with classes 0 | 0, 1, 1 | 0: at k = 2 the tied group of three
    // holds one same-class item, so the second slot is same-class with probability 1/3.
    const Tensor t = from_values({1, 5}, {0, 1, 1, 1, 5});
    const std::vector<double> pt = precision_at_k(t, {0}, {0, 0, 1, 1, 0}, 5);
    CHECK(pt[0] == doctest::Approx(1.0));
    CHECK(pt[1] == doctest::Approx((1 + 1.0 / 3) / 2));
    CHECK(pt[2] == doctest::Approx((1 + 2.0 / 3) / 3));
    CHECK(pt[3] == doctest::Approx(2.0 / 4));
    CHECK(pt[4] == doctest::Approx(3.0 / 5));
    // The order of tied items does not matter.
    const std::vector<double> swapped = precision_at_k(t, {0}, {0, 1, 1, 0, 0}, 5);
    for (int k = 0; k < 5; ++k) CHECK(swapped[std::size_t(k)] == doctest::Approx(pt[std::size_t(k)]));

    // Two queries average.
    const Tensor two = from_values({2, 2}, {0, 1, 1, 0});
    const std::vector<double> p2 = precision_at_k(two, {0, 0}, {0, 1}, 1);
    CHECK(p2[0] == doctest::Approx(0.5));
    CHECK_THROWS_AS(precision_at_k(two, {0}, {0, 1}, 1), Error);
    CHECK_THROWS_AS(precision_at_k(two, {0, 0}, {0, 1}, 3), Error);

    const std::vector<std::size_t> nn = nearest(t, 0, 3);
    CHECK(nn == std::vector<std::size_t>{0, 1, 2});  // ties by index
}

TEST_CASE("applications metrics: leave-one-out k-NN accuracy") {
    // Two tight clusters on a line and one class-1 point inside the class-0 cluster.
    const Tensor pts = from_values({7, 1}, {0, 0.1f, 0.2f, 0.15f, 10, 10.1f, 10.2f});
    const std::vector<int> labels = {0, 0, 0, 1, 1, 1, 1};
    // k = 1: the odd point's nearest neighbour is class 0 -> wrong; points 1 and 2 have the odd
    // point 0.05 away as their nearest -> wrong; the other four are right: 4 / 7.
    CHECK(knn_accuracy_loo(pts, labels, 1) == doctest::Approx(4.0 / 7));
    // k = 3: every class-0 point sees two class-0 neighbours and the odd one: right; the odd
    // point sees three class-0 points: wrong. 6 / 7.
    CHECK(knn_accuracy_loo(pts, labels, 3) == doctest::Approx(6.0 / 7));
    // A tied vote (k = 2, one of each) goes to the nearer neighbour's class.
    const Tensor line = from_values({3, 1}, {0, 1, 3});
    CHECK(knn_accuracy_loo(line, {0, 0, 1}, 2) == doctest::Approx(2.0 / 3));  // point 1: 0 at distance 1 wins
    CHECK_THROWS_AS(knn_accuracy_loo(line, {0, 0}, 1), Error);
    CHECK_THROWS_AS(knn_accuracy_loo(line, {0, 0, 1}, 3), Error);
}

TEST_CASE("applications metrics: ROC curve and AUC, ties counted one half") {
    // scikit-learn's example: roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) = 0.75.
    const Roc r = roc_curve({0.1, 0.4, 0.35, 0.8}, {0, 0, 1, 1});
    CHECK(r.auc == doctest::Approx(0.75));
    REQUIRE(r.fpr.size() == 5);
    CHECK(r.fpr.front() == 0.0);
    CHECK(r.tpr.front() == 0.0);
    CHECK(r.fpr.back() == 1.0);
    CHECK(r.tpr.back() == 1.0);
    CHECK(r.tpr[1] == doctest::Approx(0.5));  // above 0.8: one of two positives, no negative
    CHECK(r.fpr[1] == 0.0);
    CHECK(roc_curve({1, 2, 3}, {0, 1, 1}).auc == doctest::Approx(1.0));
    CHECK(roc_curve({3, 2, 1}, {0, 1, 1}).auc == doctest::Approx(0.0));
    // All tied: one diagonal step, AUC 1/2. A partial tie: positive 2 ties negative 2.
    CHECK(roc_curve({5, 5, 5, 5}, {0, 1, 0, 1}).auc == doctest::Approx(0.5));
    // Pairs (pos, neg): (2, 1) win, (2, 2) half, (3, 1) win, (3, 2) win: 3.5 / 4.
    const Roc tie = roc_curve({1, 2, 2, 3}, {0, 0, 1, 1});
    CHECK(tie.auc == doctest::Approx(3.5 / 4));
    CHECK(tie.fpr.size() == 4);  // (0,0), score 3, the tied score 2, score 1
    CHECK_THROWS_AS(roc_curve({1, 2}, {1, 1}), Error);
    CHECK_THROWS_AS(roc_curve({1, NAN}, {0, 1}), Error);
    CHECK_THROWS_AS(roc_curve({1}, {0, 1}), Error);
}

TEST_CASE("applications metrics: uniform quantisation") {
    const Tensor codes = from_values({4, 2}, {0, 5, 0.4f, 5, 0.6f, 5, 2, 5});
    std::vector<float> lo, hi;
    column_ranges(codes, lo, hi);
    CHECK(lo[0] == 0.0f);
    CHECK(hi[0] == 2.0f);
    CHECK(lo[1] == 5.0f);
    CHECK(hi[1] == 5.0f);
    // 1 bit: levels {0, 2}; 2 bits: levels {0, 2/3, 4/3, 2}.
    const Tensor q1 = quantize(codes, lo, hi, 1);
    CHECK(q1.data()[0] == 0.0f);
    CHECK(q1.data()[2] == 0.0f);
    CHECK(q1.data()[4] == 0.0f);
    CHECK(q1.data()[6] == 2.0f);
    CHECK(q1.data()[1] == 5.0f);  // a constant column gives its value
    const Tensor q2 = quantize(codes, lo, hi, 2);
    CHECK(q2.data()[2] == doctest::Approx(2.0f / 3));  // 0.4 -> t 0.2 -> level 1 (0.6 rounds to 1)
    CHECK(q2.data()[4] == doctest::Approx(2.0f / 3));  // 0.6 -> 0.9 rounds to 1
    const Tensor out_of_range = quantize(from_values({1, 2}, {-3, 7}), lo, hi, 8);
    CHECK(out_of_range.data()[0] == 0.0f);  // clamped to lo
    CHECK_THROWS_AS(quantize(codes, lo, hi, 0), Error);
    CHECK_THROWS_AS(quantize(codes, {0}, {1}, 2), Error);
    // More bits, smaller error.
    const Tensor ramp = from_values({5, 1}, {0, 0.13f, 0.5f, 0.77f, 1});
    double prev = 1e9;
    for (int b = 1; b <= 8; ++b) {
        const Tensor q = quantize(ramp, {0}, {1}, b);
        double err = 0;
        for (int i = 0; i < 5; ++i) err += std::abs(q.data()[i] - ramp.data()[i]);
        CHECK(err <= prev + 1e-9);
        CHECK(err <= 5 * 0.5 / ((1 << b) - 1) + 1e-6);  // at most half a step each
        prev = err;
    }
}

TEST_CASE("applications recipe: deterministic for a seed; the held-out class is never trained on") {
    CodeAeOptions o;
    o.spec = anomaly_spec();
    o.holdout = 3;
    o.seed = 5;
    CodeAeRecipe a(dataset(), o), b(dataset(), o);
    for (int s = 0; s < 5; ++s) CHECK(a.train_step() == b.train_step());
    for (std::size_t i : a.train_indices()) REQUIRE(dataset().train_labels[i] != 3);
    CHECK(a.train_indices().size() + 600 == dataset().size(Split::train));  // 600 per class in the subset
    o.seed = 6;
    CodeAeRecipe c(dataset(), o);
    CHECK(c.train_step() != CodeAeRecipe(dataset(), CodeAeOptions{o.spec, o.learning_rate, o.batch_size, o.steps, 3, 5}).train_step());
    o.holdout = 10;
    CHECK_THROWS_AS(CodeAeRecipe(dataset(), o), Error);
    o.holdout = -1;
    o.learning_rate = -1;
    CHECK_THROWS_AS(CodeAeRecipe(dataset(), o), Error);
}

TEST_CASE("applications recipe: retrieval precision in pixels, codes and bits") {
    CodeAeOptions o;
    o.seed = 1;
    CodeAeRecipe r(dataset(), o);
    for (int s = 0; s < 100; ++s) r.train_step();
    RetrievalFeatures f = retrieval_pixels(dataset(), 100);
    CHECK(f.train_pixels.shape() == Shape{6000, 784});
    CHECK_THROWS_AS(retrieval_distances(RetrievalSpace::codes, f, 0, 10), Error);  // no codes yet
    retrieval_codes(r, f);
    CHECK(f.train_codes.shape() == Shape{6000, 32});
    CHECK(f.test_bits.shape() == Shape{100, 32});
    // Median thresholds: every bit is on for half of the database.
    for (std::size_t j = 0; j < 32; ++j) {
        double on = 0;
        for (std::size_t i = 0; i < 6000; ++i) on += f.train_bits.data()[i * 32 + j];
        CHECK(on == doctest::Approx(3000).epsilon(0.01));
    }
    const std::vector<double> pix = retrieval_precision(RetrievalSpace::pixels, f, 0, 100, 10);
    const std::vector<double> codes = retrieval_precision(RetrievalSpace::codes, f, 0, 100, 10);
    const std::vector<double> bits = retrieval_precision(RetrievalSpace::bits, f, 0, 100, 10);
    // The chunked mean equals the mean of the parts.
    const std::vector<double> half1 = retrieval_precision(RetrievalSpace::pixels, f, 0, 50, 10);
    const std::vector<double> half2 = retrieval_precision(RetrievalSpace::pixels, f, 50, 50, 10);
    CHECK(pix[9] == doctest::Approx((half1[9] + half2[9]) / 2));
    // Pixels on the first 100 test images: precision@10 0.75 (measured); far above chance (0.1).
    CHECK(pix[9] == doctest::Approx(0.75).epsilon(0.05));
    for (const auto* p : {&codes, &bits}) {
        CHECK((*p)[9] > 0.4);
        CHECK((*p)[9] <= 1.0);
    }
    // The nearest training image in pixels of a query is at its smallest distance.
    const Tensor d = retrieval_distances(RetrievalSpace::pixels, f, 0, 1);
    const std::size_t best = nearest(d, 0, 1)[0];
    for (std::size_t j = 0; j < 6000; ++j) REQUIRE(d.data()[best] <= d.data()[j]);
}

TEST_CASE("applications recipe: anomaly scores and inpainting after short runs") {
    CodeAeOptions o;
    o.spec = anomaly_spec();
    o.holdout = 1;  // trouser: unlike the other nine classes
    CodeAeRecipe r(dataset(), o);
    for (int s = 0; s < 200; ++s) r.train_step();
    const AnomalyEval e = anomaly_eval(r, dataset(), 1000);
    CHECK(e.scores.size() == 1000);
    int anomalies = 0;
    for (int a : e.anomaly) anomalies += a;
    CHECK(anomalies == 100);
    CHECK(e.roc.auc > 0.0);
    CHECK(e.roc.auc < 1.0);
    CodeAeOptions plain;
    CodeAeRecipe no_holdout(dataset(), plain);
    CHECK_THROWS_AS(anomaly_eval(no_holdout, dataset(), 10), Error);

    DenoisingRecipeOptions io = inpainting_options(0.5f);
    io.eval_count = 20;
    DenoisingRecipe dae(dataset(), io);
    for (int s = 0; s < 150; ++s) dae.train_step();
    const Tensor img = dataset().image(Split::test, 0);
    const Inpainting p = inpaint(dae, img, {20, 20, 8, 8});  // corners in any order
    CHECK(p.hole_pixels == 144);
    CHECK(p.erased.data()[10 * 28 + 10] == 0.0f);
    CHECK(p.filled.data()[0] == p.clean.data()[0]);  // outside the hole: kept
    CHECK(p.filled.data()[10 * 28 + 10] == p.denoiser.data()[10 * 28 + 10]);
    CHECK(p.psnr_denoiser_db > p.psnr_erased_db);  // filling beats leaving the hole black
    std::vector<float> mask(784, 1.0f);
    mask[0] = 0;
    CHECK(inpaint(dae, img, {0, 0, 0, 0}, mask).hole_pixels == 1);
    CHECK(normalized({-5, 40, 3, 2}).row0 == 0);
    CHECK(normalized({-5, 40, 3, 2}).col1 == 28);
    CHECK_THROWS_AS(inpaint(dae, zeros({1, 5, 5}), {}), Error);
}

TEST_CASE("applications recipe: compression curves and PCA in 2-D") {
    CodeAeRecipe c(dataset(), CodeAeOptions{});
    for (int s = 0; s < 50; ++s) c.train_step();
    RetrievalFeatures f = retrieval_pixels(dataset(), 10);
    retrieval_codes(c, f);
    const std::vector<RatePoint> ae = ae_rate_curve(c, f, dataset(), 50);
    REQUIRE(ae.size() == std::size_t(kMaxQuantBits));
    CHECK(ae[0].bits == 32);
    CHECK(ae[7].bits == 256);
    CHECK(ae[7].psnr_db > ae[0].psnr_db);
    const PcaResult pc = training_pca(dataset(), 16);
    const std::vector<RatePoint> pcs = pca_rate_curve(pc, dataset(), {32, 128}, 50);
    REQUIRE(pcs.size() == 2);
    CHECK(pcs[0].components * pcs[0].value_bits <= 32);
    CHECK(pcs[1].psnr_db > pcs[0].psnr_db);
    CHECK(pcs[1].psnr_db > 12.0);
    const Tensor two = pca_2d(pc, dataset(), 30);
    CHECK(two.shape() == Shape{30, 2});
    CHECK(knn_accuracy_loo(two, split_labels(dataset(), Split::test, 30), 3) > 0.3);
}
