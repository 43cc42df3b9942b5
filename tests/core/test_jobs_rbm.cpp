// Tests for the RBM lesson's training jobs (aelab/jobs/rbm.hpp): the same numbers as the recipes
// driven directly, the spec's round trip and bad values, the view state.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "aelab/error.hpp"
#include "aelab/jobs/rbm.hpp"
#include "aelab/loss.hpp"
#include "aelab/train_job.hpp"
#include "test_util.hpp"

using namespace aelab;
using testutil::dataset;

namespace {

RbmJobOptions small_rbm(int hidden = 12) {
    RbmJobOptions o;
    o.recipe.hidden = hidden;
    o.recipe.cd.k = 2;
    o.recipe.cd.learning_rate = 0.07f;
    o.recipe.binarize = Binarize::sampled;
    o.recipe.steps = 8;
    o.recipe.eval_count = 50;
    o.recipe.seed = 5;
    o.log_z_every = 4;
    return o;
}

DbnAeOptions small_dbn() {
    DbnAeOptions base;
    base.hidden1 = 24;
    base.hidden2 = 6;
    base.learning_rate = 2e-3f;
    base.eval_count = 40;
    base.seed = 3;
    return dbn_ae_schedule(10, base);  // 2 + 1 + 7 steps: every stage
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("rbm job: steps and evaluations are the recipe's, bit for bit") {
    const RbmJobOptions o = small_rbm();
    auto job = make_job(rbm_job_spec(o), &dataset());
    REQUIRE(job->curve_count() == 1);
    CHECK(job->batch_size() == 64);
    CHECK(job->epoch_size() == int(dataset().size(Split::train)));
    RbmRecipe direct(dataset(), o.recipe);
    std::vector<float> a, b, curve;
    for (int i = 0; i < o.recipe.steps; ++i) {
        float c = -1;
        a.push_back(job->step(&c));
        curve.push_back(c);
        b.push_back(float(direct.train_step()));
        if (i == 3) {
            // Step 4: log Z is due, the evaluation carries the RBM as it is.
            const RbmJobEval e = rbm_eval_from(job->evaluate(), o.recipe.hidden);
            CHECK(e.recon_error == direct.evaluate().recon_error);
            REQUIRE(e.has_snapshot);
            CHECK(rbm_log_partition(e.snapshot) == rbm_log_partition(direct.rbm()));
        }
        if (i == 4) CHECK_FALSE(rbm_eval_from(job->evaluate(), o.recipe.hidden).has_snapshot);  // step 5
    }
    CHECK(a == b);
    CHECK(curve == b);
    CHECK(rbm_eval_from(job->evaluate(), o.recipe.hidden).has_snapshot);  // the last step
    // No log Z above kRbmExactMaxHidden, whatever the schedule.
    RbmJobOptions big = small_rbm(kRbmExactMaxHidden + 1);
    big.recipe.steps = 1;
    auto wide = make_job(rbm_job_spec(big), &dataset());
    float c = 0;
    wide->step(&c);
    CHECK(wide->evaluate().size() == 2);
    // The held-out count is clamped to the test set.
    RbmJobOptions many = small_rbm();
    many.recipe.eval_count = 100000;
    auto clamped = make_job(rbm_job_spec(many), &dataset());
    CHECK(dim(static_cast<RbmJob&>(*clamped).recipe().eval_images(), 0) == int(dataset().size(Split::test)));
}

TEST_CASE("rbm job: the spec's round trip and bad values") {
    const JobSpec spec = rbm_job_spec(small_rbm());
    const RbmJobOptions back = rbm_job_options(JobSpec::parse(spec.text()));
    CHECK(rbm_job_spec(back).text() == spec.text());
    CHECK(back.recipe.cd.learning_rate == 0.07f);
    CHECK(back.recipe.binarize == Binarize::sampled);
    CHECK(back.log_z_every == 4);
    JobSpec bad = spec;
    bad.set("bin", std::string("grey"));
    CHECK_THROWS_WITH_AS(rbm_job_options(bad), doctest::Contains("bin"), Error);
    bad = spec;
    bad.set("hidden", 0);
    CHECK_THROWS_WITH_AS(rbm_job_options(bad), doctest::Contains("hidden"), Error);
    bad = spec;
    bad.set("k", std::string("x"));
    CHECK_THROWS_WITH_AS(rbm_job_options(bad), doctest::Contains("k"), Error);
    CHECK_THROWS_AS(make_job(spec, nullptr), Error);
    CHECK_THROWS_AS(rbm_eval_from({0.1f, 1.0f}, 12), Error);
}

TEST_CASE("rbm job: the view state gives a copy that reconstructs the same") {
    const JobSpec spec = rbm_job_spec(small_rbm());
    auto job = make_job(spec, &dataset());
    float c = 0;
    for (int i = 0; i < 3; ++i) job->step(&c);
    std::vector<float> view;
    job->save_view(view);
    auto copy = make_job(spec, &dataset());
    copy->load_view(view);
    RbmRecipe& a = static_cast<RbmJob&>(*job).recipe();
    RbmRecipe& b = static_cast<RbmJob&>(*copy).recipe();
    const Tensor& v = a.eval_images();
    CHECK(testutil::max_rel_error(b.reconstruct(v), a.reconstruct(v)) == 0);
    CHECK(copy->evaluate()[0] == job->evaluate()[0]);  // the copy is at step 0: its log Z snapshot is due
    view.push_back(0);
    CHECK_THROWS_AS(copy->load_view(view), Error);
}

TEST_CASE("dbn-ae job: steps, curves and evaluations are the recipe's, bit for bit") {
    const DbnAeOptions o = small_dbn();
    auto job = make_job(dbn_job_spec(o), &dataset());
    REQUIRE(job->curve_count() == 2);
    DbnAeRecipe direct(dataset(), o);
    std::vector<float> a, b, random_a, random_b, greedy_a, greedy_b;
    for (int i = 0; i < o.total_steps(); ++i) {
        float c[2] = {-1, -1};
        a.push_back(job->step(c));
        random_a.push_back(c[0]);
        greedy_a.push_back(c[1]);
        const DbnStage st = direct.stage();
        b.push_back(direct.train_step());
        random_b.push_back(direct.random_losses().back());
        greedy_b.push_back(direct.losses(DbnArm::greedy, st).back());
    }
    CHECK(a == b);
    CHECK(random_a == random_b);
    CHECK(greedy_a == greedy_b);
    const DbnAeEval e = dbn_eval_from(job->evaluate()), d = direct.evaluate();
    CHECK(e.mse_dbn == float(d.mse_dbn));
    CHECK(e.mse_random == float(d.mse_random));
    CHECK(e.mse_greedy == float(d.mse_greedy));
    // Past the schedule the recipe throws; the job's step does too (the runner stops at the end).
    float c[2];
    CHECK_THROWS_AS(job->step(c), Error);
}

TEST_CASE("dbn-ae job: the spec's round trip and bad values") {
    const JobSpec spec = dbn_job_spec(small_dbn());
    const DbnAeOptions back = dbn_job_options(JobSpec::parse(spec.text()));
    CHECK(dbn_job_spec(back).text() == spec.text());
    CHECK(back.stage1_steps == 2);
    CHECK(back.stage2_steps == 1);
    CHECK(back.finetune_steps == 7);
    CHECK(back.learning_rate == 2e-3f);
    JobSpec bad = spec;
    bad.set("cd_lr", -1.0f);
    CHECK_THROWS_WITH_AS(dbn_job_options(bad), doctest::Contains("cd_lr"), Error);
    bad = spec;
    bad.set("stage1", std::string("many"));
    CHECK_THROWS_WITH_AS(dbn_job_options(bad), doctest::Contains("stage1"), Error);
    CHECK_THROWS_AS(dbn_eval_from({1, 2}), Error);
    CHECK(has(spec.text(), "dbn-ae"));
}

TEST_CASE("dbn-ae job: the view state, in every stage, gives a copy that reconstructs the same") {
    const JobSpec spec = dbn_job_spec(small_dbn());
    auto job = make_job(spec, &dataset());
    DbnAeRecipe& a = static_cast<DbnJob&>(*job).recipe();
    const Tensor v = a.eval_images();
    for (int steps : {1, 2, 3, 4, 10}) {  // stage 1, stage 2, fine-tuning's first step and later, the end
        CAPTURE(steps);
        float c[2];
        while (a.step() < steps) job->step(c);
        std::vector<float> view;
        job->save_view(view);
        auto copy = make_job(spec, &dataset());
        copy->load_view(view);
        DbnAeRecipe& b = static_cast<DbnJob&>(*copy).recipe();
        CHECK(b.step() == a.step());
        CHECK(b.stage() == a.stage());
        for (DbnArm arm : {DbnArm::dbn, DbnArm::random, DbnArm::greedy})
            CHECK(testutil::max_rel_error(b.reconstruct(arm, v), a.reconstruct(arm, v)) == 0);
        CHECK(copy->evaluate() == job->evaluate());
    }
}
