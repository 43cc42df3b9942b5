// Tests for aelab/jobs/ae_applications.hpp (the code_ae job) and the denoising job's inpainting
// form: the same losses, curves and figures as the recipes driven directly, the spec's text
// round trip and bad values, and the view state.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "aelab/error.hpp"
#include "aelab/jobs/ae_applications.hpp"
#include "aelab/jobs/denoising.hpp"
#include "test_util.hpp"

using namespace aelab;
using testutil::dataset;

namespace {

CodeAeJobOptions job_options(const MlpAeSpec& net, CodeAeEval eval, int holdout = -1) {
    CodeAeJobOptions o;
    o.recipe.spec = net;
    o.recipe.seed = 3;
    o.recipe.learning_rate = 2e-3f;
    o.recipe.steps = 40;
    o.recipe.holdout = holdout;
    o.eval = eval;
    return o;
}

DenoisingRecipeOptions inpaint_options_for_test() {
    DenoisingRecipeOptions o = inpainting_options(0.3f);
    o.seed = 5;
    o.learning_rate = 2e-3f;
    o.steps = 40;
    o.eval_count = 50;
    return o;
}

std::vector<float> floats(const std::vector<double>& v) { return std::vector<float>(v.begin(), v.end()); }

}  // namespace

TEST_CASE("code_ae job: the recipe's losses bit for bit, and the figures it evaluated") {
    const Dataset& d = dataset();
    constexpr int kSteps = 6;
    SUBCASE("visual") {
        const CodeAeJobOptions o = job_options(visualisation_spec(), CodeAeEval::visual);
        auto job = make_job(code_ae_job_spec(o), &d);
        CodeAeRecipe direct(d, o.recipe);
        std::vector<float> a, b;
        for (int i = 0; i < kSteps; ++i) a.push_back(job->step(nullptr)), b.push_back(direct.train_step());
        CHECK(a == b);
        CHECK(job->curve_count() == 0);
        CHECK(job->evaluates());
        CHECK(job->epoch_size() == int(d.size(Split::train)));
        const VisualFigures e = visual_figures_from(job->evaluate());
        const Tensor codes = direct.encode(d.batch(Split::test, 0, kVisualisationPoints));
        CHECK(e.codes == codes);
        CHECK(float(e.knn) ==
              float(knn_accuracy_loo(codes, split_labels(d, Split::test, kVisualisationPoints), kVisualisationK)));
    }
    SUBCASE("anomaly") {
        const CodeAeJobOptions o = job_options(anomaly_spec(), CodeAeEval::anomaly, 4);
        auto job = make_job(code_ae_job_spec(o), &d);
        CodeAeRecipe direct(d, o.recipe);
        std::vector<float> a, b;
        for (int i = 0; i < kSteps; ++i) a.push_back(job->step(nullptr)), b.push_back(direct.train_step());
        CHECK(a == b);
        CHECK(job->epoch_size() == int(direct.train_indices().size()));
        CHECK(job->epoch_size() < int(d.size(Split::train)));
        const AnomalyEval e = anomaly_figures_from(job->evaluate());
        const AnomalyEval want = anomaly_eval(direct, d, d.size(Split::test));
        CHECK(floats(e.scores) == floats(want.scores));
        CHECK(e.anomaly == want.anomaly);
        CHECK(floats(e.roc.fpr) == floats(want.roc.fpr));
        CHECK(floats(e.roc.tpr) == floats(want.roc.tpr));
        CHECK(float(e.roc.auc) == float(want.roc.auc));
        CHECK(float(e.mean_anomaly) == float(want.mean_anomaly));
        CHECK(e.roc.auc > 0.3);
    }
    SUBCASE("retrieval") {
        const CodeAeJobOptions o = job_options(retrieval_spec(), CodeAeEval::retrieval);
        auto job = make_job(code_ae_job_spec(o), &d);
        CodeAeRecipe direct(d, o.recipe);
        std::vector<float> a, b;
        for (int i = 0; i < kSteps; ++i) a.push_back(job->step(nullptr)), b.push_back(direct.train_step());
        CHECK(a == b);
        const RetrievalFigures e = retrieval_figures_from(job->evaluate());
        RetrievalFeatures f = retrieval_pixels(d, kRetrievalQueries);
        retrieval_codes(direct, f);
        CHECK(floats(e.codes) == floats(retrieval_precision(RetrievalSpace::codes, f, 0, kRetrievalQueries)));
        CHECK(floats(e.bits) == floats(retrieval_precision(RetrievalSpace::bits, f, 0, kRetrievalQueries)));
        const std::vector<RatePoint> rate = ae_rate_curve(direct, f, d);
        REQUIRE(e.rate.size() == rate.size());
        for (std::size_t i = 0; i < rate.size(); ++i) {
            CHECK(e.rate[i].bits == rate[i].bits);
            CHECK(e.rate[i].components == rate[i].components);
            CHECK(float(e.rate[i].psnr_db) == float(rate[i].psnr_db));
        }
        CHECK(e.train_codes == f.train_codes);
        CHECK(e.test_codes == f.test_codes);
        RetrievalFeatures page = retrieval_pixels(d, kRetrievalQueries);
        set_codes(page, e);
        CHECK(page.train_bits == f.train_bits);
        CHECK(page.test_bits == f.test_bits);
        CHECK(page.thresholds == f.thresholds);
    }
}

TEST_CASE("code_ae job: spec text round trip; bad values name their key") {
    const CodeAeJobOptions o = job_options(anomaly_spec(), CodeAeEval::anomaly, 7);
    const JobSpec spec = code_ae_job_spec(o);
    CHECK(spec.kind == "code_ae");
    const CodeAeJobOptions back = code_ae_job_options(JobSpec::parse(spec.text()));
    CHECK(back.eval == CodeAeEval::anomaly);
    CHECK(back.recipe.spec.code == anomaly_spec().code);
    CHECK(back.recipe.spec.encoder_hidden == anomaly_spec().encoder_hidden);
    CHECK(back.recipe.holdout == 7);
    CHECK(back.recipe.seed == 3);
    CHECK(back.recipe.learning_rate == o.recipe.learning_rate);
    CHECK(back.recipe.steps == 40);
    CHECK(back.recipe.batch_size == 64);
    CHECK(code_ae_job_spec(back).text() == spec.text());
    CHECK(code_ae_job_options(JobSpec::parse(code_ae_job_spec(job_options(visualisation_spec(), CodeAeEval::visual)).text()))
              .recipe.spec.code == 2);

    auto throws_naming = [](JobSpec s, const char* key, const char* value, const char* word) {
        s.set(key, std::string(value));
        CAPTURE(key);
        CAPTURE(value);
        std::string message;
        try {
            code_ae_job_options(s);
        } catch (const Error& e) {
            message = e.what();
        }
        CHECK(message.find(word) != std::string::npos);
    };
    throws_naming(spec, "net", "huge", "net=huge");
    throws_naming(spec, "eval", "all", "eval=all");
    throws_naming(spec, "holdout", "10", "holdout=10");
    throws_naming(spec, "lr", "-1", "lr=-1");
    throws_naming(spec, "holdout", "-1", "eval=anomaly");
    MlpAeSpec other = retrieval_spec();
    other.code = 8;
    CodeAeJobOptions odd;
    odd.recipe.spec = other;
    CHECK_THROWS_AS(code_ae_job_spec(odd), Error);
    CHECK_THROWS_AS(make_job(spec, nullptr), Error);
}

TEST_CASE("code_ae job: the view state loads into a fresh job from the same spec") {
    const Dataset& d = dataset();
    const JobSpec spec = code_ae_job_spec(job_options(anomaly_spec(), CodeAeEval::anomaly, 2));
    auto trained = make_job(spec, &d), fresh = make_job(spec, &d);
    for (int i = 0; i < 4; ++i) trained->step(nullptr);
    std::vector<float> view;
    trained->save_view(view);
    fresh->load_view(view);
    const Tensor x = d.batch(Split::test, 0, 16);
    CodeAeRecipe& a = static_cast<CodeAeJob&>(*trained).recipe();
    CodeAeRecipe& b = static_cast<CodeAeJob&>(*fresh).recipe();
    CHECK(a.reconstruct(x) == b.reconstruct(x));
    CHECK(trained->evaluate() == fresh->evaluate());
    view.pop_back();
    CHECK_THROWS_AS(fresh->load_view(view), Error);
}

TEST_CASE("denoising job, inpainting form: the recipe's losses and plain curve, no evaluation, view state") {
    const Dataset& d = dataset();
    const DenoisingRecipeOptions o = inpaint_options_for_test();
    const JobSpec spec = denoising_job_spec(o, true);
    CHECK(spec.get("inpainting", "") == "1");
    CHECK(denoising_job_spec(o).values.count("inpainting") == 0);  // the denoising lesson's spec is unchanged
    auto job = make_job(JobSpec::parse(spec.text()), &d);
    CHECK_FALSE(job->evaluates());
    CHECK(make_job(denoising_job_spec(o), &d)->evaluates());
    DenoisingRecipe direct(d, o);
    std::vector<float> losses, curves, want_losses, want_curves;
    for (int i = 0; i < 5; ++i) {
        float c = 0;
        losses.push_back(job->step(&c));
        curves.push_back(c);
        want_losses.push_back(direct.train_step());
        want_curves.push_back(direct.last_plain_loss());
    }
    CHECK(losses == want_losses);
    CHECK(curves == want_curves);

    const DenoisingRecipeOptions back = denoising_job_options(JobSpec::parse(spec.text()));
    CHECK(back.corruption == Corruption::masking);
    CHECK(back.level == o.level);
    CHECK(back.eval_count == 50);
    JobSpec bad = spec;
    bad.set("inpainting", std::string("maybe"));
    std::string message;
    try {
        make_job(bad, &d);
    } catch (const Error& e) {
        message = e.what();
    }
    CHECK(message.find("inpainting=maybe") != std::string::npos);

    auto fresh = make_job(spec, &d);
    std::vector<float> view;
    job->save_view(view);
    fresh->load_view(view);
    Inpainting p = inpaint(static_cast<DenoisingJob&>(*job).recipe(), d.image(Split::test, 3), Rect{});
    Inpainting q = inpaint(static_cast<DenoisingJob&>(*fresh).recipe(), d.image(Split::test, 3), Rect{});
    CHECK(p.filled == q.filled);
    CHECK(p.plain_filled == q.plain_filled);
    CHECK(kInpaintingCollapseMessage != std::string(kDenoisingCollapseMessage));
}
