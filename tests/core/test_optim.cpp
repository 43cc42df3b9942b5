// Tests for core/src/nn/optim.cpp: three steps of SGD (plain, momentum with dampening and
// weight decay, Nesterov) and Adam (defaults; betas, eps and weight decay) against
// torch.optim on the same parameters and gradients. The expected values were printed by
// PyTorch 1.13 (Debian python3-torch) with this script:
//
//   p0 = [0.5, -1.25, 3.0, 0.0, -0.375]
//   grads = [[0.1, -0.2, 0.3, -0.4, 0.5], [-1.0, 0.5, 0.25, 2.0, -0.125], [0.05, 0.05, -0.5, 1.5, 0.0]]
//   p = torch.tensor(p0, requires_grad=True); opt = <optimizer>([p])
//   for g in grads: p.grad = torch.tensor(g); opt.step(); print(p.tolist())
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "aelab/model.hpp"
#include "aelab/optim.hpp"

namespace {

using Rows = std::vector<std::vector<float>>;

const std::vector<float> kStart = {0.5f, -1.25f, 3.0f, 0.0f, -0.375f};
const Rows kGrads = {{0.1f, -0.2f, 0.3f, -0.4f, 0.5f},
                     {-1.0f, 0.5f, 0.25f, 2.0f, -0.125f},
                     {0.05f, 0.05f, -0.5f, 1.5f, 0.0f}};

void check_steps(aelab::Optimizer& opt, const Rows& expected) {
    std::vector<float> p = kStart;
    for (std::size_t t = 0; t < kGrads.size(); ++t) {
        opt.step(p.data(), kGrads[t].data(), p.size());
        for (std::size_t i = 0; i < p.size(); ++i) {
            INFO("step ", t + 1, " parameter ", i, ": ", p[i], " vs torch ", expected[t][i]);
            CHECK(std::fabs(p[i] - expected[t][i]) <= 1e-6f + 1e-6f * std::fabs(expected[t][i]));
        }
    }
    CHECK(opt.steps() == 3);
}

}  // namespace

TEST_CASE("optim: SGD matches torch.optim.SGD") {
    SUBCASE("plain, lr 0.1 (by hand: 0.5 - 0.1 * 0.1 = 0.49)") {
        aelab::Sgd opt({0.1f});
        check_steps(opt, {{0.49000001f, -1.23000002f, 2.97000003f, 0.0400000028f, -0.425000012f},
                          {0.590000033f, -1.27999997f, 2.94499993f, -0.159999996f, -0.412500024f},
                          {0.585000038f, -1.28499997f, 2.99499989f, -0.310000002f, -0.412500024f}});
    }
    SUBCASE("momentum 0.9, dampening 0.1, weight decay 0.01") {
        aelab::Sgd opt({0.1f, 0.9f, 0.1f, 0.01f});
        check_steps(opt, {{0.489499986f, -1.22874999f, 2.96700001f, 0.0400000028f, -0.424625009f},
                          {0.569609463f, -1.25351906f, 2.91212964f, -0.104036003f, -0.45765534f},
                          {0.636695325f, -1.27918315f, 2.90512538f, -0.368574768f, -0.486970752f}});
    }
    SUBCASE("Nesterov, lr 0.05, momentum 0.8") {
        aelab::Sgd opt({0.05f, 0.8f, 0.0f, 0.0f, true});
        check_steps(opt, {{0.490999997f, -1.23199999f, 2.97300005f, 0.0360000022f, -0.419999987f},
                          {0.577799976f, -1.27059996f, 2.94090009f, -0.131200001f, -0.42475f},
                          {0.60273999f, -1.28597999f, 2.97022009f, -0.319959998f, -0.43355f}});
    }
}

TEST_CASE("optim: Adam matches torch.optim.Adam") {
    SUBCASE("defaults (lr 1e-3, betas 0.9/0.999, eps 1e-8)") {
        aelab::Adam opt;
        check_steps(opt, {{0.499000013f, -1.24899995f, 2.99900007f, 0.000999999931f, -0.375999987f},
                          {0.499673814f, -1.24944222f, 2.99800897f, 0.000401645724f, -0.376469463f},
                          {0.500162244f, -1.24984169f, 2.99804115f, -0.000349500508f, -0.376832366f}});
    }
    SUBCASE("lr 0.01, betas 0.8/0.99, eps 1e-6, weight decay 0.1") {
        aelab::Adam opt({0.01f, 0.8f, 0.99f, 1e-6f, 0.1f});
        check_steps(opt, {{0.490000069f, -1.24000001f, 2.99000001f, 0.00999997556f, -0.38499999f},
                          {0.496765435f, -1.24183309f, 2.980057f, 0.00354269659f, -0.3883138f},
                          {0.500910342f, -1.24209666f, 2.97478271f, -0.00441832514f, -0.390144795f}});
    }
}

TEST_CASE("optim: one flat loop over a model's whole buffer; state tied to its size") {
    aelab::Sequential m({3});
    m.add<aelab::Linear>(3, 4);
    m.add<aelab::Linear>(4, 2);
    m.init(1);
    std::vector<float> expected(m.params(), m.params() + m.param_count());
    for (std::size_t i = 0; i < m.param_count(); ++i) m.grads()[i] = 0.01f * float(i);
    aelab::Sgd sgd({0.5f});
    sgd.step(m);
    for (std::size_t i = 0; i < m.param_count(); ++i) CHECK(m.params()[i] == expected[i] - 0.5f * m.grads()[i]);

    aelab::Adam adam;
    adam.step(m);
    std::vector<float> other(3, 0.0f);
    CHECK_THROWS_WITH_AS(adam.step(other.data(), other.data(), other.size()),
                         doctest::Contains("Adam: step over 3 parameters, but the optimizer state is for 26"),
                         aelab::Error);
    adam.reset();
    adam.step(other.data(), other.data(), other.size());
    CHECK(adam.steps() == 1);

    CHECK_THROWS_AS(aelab::Sgd({0.1f, 0.0f, 0.0f, 0.0f, true}), aelab::Error);
    CHECK_THROWS_AS(aelab::Adam({0.1f, 1.0f}), aelab::Error);
}
