// lodo.h -- the built-in leave-one-drug-out (LODO) baseline model.
//
// Inputs are DrugCell-style files: measured responses (tab-separated cell
// line, drug SMILES, AUC), the drug list (index, tab, SMILES) and the drug
// fingerprints (one comma-separated row of 0/1 bits per drug index, in
// index order).
//
// The model predicts the response of a held-out drug d on cell line c from
// the k drugs most similar to d (Tanimoto similarity of fingerprints) among
// those measured on c, as the similarity-weighted mean of their AUC on c.
// When no such drug has a similarity above 0, it falls back to the mean
// AUC of c over the other drugs, and then to the mean AUC of every row of
// the other drugs. Repeated measurements of one (cell line, drug) pair are
// averaged for training; every row of d is predicted.
#ifndef HEDFLOW_HED_LODO_H
#define HEDFLOW_HED_LODO_H

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace hed {
namespace lodo {

/// One drug of the study: its index in the drug list, its SMILES and the
/// number of response rows that mention it.
struct DrugSummary {
    int index;
    std::string smiles;
    std::size_t rows;
};

/// One prediction of a held-out drug: the AUC as written in the input
/// (kept as text, so the output repeats it exactly), the predicted AUC and
/// the cell line.
struct Prediction {
    std::string aucTrue;
    double aucPred;
    std::string cellLine;
};

/// The loaded inputs of a LODO study.
class Study {
public:
    /// Loads and checks every input; a malformed row, an unknown drug or a
    /// drug without fingerprint raises hed::Error naming file, line and value.
    Study(const std::vector<std::string> &responseFiles, const std::string &drugFile,
          const std::string &fingerprintFile);

    /// \returns the drugs that have responses, in drug index order.
    std::vector<DrugSummary> drugs() const;

    /// \returns the predictions for every row of the drug with \a index,
    /// in input order, using the \a k most similar drugs.
    std::vector<Prediction> predict(int index, int k) const;

    /// \returns the Tanimoto similarity of the fingerprints of two drugs.
    double similarity(int first, int second) const;

private:
    struct Row {
        int cell;
        int drug;
        double auc;
        std::string aucText;
    };

    void loadDrugs(const std::string &path);
    void loadFingerprints(const std::string &path);
    void loadResponses(const std::string &path);
    void buildTraining();

    std::map<int, std::string> drugSmiles_;        // by drug index
    std::vector<std::vector<uint64_t>> fingerprints_; // by drug index
    std::vector<std::string> cellNames_;            // by cell id
    std::vector<Row> rows_;
    // For each cell id: (drug index, mean AUC) of its measured drugs.
    std::vector<std::vector<std::pair<int, double>>> cellDrugs_;
    std::string fingerprintFile_;
};

/// \returns the study for these files, loading it on first use. Later calls
/// with the same paths reuse it while the files are unchanged, so every task
/// on a worker pays for loading once.
std::shared_ptr<const Study> cached_study(const std::vector<std::string> &responseFiles,
                                          const std::string &drugFile,
                                          const std::string &fingerprintFile);

/// Writes the predictions of drug \a index to \a path as a HED run file
/// (auc_true,auc_pred,labels), under a temporary name renamed into place.
/// \returns the number of rows written.
std::size_t write_run(const Study &study, int index, int k, const std::string &path);

} // namespace lodo
} // namespace hed

#endif
