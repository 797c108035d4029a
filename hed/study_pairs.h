// study_pairs.h -- the source and target studies of cross-study folders.
//
// A cross-study analysis tree names each folder SOURCE-TARGET. Study names
// may contain dashes themselves ("my-study"), so a folder name with several
// dashes is split where both halves are study names that other folders
// confirm.
#ifndef HEDFLOW_HED_STUDY_PAIRS_H
#define HEDFLOW_HED_STUDY_PAIRS_H

#include <string>
#include <vector>

namespace hed {

struct StudyPair {
    std::string source;
    std::string target;
};

/// Splits folder names "SOURCE-TARGET" of one tree into their studies, in
/// the order given. A name with one dash splits there, and names two known
/// studies. A name with equal halves ("my-study-my-study") is read as within
/// its half, a known study, unless another of its splits has a half that
/// some folder names. A name with several dashes splits at the one dash
/// whose halves are both known studies.
/// NOTE: "a-b-a-b" alone reads as within study a-b; source a-b-a against
/// target b has the same name, and no other folder distinguishes them.
/// \warning raises {HED INPUT PAIR folder} for a name without a dash
/// between two names, or with several dashes and no single such split.
std::vector<StudyPair> split_study_pairs(const std::vector<std::string> &folders);

} // namespace hed

#endif
