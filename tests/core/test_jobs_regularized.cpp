// Tests for the sparse and contractive lesson's training jobs (aelab/jobs/regularized.hpp): each
// job's steps and curves are the recipe's bit for bit (driven the way the lesson's old hooks
// did), the sweep evaluates each network in the step that finishes it, the spec text round trip
// and bad values, the view state round trip.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "aelab/error.hpp"
#include "aelab/jobs/regularized.hpp"
#include "test_util.hpp"

using namespace aelab;
using testutil::dataset;

namespace {

std::vector<float> values(const Tensor& t) { return std::vector<float>(t.begin(), t.end()); }

bool same_eval(const SparseEval& a, const SparseEval& b) {
    return a.mse == b.mse && a.fraction_active == b.fraction_active && a.l1 == b.l1 &&
           a.dead_fraction == b.dead_fraction && a.atom_spread == b.atom_spread;
}

}  // namespace

TEST_CASE("sparse_ae job: the steps, curves and evaluation of SparseAe bit for bit; spec; view") {
    SparseAeOptions o;
    o.code = 64;
    o.lambda = 1e-3f;
    o.learning_rate = 2e-3f;
    o.steps = 50;
    o.eval_count = 30;
    o.seed = 4;
    const JobSpec spec = sparse_job_spec(o);
    const SparseAeOptions back = sparse_job_options(JobSpec::parse(spec.text()));
    CHECK(back.code == o.code);
    CHECK(back.lambda == o.lambda);
    CHECK(back.learning_rate == o.learning_rate);
    CHECK(back.batch_size == o.batch_size);
    CHECK(back.steps == o.steps);
    CHECK(back.eval_count == o.eval_count);
    CHECK(back.seed == o.seed);

    auto job = make_job(spec, &dataset());
    REQUIRE(job->curve_count() == 2);
    REQUIRE(job->evaluates());
    SparseAe direct(dataset(), o);
    std::vector<float> la, lb, ca, cb;
    float curves[2];
    for (int i = 0; i < 15; ++i) {
        la.push_back(job->step(curves));
        ca.insert(ca.end(), curves, curves + 2);
        lb.push_back(direct.train_step());
        cb.push_back(direct.last_mse());
        cb.push_back(direct.last_fraction_active());
    }
    CHECK(la == lb);
    CHECK(ca == cb);
    Tensor codes, direct_codes;
    const SparseEval e = sparse_eval_from(job->evaluate(), &codes);
    CHECK(same_eval(e, direct.evaluate(&direct_codes)));
    CHECK(codes.shape() == (Shape{30, 64}));
    CHECK(values(codes) == values(direct_codes));

    auto copy = make_job(spec, &dataset());
    copy->load_view(testutil::job_view(*job));
    CHECK(same_eval(sparse_eval_from(copy->evaluate()), e));
    const Tensor x = dataset().batch(Split::test, 5, 2);
    SparseAe& v = static_cast<SparseJob&>(*copy).ae();
    CHECK(values(v.decode(v.encode(x))) == values(direct.decode(direct.encode(x))));
    CHECK(values(v.atoms()) == values(direct.atoms()));

    CHECK(testutil::job_throws_naming(JobSpec::parse("sparse_ae?lambda=0.5"), "lambda"));
    CHECK(testutil::job_throws_naming(JobSpec::parse("sparse_ae?code=4"), "code"));
    CHECK(testutil::job_throws_naming(JobSpec::parse("sparse_ae?batch=0"), "batch"));
    CHECK_THROWS_AS(sparse_eval_from({1, 2, 3}), Error);
    CHECK_THROWS_AS(make_job(spec, nullptr), Error);
}

TEST_CASE("sparse_sweep job: round robin as SparseSweep; each network evaluated in the step that finishes it") {
    SparseSweepJobOptions o;
    o.lambdas = {0.0f, 1e-4f, 3e-3f};
    o.o.code = 32;
    o.o.steps = 4;
    o.o.eval_count = 20;
    o.o.seed = 6;
    o.atoms = 5;
    const JobSpec spec = sparse_sweep_job_spec(o);
    const SparseSweepJobOptions back = sparse_sweep_job_options(JobSpec::parse(spec.text()));
    CHECK(back.lambdas == o.lambdas);  // %.9g reads back exactly
    CHECK(back.o.code == 32);
    CHECK(back.o.steps == 4);
    CHECK(back.o.eval_count == 20);
    CHECK(back.o.seed == 6);
    CHECK(back.atoms == 5);

    auto job = make_job(spec, &dataset());
    auto& sj = static_cast<SparseSweepJob&>(*job);
    REQUIRE(job->curve_count() == 1);
    CHECK_FALSE(job->evaluates());
    SparseSweep direct(dataset(), o.lambdas, o.o);
    std::vector<float> la, lb, index;
    for (int k = 0; k < 12; ++k) {
        float curve = -1;
        la.push_back(job->step(&curve));
        index.push_back(curve);
        CHECK(std::size_t(curve) == std::size_t(k % 3));  // round robin
        lb.push_back(direct.train_step());
        // Networks finish in the last round, in lambda order.
        CHECK(sj.results().size() == (k < 9 ? 0u : std::size_t(k - 8)));
    }
    CHECK(la == lb);
    REQUIRE(sj.results().size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
        Tensor codes;
        CHECK(sj.results()[i].lambda == o.lambdas[i]);
        CHECK(same_eval(sj.results()[i].eval, direct.net(i).evaluate(&codes)));
        std::vector<int> units = units_by_use(codes);
        units.resize(5);
        CHECK(values(sj.top_atoms()[i]) == values(atom_images(direct.net(i).atoms(), units)));
        CHECK(sj.top_atoms()[i].shape() == (Shape{5, 1, 28, 28}));
    }
    float curve = -1;
    CHECK(job->step(&curve) == 0.0f);  // done: nothing to step
    CHECK(curve == 3.0f);

    // The view carries the evaluations, not the networks.
    auto copy = make_job(spec, &dataset());
    const std::vector<float> view = testutil::job_view(*job);
    CHECK(view.size() == 1 + 3 * (1 + 15 + 1 + 5 * 784));
    copy->load_view(view);
    auto& v = static_cast<SparseSweepJob&>(*copy);
    REQUIRE(v.results().size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
        CHECK(v.results()[i].lambda == sj.results()[i].lambda);
        CHECK(same_eval(v.results()[i].eval, sj.results()[i].eval));
        CHECK(values(v.top_atoms()[i]) == values(sj.top_atoms()[i]));
    }
    std::vector<float> shorter(view.begin(), view.end() - 1);
    CHECK_THROWS_AS(copy->load_view(shorter), Error);

    CHECK(testutil::job_throws_naming(JobSpec::parse("sparse_sweep?lambdas=0,0.5"), "lambdas"));
    CHECK(testutil::job_throws_naming(JobSpec::parse("sparse_sweep?lambdas=0,,1"), "lambdas"));
    CHECK(testutil::job_throws_naming(JobSpec::parse("sparse_sweep?code=64"), "lambdas"));
    CHECK(testutil::job_throws_naming(JobSpec::parse("sparse_sweep?lambdas=0&atoms=-1"), "atoms"));
}

TEST_CASE("contractive_ae job: both networks' steps, curves and evaluation bit for bit; spec; view") {
    ContractiveOptions o;
    o.code = 32;
    o.lambda = 0.05f;
    o.learning_rate = 3e-3f;
    o.steps = 40;
    o.eval_count = 30;
    o.seed = 7;
    const JobSpec spec = contractive_job_spec(o);
    const ContractiveOptions back = contractive_job_options(JobSpec::parse(spec.text()));
    CHECK(back.code == o.code);
    CHECK(back.lambda == o.lambda);
    CHECK(back.learning_rate == o.learning_rate);
    CHECK(back.batch_size == o.batch_size);
    CHECK(back.steps == o.steps);
    CHECK(back.eval_count == o.eval_count);
    CHECK(back.seed == o.seed);

    auto job = make_job(spec, &dataset());
    REQUIRE(job->curve_count() == 2);
    ContractiveRecipe direct(dataset(), o);
    std::vector<float> la, lb, ca, cb;
    float curves[2];
    for (int i = 0; i < 12; ++i) {
        la.push_back(job->step(curves));
        ca.insert(ca.end(), curves, curves + 2);
        lb.push_back(direct.train_step());
        cb.push_back(direct.last_plain_loss());
        cb.push_back(direct.last_penalty());
    }
    CHECK(la == lb);
    CHECK(ca == cb);
    const ContractiveEval e = contractive_eval_from(job->evaluate());
    const ContractiveEval d = direct.evaluate();
    CHECK(e.mse_plain == d.mse_plain);
    CHECK(e.mse_contractive == d.mse_contractive);
    CHECK(e.jacobian_fro_plain == d.jacobian_fro_plain);
    CHECK(e.jacobian_fro_contractive == d.jacobian_fro_contractive);

    auto copy = make_job(spec, &dataset());
    copy->load_view(testutil::job_view(*job));
    ContractiveRecipe& v = static_cast<ContractiveJob&>(*copy).recipe();
    const Tensor x = dataset().image(Split::test, 2);
    CHECK(v.singular_values(true, x) == direct.singular_values(true, x));
    CHECK(v.singular_values(false, x) == direct.singular_values(false, x));

    CHECK(testutil::job_throws_naming(JobSpec::parse("contractive_ae?lambda=11"), "lambda"));
    CHECK(testutil::job_throws_naming(JobSpec::parse("contractive_ae?code=0"), "code"));
    CHECK(testutil::job_throws_naming(JobSpec::parse("contractive_ae?seed=x"), "seed"));
    CHECK_THROWS_AS(contractive_eval_from(std::vector<float>(11, 0.0f)), Error);
}
