// Tests for the autoencoder lesson's training jobs (aelab/jobs/autoencoder.hpp): each job's steps
// and curves are the recipe's bit for bit (driven the way the lesson's old hooks did), the
// spec text round trip and bad values, the view state round trip, exact doubles in figures.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "aelab/error.hpp"
#include "aelab/jobs/autoencoder.hpp"
#include "aelab/jobs/figures.hpp"
#include "aelab/rng.hpp"
#include "test_util.hpp"

using namespace aelab;
using testutil::dataset;

TEST_CASE("job figures: a double travels as three floats, bit for bit") {
    Rng rng(3);
    std::vector<double> values = {0.0, 1.0, 0.123, 0.001, 1.0 / 3.0, 0.999, 1e-4, 12345.678901234567, -0.5};
    for (int i = 0; i < 2000; ++i) values.push_back(double(rng.uniform()) / (1.0 + double(rng.uniform()) * 997.0));
    for (int right = 0; right <= 1000; ++right) values.push_back(double(right) / 1000.0);  // probe accuracies
    std::vector<float> f;
    for (double v : values) push_double(f, v);
    REQUIRE(f.size() == 3 * values.size());
    std::size_t pos = 0;
    for (double v : values) {
        const double back = read_double(f, pos, "test");
        CHECK(back == v);
    }
    CHECK_THROWS_AS(read_double(f, pos, "test"), Error);
}

TEST_CASE("toy838 job: the steps of Toy838 bit for bit; spec round trip; view state") {
    Toy838Options o;
    o.loss = ToyLoss::squared_error;
    o.learning_rate = 0.7f;
    o.seed = 5;
    o.steps = 300;
    const JobSpec spec = toy838_job_spec(o);
    CHECK(spec.text() == "toy838?loss=squared-error&lr=0.699999988&momentum=0.899999976&seed=5&steps=300");

    const Toy838Options back = toy838_job_options(JobSpec::parse(spec.text()));
    CHECK(back.loss == o.loss);
    CHECK(back.learning_rate == o.learning_rate);
    CHECK(back.momentum == o.momentum);
    CHECK(back.seed == o.seed);
    CHECK(back.steps == o.steps);

    auto job = make_job(spec, nullptr);
    REQUIRE(job->curve_count() == 0);
    CHECK_FALSE(job->evaluates());
    Toy838 direct(o);
    std::vector<float> a, b;
    for (int i = 0; i < 60; ++i) {
        a.push_back(job->step(nullptr));
        b.push_back(direct.train_step());
    }
    CHECK(a == b);

    auto copy = make_job(spec, nullptr);
    copy->load_view(testutil::job_view(*job));
    Toy838& t1 = static_cast<Toy838Job&>(*job).toy();
    Toy838& t2 = static_cast<Toy838Job&>(*copy).toy();
    CHECK(t2.loss() == t1.loss());
    const auto r1 = t1.table(), r2 = t2.table();
    for (std::size_t k = 0; k < 8; ++k)
        for (int i = 0; i < 8; ++i) CHECK(r2[k].reconstruction[i] == r1[k].reconstruction[i]);

    CHECK(testutil::job_throws_naming(JobSpec::parse("toy838?loss=hinge"), "loss"));
    CHECK(testutil::job_throws_naming(JobSpec::parse("toy838?lr=-1"), "lr"));
    CHECK(testutil::job_throws_naming(JobSpec::parse("toy838?momentum=2"), "momentum"));
    CHECK(testutil::job_throws_naming(JobSpec::parse("toy838?steps=0"), "steps"));
    std::vector<float> longer = testutil::job_view(*job);
    longer.push_back(0);
    CHECK_THROWS_AS(copy->load_view(longer), Error);
}

TEST_CASE("side_by_side job: losses, curves and held-out MSE of SideBySideRecipe bit for bit") {
    SideBySideOptions o;
    o.steps = 40;
    o.eval_count = 50;
    o.seed = 3;
    o.learning_rate = 2e-3f;
    const std::vector<MlpAeSpec> specs = depth_specs(8);
    const JobSpec spec = side_by_side_job_spec(specs, o);
    CHECK(spec.get("arch", "") == "deep,shallow,asymmetric");
    CHECK(spec.get("codes", "") == "8,8,8");

    const SideBySideJobOptions back = side_by_side_job_options(JobSpec::parse(spec.text()));
    REQUIRE(back.specs.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
        CHECK(back.specs[i].name == specs[i].name);
        CHECK(back.specs[i].encoder_hidden == specs[i].encoder_hidden);
        CHECK(back.specs[i].code == specs[i].code);
        CHECK(back.specs[i].decoder_hidden == specs[i].decoder_hidden);
    }
    CHECK(back.o.learning_rate == o.learning_rate);
    CHECK(back.o.steps == o.steps);
    CHECK(back.o.eval_count == o.eval_count);
    CHECK(back.o.batch_size == o.batch_size);
    CHECK(back.o.seed == o.seed);

    auto job = make_job(spec, &dataset());
    REQUIRE(job->curve_count() == 2);
    REQUIRE(job->evaluates());
    SideBySideRecipe direct(dataset(), specs, o);
    // The lesson's old step hook: the first network's loss, the others into curves.
    std::vector<float> la, lb, ca, cb;
    float curves[2];
    for (int i = 0; i < 12; ++i) {
        la.push_back(job->step(curves));
        ca.insert(ca.end(), curves, curves + 2);
        const std::vector<float> l = direct.train_step();
        lb.push_back(l[0]);
        cb.insert(cb.end(), l.begin() + 1, l.end());
    }
    CHECK(la == lb);
    CHECK(ca == cb);
    const std::vector<double> mse = side_by_side_eval_from(job->evaluate());
    CHECK(mse == direct.evaluate());
    CHECK(static_cast<SideBySideJob&>(*job).step() == 12);

    auto copy = make_job(spec, &dataset());
    copy->load_view(testutil::job_view(*job));
    auto& view = static_cast<SideBySideJob&>(*copy);
    CHECK(view.step() == 12);
    CHECK(side_by_side_eval_from(copy->evaluate()) == mse);
    const Tensor x = dataset().batch(Split::test, 3, 2);
    const Tensor y1 = static_cast<SideBySideJob&>(*job).recipe().net(2).reconstruct(x);
    const Tensor y2 = view.recipe().net(2).reconstruct(x);
    CHECK(std::vector<float>(y1.begin(), y1.end()) == std::vector<float>(y2.begin(), y2.end()));

    // The bottleneck's pair; a network of no family; bad values.
    CHECK(side_by_side_job_spec({bottleneck_spec(8), bottleneck_spec(1024)}, o).get("codes", "") == "8,1024");
    MlpAeSpec odd = bottleneck_spec(8);
    odd.name = "mine";
    CHECK_THROWS_AS(side_by_side_job_spec({odd}, o), Error);
    CHECK(testutil::job_throws_naming(JobSpec::parse("side_by_side?arch=deep,wide&codes=8,8"), "arch"));
    CHECK(testutil::job_throws_naming(JobSpec::parse("side_by_side?arch=deep&codes=1"), "codes"));
    CHECK(testutil::job_throws_naming(JobSpec::parse("side_by_side?arch=deep,deep&codes=8"), "codes"));
    CHECK(testutil::job_throws_naming(JobSpec::parse("side_by_side?arch=deep&codes=8&lr=0"), "lr"));
    CHECK(testutil::job_throws_naming(JobSpec::parse("side_by_side?arch=deep&codes=8&eval=0"), "eval"));
    CHECK(testutil::job_throws_naming(JobSpec::parse("side_by_side?codes=8"), "arch"));
}

TEST_CASE("stacked_ae job: the greedy and end-to-end losses of StackedRecipe bit for bit; the grid; the view") {
    StackedJobOptions j;
    j.o = stacked_schedule(30);
    j.o.eval_count = 40;
    j.o.seed = 2;
    j.o.learning_rate = 2e-3f;
    j.every = 10;
    j.probes = false;  // the probes at the end are the lesson test's (they take a while)
    const JobSpec spec = stacked_job_spec(j);
    const StackedJobOptions back = stacked_job_options(JobSpec::parse(spec.text()));
    CHECK(back.o.hidden1 == j.o.hidden1);
    CHECK(back.o.hidden2 == j.o.hidden2);
    CHECK(back.o.stage1_steps == 10);
    CHECK(back.o.stage2_steps == 5);
    CHECK(back.o.finetune_steps == 15);
    CHECK(back.o.learning_rate == j.o.learning_rate);
    CHECK(back.o.eval_count == 40);
    CHECK(back.o.seed == 2);
    CHECK(back.every == 10);
    CHECK_FALSE(back.probes);

    auto job = make_job(spec, &dataset());
    auto& sj = static_cast<StackedJob&>(*job);
    REQUIRE(job->curve_count() == 1);
    StackedRecipe direct(dataset(), j.o);
    std::vector<float> la, lb, ca, cb;
    for (int i = 0; i < 30; ++i) {  // through all three stages (each starts a fresh Adam)
        float curve = 0;
        la.push_back(job->step(&curve));
        ca.push_back(curve);
        lb.push_back(direct.train_step());
        cb.push_back(direct.end_to_end_losses().back());
        CHECK(sj.stage() == direct.stage());
    }
    CHECK(la == lb);
    CHECK(ca == cb);
    CHECK(sj.stage() == StackedStage::done);

    // Step 30 is on the grid of 10: the held-out MSE as the lesson plotted it (float), no probes.
    StackedEval e = stacked_eval_from(job->evaluate());
    CHECK(e.held_out);
    CHECK(e.mse_greedy == float(direct.held_out_mse_greedy()));
    CHECK(e.mse_end_to_end == float(direct.held_out_mse_end_to_end()));
    CHECK_FALSE(e.probed);

    auto copy = make_job(spec, &dataset());
    copy->load_view(testutil::job_view(*job));
    auto& view = static_cast<StackedJob&>(*copy);
    CHECK(view.step() == 30);
    CHECK(view.stage() == StackedStage::done);
    const Tensor x = dataset().batch(Split::test, 0, 2);
    for (int which = 0; which < 2; ++which) {
        const Tensor y1 = which ? sj.recipe().reconstruct_end_to_end(x) : sj.recipe().reconstruct_stacked(x);
        const Tensor y2 = which ? view.recipe().reconstruct_end_to_end(x) : view.recipe().reconstruct_stacked(x);
        CHECK(std::vector<float>(y1.begin(), y1.end()) == std::vector<float>(y2.begin(), y2.end()));
    }

    // Off the grid: no held-out MSE.
    j.every = 7;
    auto off = make_job(stacked_job_spec(j), &dataset());
    off->load_view(testutil::job_view(*job));
    e = stacked_eval_from(off->evaluate());
    CHECK_FALSE(e.held_out);

    CHECK(stacked_stage_at(j.o, 9) == StackedStage::layer1);
    CHECK(stacked_stage_at(j.o, 10) == StackedStage::layer2);
    CHECK(stacked_stage_at(j.o, 15) == StackedStage::finetune);
    CHECK(testutil::job_throws_naming(JobSpec::parse("stacked_ae?h1=0"), "h1"));
    CHECK(testutil::job_throws_naming(JobSpec::parse("stacked_ae?s2=-1"), "s2"));
    CHECK(testutil::job_throws_naming(JobSpec::parse("stacked_ae?probes=maybe"), "probes"));
    CHECK(testutil::job_throws_naming(JobSpec::parse("stacked_ae?every=-3"), "every"));
    CHECK_THROWS_AS(make_job(JobSpec::parse("stacked_ae?h1=16&h2=32"), &dataset()), Error);  // h2 > h1
    CHECK_THROWS_AS(make_job(spec, nullptr), Error);
    CHECK_THROWS_AS(stacked_eval_from({1, 0}), Error);
}
