// aelab core: the job kinds make_job() knows, one line each (aelab/train_job.hpp).
#include "aelab/error.hpp"
#include "aelab/jobs/ae_applications.hpp"
#include "aelab/jobs/denoising.hpp"
#include "aelab/jobs/regularized_ae_manifold.hpp"
#include "aelab/jobs/autoencoder.hpp"
#include "aelab/jobs/regularized.hpp"
#include "aelab/jobs/conv_autoencoder.hpp"
#include "aelab/jobs/pca_linear_ae.hpp"
#include "aelab/jobs/vae.hpp"
#include "aelab/jobs/gan.hpp"
#include "aelab/jobs/rbm.hpp"
#include "aelab/train_job.hpp"

namespace aelab {

namespace {
using Factory = std::unique_ptr<TrainJob> (*)(const JobSpec&, const Dataset*);
struct Kind {
    const char* name;
    Factory make;
};
const Kind kKinds[] = {
    {"denoising", make_denoising_job},
    {"code_ae", make_code_ae_job},
    {"manifold", make_manifold_job},
    {"toy838", make_toy838_job},
    {"side_by_side", make_side_by_side_job},
    {"stacked_ae", make_stacked_job},
    {"sparse_ae", make_sparse_job},
    {"sparse_sweep", make_sparse_sweep_job},
    {"contractive_ae", make_contractive_job},
    {"vae", make_vae_job},
    {"linear_ae", make_linear_ae_job},
    {"conv_ae", make_conv_ae_job},
    {"rbm", make_rbm_job},
    {"dbn-ae", make_dbn_job},
    {"gan-plane", make_gan_plane_job},
    {"gan-image", make_gan_image_job},
};
}  // namespace

std::unique_ptr<TrainJob> make_job(const JobSpec& spec, const Dataset* data) {
    for (const Kind& k : kKinds)
        if (spec.kind == k.name) return k.make(spec, data);
    std::string known;
    for (const Kind& k : kKinds) known += (known.empty() ? "" : ", ") + std::string(k.name);
    throw Error("no training job called \"" + printable(spec.kind) + "\" (known: " + known + ")");
}

std::vector<std::string> job_kinds() {
    std::vector<std::string> out;
    for (const Kind& k : kKinds) out.push_back(k.name);
    return out;
}

}  // namespace aelab
