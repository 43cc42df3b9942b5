// aelab core: the training jobs of the "What autoencoders are for" lesson's CodeAeRecipe runs
// (retrieval and compression, the 2-D visualisation, anomalies); its inpainting run is the
// denoising job (aelab/jobs/denoising.hpp, inpainting=1).
//   kind "code_ae"; keys net (retrieval|visualisation|anomaly: retrieval_spec() ...), lr, seed,
//   steps, batch, holdout (-1: none), eval (none|retrieval|visual|anomaly: what evaluate()
//   measures, as the lesson's section shows it).
// step(): the recipe's loss, no other curves. View state: the autoencoder's weights (the
// lesson's views read only the figures, except through the model).
// evaluate(), per eval (decoded by the *_eval_from functions below):
//   retrieval  precision@k of codes and bits over kRetrievalQueries queries, the compression
//              curve, and the codes of every training image and query (the page's neighbour
//              search); the bits are binarize(codes, thresholds), as retrieval_codes makes them
//   visual     the kVisualisationPoints test images' 2-D codes and their k-NN accuracy
//   anomaly    anomaly_eval over every test image
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "aelab/recipe_applications.hpp"
#include "aelab/train_job.hpp"

namespace aelab {

enum class CodeAeEval { none, retrieval, visual, anomaly };
const char* code_ae_eval_key(CodeAeEval e);  // "none", "retrieval", "visual", "anomaly"

struct CodeAeJobOptions {
    CodeAeOptions recipe;  // recipe.spec one of retrieval_spec(), visualisation_spec(), anomaly_spec()
    CodeAeEval eval = CodeAeEval::none;
};

// Throws aelab::Error when the network is not one of the three above.
JobSpec code_ae_job_spec(const CodeAeJobOptions& o);
CodeAeJobOptions code_ae_job_options(const JobSpec& spec);

// What evaluate() measured, read back from its figures (aelab::Error for a malformed list).
struct RetrievalFigures {
    std::vector<double> codes, bits;   // precision at k = 1 .. kRetrievalKMax
    std::vector<RatePoint> rate;       // ae_rate_curve
    std::vector<float> thresholds;     // the training codes' column medians
    Tensor train_codes, test_codes;    // (N, K), (M, K)
};
RetrievalFigures retrieval_figures_from(const std::vector<float>& figures);
// The codes, thresholds and bits of `e` into the features (their pixels untouched).
void set_codes(RetrievalFeatures& f, const RetrievalFigures& e);
struct VisualFigures {
    Tensor codes;  // (kVisualisationPoints, 2)
    double knn = 0;
};
VisualFigures visual_figures_from(const std::vector<float>& figures);
AnomalyEval anomaly_figures_from(const std::vector<float>& figures);

class CodeAeJob : public TrainJob {
public:
    CodeAeJob(const Dataset& data, const CodeAeJobOptions& o);
    float step(float* curves) override;
    bool evaluates() const override { return o_.eval != CodeAeEval::none; }
    std::vector<float> evaluate() override;
    void save_view(std::vector<float>& out) const override;
    void load_view(const std::vector<float>& in) override;
    int epoch_size() const override { return int(recipe_.train_indices().size()); }
    int batch_size() const override { return o_.recipe.batch_size; }
    CodeAeRecipe& recipe() { return recipe_; }

private:
    const Dataset& data_;
    CodeAeJobOptions o_;
    CodeAeRecipe recipe_;
};

std::unique_ptr<TrainJob> make_code_ae_job(const JobSpec& spec, const Dataset* data);

}  // namespace aelab
