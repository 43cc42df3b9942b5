// The "What autoencoders are for" lesson's state and maths, apart from its drawing so tests can
// run them without a window: the page's URL keys and its four live trainings (the core's
// recipes, aelab/recipe_applications.hpp, as training jobs, aelab/jobs/ae_applications.hpp and
// aelab/jobs/denoising.hpp, on the kit's LiveTraining), with what each evaluates.
//
// Legend: x a test image (1, 28, 28) in [0, 1]; f the encoder, g the decoder, z = f(x) the code
//   (K numbers), bits(z) = [z_j > median_j] its binary code; precision@k the fraction of the k
//   nearest training images of the query's class; AUC the area under the ROC curve.
#pragma once
#include <memory>
#include <optional>
#include <vector>

#include "aelab/dataset.hpp"
#include "aelab/jobs/ae_applications.hpp"
#include "aelab/jobs/denoising.hpp"
#include "aelab/pca.hpp"
#include "aelab/recipe_applications.hpp"
#include "kit/sections.hpp"
#include "kit/training.hpp"
#include "kit/url_state.hpp"

namespace aelab::lessons::ae_applications {

// --- Page settings (all of it in the URL) ---------------------------------------------------------
struct Settings {
    int query = 0;           // the retrieval section's test image
    int holdout = 1;         // the class the anomaly network never sees (trouser)
    float mask_p = 0.5f;     // masking probability of the inpainting denoiser's training noise
    int inpaint_image = 0;   // the inpainting section's test image
    Rect hole{9, 6, 19, 22}; // the erased rectangle
};
constexpr int kSections = 5, kMinSteps = 10, kMaxSteps = 50000;
constexpr int kRetrievalEvalEvery = 500, kVisualEvalEvery = 250, kAnomalyEvalEvery = 250;

// The page's four runs: retrieval and compression share one autoencoder (the main run, with
// the train key), the 2-D visualisation, the anomaly network and the inpainting denoiser each
// have their own (prefixed keys v, a, i: vseed, vlr, vsteps, ...).
struct Trainings {
    LiveTraining retrieval{CodeAeOptions{}.steps, 64, 6000, kRetrievalEvalEvery};
    LiveTraining visual{3000, 64, 6000, kVisualEvalEvery};
    LiveTraining anomaly{2000, 64, 5400, kAnomalyEvalEvery};
    LiveTraining inpaint{2000, 64, 6000, 0};
    Trainings();
    std::vector<LiveTraining*> all() { return {&retrieval, &visual, &anomaly, &inpaint}; }
};

// URL keys: q (query image), hold (held-out class 0..9), p (masking probability in [0.05,
// 0.95]), iimg, hole ("r0,c0,r1,c1" in [0, 28]), open (sections), seed, lr, steps, train
// (retrieval) and the prefixed v*, a*, i* of the other runs. Malformed values keep the defaults.
kit::UrlState url_state(Settings& s, kit::Sections& sections, Trainings& t);

// The recipe options each run builds from (its seed, learning rate and steps; the settings).
CodeAeOptions retrieval_options(const LiveTraining& t);
CodeAeOptions visual_options(const LiveTraining& t);
CodeAeOptions anomaly_options(const Settings& s, const LiveTraining& t);
DenoisingRecipeOptions inpaint_options(const Settings& s, const LiveTraining& t);

// --- What the runs evaluate ------------------------------------------------------------------------
// Each state's recipe is the page's copy (the LiveTraining's view of its job, weights of the
// latest snapshot); the figures arrive from the job's evaluations.
// Retrieval and compression: one autoencoder; codes and bits of every image after each
// evaluation; the pixel curve does not depend on the network and is computed once, in chunks
// (advance_pixels), so no frame stalls.
struct RetrievalState {
    CodeAeRecipe* recipe = nullptr;
    RetrievalFeatures features;               // pixels once, codes at each evaluation
    std::vector<double> codes, bits;          // precision at k = 1 .. kRetrievalKMax
    std::vector<double> pixel_sum;            // sum over the queries done so far
    std::size_t pixel_queries = 0;            // of kRetrievalQueries
    std::vector<RatePoint> ae_rate;           // bits per image vs PSNR
    int evaluated_step = -1;
    bool pixels_done() const { return pixel_queries >= kRetrievalQueries; }
    std::vector<double> pixels() const;       // the mean so far
};
// Adds `queries` more queries to the pixel curve; returns true once all are done.
bool advance_pixels(RetrievalState& r, std::size_t queries);

struct VisualState {
    CodeAeRecipe* recipe = nullptr;
    Tensor codes;          // (kVisualisationPoints, 2)
    double knn_ae = 0;     // leave-one-out k-NN accuracy of the 2-D codes
    int evaluated_step = -1;
};
struct AnomalyState {
    CodeAeRecipe* recipe = nullptr;
    AnomalyEval eval;
    std::vector<float> auc_curve;  // AUC at each evaluation (every kAnomalyEvalEvery steps)
};
struct InpaintState {
    DenoisingRecipe* recipe = nullptr;
    std::vector<float> plain_losses;
};

// The jobs the four runs train (their options, and what each evaluates).
JobSpec retrieval_job_spec(const LiveTraining& t);
JobSpec visual_job_spec(const LiveTraining& t);
JobSpec anomaly_job_spec(const Settings& s, const LiveTraining& t);
JobSpec inpaint_job_spec(const Settings& s, const LiveTraining& t);

// Hook the four runs to their states; `settings` is read at every rebuild.
void attach(Trainings& t, RetrievalState& r, VisualState& v, AnomalyState& a, InpaintState& i, const Dataset& data,
            const Settings& settings);

// The PCA the page compares with: kPcaComponents components of the training images, its 2-D
// projection of the test images, their k-NN accuracy and its rate curve at the AE's budgets.
struct PcaState {
    std::optional<PcaResult> pca;
    Tensor points;  // (kVisualisationPoints, 2)
    double knn = 0;
    std::vector<RatePoint> rate;
};
void compute_pca(PcaState& p, const Dataset& data, const std::vector<int>& budgets);

// --- PyTorch ---------------------------------------------------------------------------------------
std::string pytorch_retrieval();
std::string pytorch_anomaly(int holdout);
std::string pytorch_compression();

}  // namespace aelab::lessons::ae_applications
