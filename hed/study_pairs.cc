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

/// \returns the dash of \a dashes that splits \a folder into equal halves,
/// or npos.
size_t
equal_split(const std::string &folder, const std::vector<size_t> &dashes)
{
    for (size_t dash : dashes) {
        StudyPair pair = split_at(folder, dash);
        if (pair.source == pair.target) {
            return dash;
        }
    }
    return std::string::npos;
}

} // namespace

std::vector<StudyPair>
split_study_pairs(const std::vector<std::string> &folders)
{
    // The dash of each folder that names its studies by itself, if any:
    // the only dash, or the one between equal halves.
    std::vector<std::vector<size_t>> dashes;
    std::vector<size_t> naming;
    for (const std::string &folder : folders) {
        dashes.push_back(dashes_of(folder));
        if (dashes.back().empty()) {
            pair_error(folder, "folder \"" + folder + "\" has predictions but its name is not SOURCE-TARGET; "
                               "rename it to the source and target study names joined by a dash");
        }
        naming.push_back(dashes.back().size() == 1 ? dashes.back()[0] : equal_split(folder, dashes.back()));
    }
    std::set<std::string> named;
    for (size_t f = 0; f < folders.size(); f++) {
        if (naming[f] != std::string::npos) {
            StudyPair pair = split_at(folders[f], naming[f]);
            named.insert(pair.source);
            named.insert(pair.target);
        }
    }

    // A folder with equal halves and several dashes is within one study
    // only when no other split has a named half: "b-y-b-y" beside "b-b"
    // may be study b against study y-b-y. The known studies are the names
    // of folders with one dash and of trusted within-study folders.
    std::set<std::string> studies;
    std::vector<bool> trusted(folders.size(), true);
    for (size_t f = 0; f < folders.size(); f++) {
        if (naming[f] == std::string::npos) {
            continue;
        }
        for (size_t dash : dashes[f]) {
            StudyPair pair = split_at(folders[f], dash);
            if (dash != naming[f] && (named.count(pair.source) > 0 || named.count(pair.target) > 0)) {
                trusted[f] = false;
            }
        }
        if (trusted[f]) {
            StudyPair pair = split_at(folders[f], naming[f]);
            studies.insert(pair.source);
            studies.insert(pair.target);
        }
    }

    std::vector<StudyPair> pairs;
    for (size_t f = 0; f < folders.size(); f++) {
        const std::string &folder = folders[f];
        if (dashes[f].size() == 1) {
            pairs.push_back(split_at(folder, dashes[f][0]));
            continue;
        }

        // Only a split into two known studies counts, and it must be the
        // only one: a guessed study name could put a file under the wrong
        // pair without a word.
        std::vector<StudyPair> candidates;
        for (size_t dash : dashes[f]) {
            StudyPair pair = split_at(folder, dash);
            if (trusted[f] && studies.count(pair.source) > 0 && studies.count(pair.target) > 0) {
                candidates.push_back(pair);
            }
        }
        if (candidates.size() != 1) {
            bool several = candidates.size() > 1 || !trusted[f];
            std::string reason = several ? "several dashes split it" : "no dash splits it";
            pair_error(folder, "cannot tell the source study from the target in folder \"" + folder + "\": "
                                   + reason + " into two studies named by other folders; add the within-study "
                                     "folders (STUDY-STUDY) of its studies, or rename the studies without dashes");
        }
        pairs.push_back(candidates[0]);
    }
    return pairs;
}

} // namespace hed
