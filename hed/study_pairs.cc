// study_pairs.cc -- the source and target studies of cross-study folders.
#include "study_pairs.h"

#include <set>

#include "error.h"

namespace hed {

namespace {

/// \returns the offsets of the dashes of \a folder that have a name on
/// both sides.
std::vector<size_t>
dashes_of(const std::string &folder)
{
    std::vector<size_t> dashes;
    for (size_t i = 1; i + 1 < folder.size(); i++) {
        if (folder[i] == '-') {
            dashes.push_back(i);
        }
    }
    return dashes;
}

StudyPair
split_at(const std::string &folder, size_t dash)
{
    return {folder.substr(0, dash), folder.substr(dash + 1)};
}

[[noreturn]] void
pair_error(const std::string &folder, const std::string &message)
{
    throw Error({"HED", "INPUT", "PAIR", folder}, message);
}

} // namespace

std::vector<StudyPair>
split_study_pairs(const std::vector<std::string> &folders)
{
    // The names that a folder confirms: both halves of a folder with one
    // dash, and the half of a within-study folder.
    std::vector<std::vector<size_t>> dashes;
    std::set<std::string> studies;
    for (const std::string &folder : folders) {
        dashes.push_back(dashes_of(folder));
        if (dashes.back().empty()) {
            pair_error(folder, "folder \"" + folder + "\" has predictions but its name is not SOURCE-TARGET; "
                               "rename it to the source and target study names joined by a dash");
        }
        for (size_t dash : dashes.back()) {
            StudyPair pair = split_at(folder, dash);
            if (dashes.back().size() == 1 || pair.source == pair.target) {
                studies.insert(pair.source);
                studies.insert(pair.target);
            }
        }
    }

    std::vector<StudyPair> pairs;
    for (size_t f = 0; f < folders.size(); f++) {
        const std::string &folder = folders[f];
        if (dashes[f].size() == 1) {
            pairs.push_back(split_at(folder, dashes[f][0]));
            continue;
        }
        // Splits into two known studies, else into a known study and a name
        // without a dash.
        std::vector<StudyPair> candidates, fallbacks;
        for (size_t dash : dashes[f]) {
            StudyPair pair = split_at(folder, dash);
            if (pair.source == pair.target) {
                candidates.assign(1, pair);
                break;
            }
            bool known_source = studies.count(pair.source) > 0, known_target = studies.count(pair.target) > 0;
            if (known_source && known_target) {
                candidates.push_back(pair);
            } else if ((known_source && pair.target.find('-') == std::string::npos)
                       || (known_target && pair.source.find('-') == std::string::npos)) {
                fallbacks.push_back(pair);
            }
        }
        if (candidates.empty()) {
            candidates = fallbacks;
        }
        if (candidates.size() != 1) {
            std::string why = candidates.empty() ? "no dash splits it" : "several dashes split it";
            pair_error(folder, "cannot tell the source study from the target in folder \"" + folder + "\": " + why
                                   + " into two studies named by other folders; add the within-study folders "
                                     "(STUDY-STUDY) of its studies, or rename the studies without dashes");
        }
        pairs.push_back(candidates[0]);
    }
    return pairs;
}

} // namespace hed
