// Tests for aelab/jobs/regularized_ae_manifold.hpp (the manifold job): the recipe's losses and
// figures bit for bit, the spec's text round trip (presets and drawn curves) and bad values, and
// the view state.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "aelab/error.hpp"
#include "aelab/jobs/regularized_ae_manifold.hpp"

using namespace aelab;

namespace {

ManifoldJobOptions small_options() {
    ManifoldJobOptions o;
    o.recipe.points = 200;
    o.recipe.code = 8;
    o.recipe.noise = 0.25f;
    o.recipe.lambda = 0.3f;
    o.recipe.learning_rate = 0.03f;
    o.recipe.steps = 50;
    o.recipe.seed = 7;
    return o;
}

std::string error_of(const JobSpec& s) {
    try {
        make_job(s, nullptr);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("manifold job: the recipe's losses and field figures bit for bit") {
    for (const char* shape : {"spiral", "drawn"}) {
        CAPTURE(shape);
        ManifoldJobOptions o = small_options();
        o.shape = shape;
        if (o.shape == "drawn") o.drawn = {-30, 0, 0, 30, 30, 0};
        auto job = make_job(JobSpec::parse(manifold_job_spec(o).text()), nullptr);
        ManifoldRecipe direct(manifold_job_curve(o), o.recipe);
        if (o.shape == "drawn") CHECK(direct.curve().pieces[0] == std::vector<float>{-1.5f, 0.0f, 0.0f, 1.5f, 1.5f, 0.0f});
        std::vector<float> a, b;
        for (int i = 0; i < 20; ++i) a.push_back(job->step(nullptr)), b.push_back(direct.train_step());
        CHECK(a == b);
        CHECK(job->curve_count() == 0);
        CHECK(job->epoch_size() == 200);
        for (ManifoldKind k : kAllManifoldKinds) CHECK(static_cast<ManifoldJob&>(*job).loss(k) == direct.loss(k));
        const std::array<FieldStats, kManifoldKinds> s = manifold_stats_from(job->evaluate());
        for (ManifoldKind k : kAllManifoldKinds) {
            const FieldStats want = direct.stats(k);
            CHECK(float(s[std::size_t(k)].mean_cosine) == float(want.mean_cosine));
            CHECK(float(s[std::size_t(k)].mean_length) == float(want.mean_length));
            CHECK(s[std::size_t(k)].count == want.count);
            CHECK(want.count > 0);
        }
    }
}

TEST_CASE("manifold job: spec text round trip; bad values name their key") {
    ManifoldJobOptions o = small_options();
    o.shape = "drawn";
    o.drawn = {-50, 2, 7, 50, 13, -4};
    o.recipe.tied = false;
    const JobSpec spec = manifold_job_spec(o);
    const ManifoldJobOptions back = manifold_job_options(JobSpec::parse(spec.text()));
    CHECK(back.shape == "drawn");
    CHECK(back.drawn == o.drawn);
    CHECK_FALSE(back.recipe.tied);
    CHECK(back.recipe.code == 8);
    CHECK(back.recipe.noise == o.recipe.noise);
    CHECK(back.recipe.lambda == o.recipe.lambda);
    CHECK(back.recipe.data_noise == o.recipe.data_noise);
    CHECK(back.recipe.learning_rate == o.recipe.learning_rate);
    CHECK(back.recipe.points == 200);
    CHECK(back.recipe.steps == 50);
    CHECK(back.recipe.seed == 7);
    CHECK(manifold_job_spec(back).text() == spec.text());
    CHECK(manifold_job_options(manifold_job_spec(small_options())).shape == "circle");

    auto with = [&spec](const char* key, const char* value) {
        JobSpec s = spec;
        s.set(key, std::string(value));
        return error_of(s);
    };
    CHECK(with("shape", "ring").find("shape=ring") != std::string::npos);  // a mode preset, not a curve
    CHECK(with("code", "2").find("code=2") != std::string::npos);
    CHECK(with("lambda", "-1").find("lambda=-1") != std::string::npos);
    CHECK(with("curve", "1,2,3").find("curve") != std::string::npos);
    CHECK(with("curve", "1,99").find("curve=1,99") != std::string::npos);
    JobSpec none = spec;
    none.values.erase("curve");
    CHECK(error_of(none).find("no curve drawn") != std::string::npos);
}

TEST_CASE("manifold job: the view state loads into a fresh job from the same spec") {
    const JobSpec spec = manifold_job_spec(small_options());
    auto trained = make_job(spec, nullptr), fresh = make_job(spec, nullptr);
    for (int i = 0; i < 10; ++i) trained->step(nullptr);
    std::vector<float> view;
    trained->save_view(view);
    fresh->load_view(view);
    ManifoldJob& a = static_cast<ManifoldJob&>(*trained);
    ManifoldJob& b = static_cast<ManifoldJob&>(*fresh);
    for (ManifoldKind k : kAllManifoldKinds) {
        CHECK(a.recipe().field(k) == b.recipe().field(k));
        CHECK(a.loss(k) == b.loss(k));
        CHECK(a.loss(k) > 0);
    }
    CHECK(trained->evaluate() == fresh->evaluate());
    view.push_back(0);
    CHECK_THROWS_AS(fresh->load_view(view), Error);
}
