// Tests for core/src/ops/linear.cpp: the GEMM path against linear_*_ref at tile edges.
#include <doctest/doctest.h>

#include "aelab/gemm.hpp"
#include "aelab/linear.hpp"
#include "test_util.hpp"

using testutil::max_rel_error;
using testutil::random_vector;

TEST_CASE("linear: GEMM path matches linear_ref, forward and backward") {
    aelab::Rng rng(41);
    const int mr = aelab::gemm_kernel_mr(), nr = aelab::gemm_kernel_nr();
    for (int N : {1, mr - 1, mr + 1, 2 * mr})
        for (int I : {1, 3, nr + 1, 300})
            for (int O : {1, nr - 1, nr, 2 * nr + 1}) {
                if (N < 1 || O < 1) continue;
                INFO("N=", N, " I=", I, " O=", O);
                auto x = random_vector(rng, std::size_t(N) * I);            // (N, I)
                auto w = random_vector(rng, std::size_t(O) * I);            // (O, I)
                auto b = random_vector(rng, O);                             // (O,)
                std::vector<float> y(std::size_t(N) * O), y_ref(y.size());  // (N, O)
                aelab::linear_forward(y.data(), x.data(), w.data(), b.data(), N, I, O);
                aelab::linear_forward_ref(y_ref.data(), x.data(), w.data(), b.data(), N, I, O);
                CHECK(max_rel_error(y, y_ref) < 1e-5);
                auto dy = random_vector(rng, y.size());
                auto dx = random_vector(rng, x.size()), dw = random_vector(rng, w.size()),
                     db = random_vector(rng, b.size());
                auto dx_ref = dx, dw_ref = dw, db_ref = db;
                aelab::linear_backward(dx.data(), dw.data(), db.data(), dy.data(), x.data(),
                                       w.data(), N, I, O);
                aelab::linear_backward_ref(dx_ref.data(), dw_ref.data(), db_ref.data(), dy.data(),
                                           x.data(), w.data(), N, I, O);
                CHECK(max_rel_error(dx, dx_ref) < 1e-5);
                CHECK(max_rel_error(dw, dw_ref) < 1e-5);
                CHECK(max_rel_error(db, db_ref) < 1e-5);
            }
}
