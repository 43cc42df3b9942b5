// aelab core: the job kinds make_job() knows, one line each (aelab/train_job.hpp).
#include "aelab/error.hpp"
#include "aelab/jobs/denoising.hpp"
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
