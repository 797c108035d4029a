// lodo.cc -- the built-in leave-one-drug-out baseline model (see lodo.h).
#include "lodo.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <numeric>
#include <sstream>
#include <unordered_map>

#include "error.h"

namespace hed {
namespace lodo {

namespace {

// Raises an input error naming the file, the line and the problem.
[[noreturn]] void
input_error(const std::string &path, std::size_t line, const std::string &message)
{
    throw Error({"HED", "INPUT", "PARSE", path, std::to_string(line)},
                path + ":" + std::to_string(line) + ": " + message);
}

// Opens a file for reading or raises {HED INPUT OPEN path}.
std::ifstream
open_input(const std::string &path, const char *what)
{
    std::ifstream stream(path);
    if (!stream) {
        throw Error({"HED", "INPUT", "OPEN", path},
                    std::string("cannot open ") + what + " \"" + path + "\": " + std::strerror(errno));
    }
    return stream;
}

// Reads one line without its end-of-line characters (LF or CRLF). On the
// first line, drops a UTF-8 byte order mark and rejects UTF-16 text.
bool
read_line(std::istream &stream, std::string &line, const std::string &path, std::size_t number)
{
    if (!std::getline(stream, line)) {
        return false;
    }
    if (!line.empty() && line.back() == '\r') {
        line.pop_back();
    }
    if (number == 1) {
        if (line.compare(0, 3, "\xEF\xBB\xBF") == 0) {
            line.erase(0, 3);
        } else if (line.size() >= 2 && ((line[0] == '\xFF' && line[1] == '\xFE')
                                        || (line[0] == '\xFE' && line[1] == '\xFF'))) {
            throw Error({"HED", "INPUT", "ENCODING", path},
                        "\"" + path + "\" is UTF-16 encoded: convert it to UTF-8 (for example with "
                        "iconv -f UTF-16 -t UTF-8)");
        }
    }
    return true;
}

std::vector<std::string>
split(const std::string &text, char separator)
{
    std::vector<std::string> fields;
    std::size_t start = 0;
    while (true) {
        const std::size_t end = text.find(separator, start);
        fields.push_back(text.substr(start, end - start));
        if (end == std::string::npos) {
            return fields;
        }
        start = end + 1;
    }
}

// Parses a whole finite number, or returns false.
bool
parse_number(const std::string &text, double &value)
{
    if (text.empty()) {
        return false;
    }
    char *end = nullptr;
    errno = 0;
    value = std::strtod(text.c_str(), &end);
    return end == text.c_str() + text.size() && errno == 0 && std::isfinite(value);
}

std::string
shorten(const std::string &text)
{
    return text.size() <= 60 ? text : text.substr(0, 57) + "...";
}

} // namespace

Study::Study(const std::vector<std::string> &responseFiles, const std::string &drugFile,
             const std::string &fingerprintFile)
    : fingerprintFile_(fingerprintFile)
{
    if (responseFiles.empty()) {
        usage_error("no response file given; pass at least one --responses FILE");
    }
    loadDrugs(drugFile);
    loadFingerprints(fingerprintFile);
    for (const std::string &path : responseFiles) {
        loadResponses(path);
    }
    buildTraining();
}

void
Study::loadDrugs(const std::string &path)
{
    std::ifstream stream = open_input(path, "drug list");
    std::string line;
    std::size_t number = 0;
    std::map<int, std::string> byIndex;
    std::unordered_map<std::string, std::size_t> smilesLine;
    while (read_line(stream, line, path, number + 1)) {
        number++;
        if (line.empty()) {
            continue;
        }
        const std::vector<std::string> fields = split(line, '\t');
        double index = 0;
        if (fields.size() != 2 || !parse_number(fields[0], index) || index < 0
            || index != std::floor(index) || fields[1].empty()) {
            input_error(path, number, "expected a drug index and a SMILES separated by a tab, found \""
                                          + shorten(line) + "\"");
        }
        // The index is a row of the fingerprint file, so it stays small.
        if (index > 100000000) {
            input_error(path, number, "drug index " + fields[0]
                                          + " is too large: indexes count fingerprint rows from 0");
        }
        if (!byIndex.emplace(static_cast<int>(index), fields[1]).second) {
            input_error(path, number, "drug index " + fields[0] + " appears twice");
        }
        const auto seen = smilesLine.emplace(fields[1], number);
        if (!seen.second) {
            input_error(path, number, "drug \"" + shorten(fields[1]) + "\" is listed again (first at line "
                                          + std::to_string(seen.first->second) + "); keep one line per drug");
        }
    }
    if (byIndex.empty()) {
        throw Error({"HED", "INPUT", "EMPTY", path}, "drug list \"" + path + "\" has no drugs");
    }
    drugSmiles_ = std::move(byIndex);
}

void
Study::loadFingerprints(const std::string &path)
{
    std::ifstream stream = open_input(path, "fingerprint file");
    std::string line;
    std::size_t number = 0;
    std::size_t bits = 0;
    while (read_line(stream, line, path, number + 1)) {
        number++;
        const std::vector<std::string> fields = split(line, ',');
        if (bits == 0) {
            bits = fields.size();
        }
        if (fields.size() != bits) {
            input_error(path, number, "expected " + std::to_string(bits)
                                          + " comma-separated bits like the first row, found "
                                          + std::to_string(fields.size()));
        }
        std::vector<uint64_t> words((bits + 63) / 64, 0);
        for (std::size_t i = 0; i < bits; i++) {
            if (fields[i] == "1") {
                words[i / 64] |= uint64_t(1) << (i % 64);
            } else if (fields[i] != "0") {
                input_error(path, number, "bit " + std::to_string(i + 1) + " is \"" + shorten(fields[i])
                                              + "\"; fingerprints hold 0 or 1");
            }
        }
        fingerprints_.push_back(std::move(words));
    }
    if (fingerprints_.empty()) {
        throw Error({"HED", "INPUT", "EMPTY", path}, "fingerprint file \"" + path + "\" has no rows");
    }
}

void
Study::loadResponses(const std::string &path)
{
    std::unordered_map<std::string, int> drugBySmiles;
    for (const auto &entry : drugSmiles_) {
        drugBySmiles.emplace(entry.second, entry.first);
    }
    std::unordered_map<std::string, int> cellByName;
    for (std::size_t i = 0; i < cellNames_.size(); i++) {
        cellByName.emplace(cellNames_[i], static_cast<int>(i));
    }

    std::ifstream stream = open_input(path, "response file");
    std::string line;
    std::size_t number = 0;
    std::size_t found = 0;
    while (read_line(stream, line, path, number + 1)) {
        number++;
        if (line.empty()) {
            continue;
        }
        const std::vector<std::string> fields = split(line, '\t');
        if (fields.size() != 3) {
            input_error(path, number, "expected 3 tab-separated fields (cell line, drug SMILES, AUC), found "
                                          + std::to_string(fields.size()) + " in \"" + shorten(line) + "\"");
        }
        double auc = 0;
        if (!parse_number(fields[2], auc)) {
            input_error(path, number, "invalid AUC \"" + shorten(fields[2]) + "\"; expected a finite number");
        }
        if (fields[0].empty()) {
            input_error(path, number, "empty cell line name");
        }
        const auto drug = drugBySmiles.find(fields[1]);
        if (drug == drugBySmiles.end()) {
            input_error(path, number, "drug \"" + shorten(fields[1])
                                          + "\" is not in the drug list; add it there with its fingerprint");
        }
        if (static_cast<std::size_t>(drug->second) >= fingerprints_.size()) {
            input_error(path, number, "drug " + std::to_string(drug->second) + " (\"" + shorten(fields[1])
                                          + "\") has no fingerprint: \"" + fingerprintFile_ + "\" has only "
                                          + std::to_string(fingerprints_.size()) + " rows");
        }
        auto cell = cellByName.find(fields[0]);
        if (cell == cellByName.end()) {
            cell = cellByName.emplace(fields[0], static_cast<int>(cellNames_.size())).first;
            cellNames_.push_back(fields[0]);
        }
        rows_.push_back(Row{cell->second, drug->second, auc, fields[2]});
        found++;
    }
    if (found == 0) {
        throw Error({"HED", "INPUT", "EMPTY", path}, "response file \"" + path + "\" has no rows");
    }
}

void
Study::buildTraining()
{
    // Average repeated measurements of a pair; a map keeps drug order fixed.
    std::vector<std::map<int, std::pair<double, int>>> sums(cellNames_.size());
    for (const Row &row : rows_) {
        auto &entry = sums[row.cell][row.drug];
        entry.first += row.auc;
        entry.second++;
    }
    cellDrugs_.assign(cellNames_.size(), {});
    for (std::size_t cell = 0; cell < sums.size(); cell++) {
        for (const auto &entry : sums[cell]) {
            cellDrugs_[cell].emplace_back(entry.first, entry.second.first / entry.second.second);
        }
    }
}

std::vector<DrugSummary>
Study::drugs() const
{
    std::map<int, std::size_t> counts;
    for (const Row &row : rows_) {
        counts[row.drug]++;
    }
    std::vector<DrugSummary> result;
    for (const auto &entry : counts) {
        result.push_back(DrugSummary{entry.first, drugSmiles_.at(entry.first), entry.second});
    }
    return result;
}

double
Study::similarity(int first, int second) const
{
    const std::vector<uint64_t> &a = fingerprints_.at(first);
    const std::vector<uint64_t> &b = fingerprints_.at(second);
    uint64_t both = 0;
    uint64_t either = 0;
    for (std::size_t i = 0; i < a.size(); i++) {
        both += __builtin_popcountll(a[i] & b[i]);
        either += __builtin_popcountll(a[i] | b[i]);
    }
    return either == 0 ? 0.0 : static_cast<double>(both) / static_cast<double>(either);
}

std::vector<Prediction>
Study::predict(int index, int k) const
{
    if (k < 1) {
        usage_error("invalid k " + std::to_string(k) + ": give at least 1 neighbour drug");
    }

    // Fallbacks over the other drugs: the mean of each cell line, then of all.
    std::vector<double> cellSum(cellNames_.size(), 0.0);
    std::vector<std::size_t> cellCount(cellNames_.size(), 0);
    double totalSum = 0.0;
    std::size_t totalCount = 0;
    for (const Row &row : rows_) {
        if (row.drug != index) {
            cellSum[row.cell] += row.auc;
            cellCount[row.cell]++;
            totalSum += row.auc;
            totalCount++;
        }
    }

    std::vector<double> similarities(fingerprints_.size(), 0.0);
    for (std::size_t drug = 0; drug < fingerprints_.size(); drug++) {
        similarities[drug] = similarity(index, static_cast<int>(drug));
    }

    std::vector<Prediction> predictions;
    std::vector<std::pair<double, std::pair<int, double>>> neighbours;
    for (const Row &row : rows_) {
        if (row.drug != index) {
            continue;
        }
        neighbours.clear();
        for (const auto &measured : cellDrugs_[row.cell]) {
            if (measured.first != index) {
                neighbours.push_back({similarities[measured.first], measured});
            }
        }
        // Most similar first; the lower drug index wins a tie.
        const std::size_t keep = std::min<std::size_t>(k, neighbours.size());
        std::partial_sort(neighbours.begin(), neighbours.begin() + keep, neighbours.end(),
                          [](const auto &a, const auto &b) {
                              return a.first != b.first ? a.first > b.first : a.second.first < b.second.first;
                          });
        double weightSum = 0.0;
        double weighted = 0.0;
        for (std::size_t i = 0; i < keep; i++) {
            weightSum += neighbours[i].first;
            weighted += neighbours[i].first * neighbours[i].second.second;
        }

        double predicted = 0.0;
        if (weightSum > 0.0) {
            predicted = weighted / weightSum;
        } else if (cellCount[row.cell] > 0) {
            predicted = cellSum[row.cell] / cellCount[row.cell];
        } else if (totalCount > 0) {
            predicted = totalSum / totalCount;
        } else {
            throw Error({"HED", "INPUT", "NO_TRAINING"},
                        "drug " + std::to_string(index) + " is the only drug with responses; "
                        "leave-one-drug-out needs at least two drugs");
        }
        predictions.push_back(Prediction{row.aucText, predicted, cellNames_[row.cell]});
    }
    if (predictions.empty()) {
        usage_error("drug " + std::to_string(index) + " has no responses; choose one listed by the study");
    }
    return predictions;
}

namespace {

struct CacheKey {
    std::vector<std::string> files;
    std::vector<std::pair<long long, long long>> stamps; // size and mtime of each file

    bool operator==(const CacheKey &other) const
    {
        return files == other.files && stamps == other.stamps;
    }
};

CacheKey
make_key(const std::vector<std::string> &files)
{
    CacheKey key{files, {}};
    for (const std::string &file : files) {
        struct stat info {};
        if (stat(file.c_str(), &info) == 0) {
            key.stamps.emplace_back(static_cast<long long>(info.st_size),
                                    static_cast<long long>(info.st_mtim.tv_sec) * 1000000000LL
                                        + info.st_mtim.tv_nsec);
        } else {
            key.stamps.emplace_back(-1, -1);
        }
    }
    return key;
}

std::mutex cacheMutex;
CacheKey cachedKey;
std::shared_ptr<const Study> cachedStudy;

} // namespace

std::shared_ptr<const Study>
cached_study(const std::vector<std::string> &responseFiles, const std::string &drugFile,
             const std::string &fingerprintFile)
{
    std::vector<std::string> files = responseFiles;
    files.push_back(drugFile);
    files.push_back(fingerprintFile);
    const CacheKey key = make_key(files);

    std::lock_guard<std::mutex> lock(cacheMutex);
    if (cachedStudy && cachedKey == key) {
        return cachedStudy;
    }
    cachedStudy = std::make_shared<const Study>(responseFiles, drugFile, fingerprintFile);
    cachedKey = key;
    return cachedStudy;
}

std::size_t
write_run(const Study &study, int index, int k, const std::string &path)
{
    const std::vector<Prediction> predictions = study.predict(index, k);
    const std::string temporary = path + ".tmp";
    {
        std::ofstream out(temporary);
        if (!out) {
            throw Error({"HED", "OUTPUT", "OPEN", path},
                        "cannot write \"" + temporary + "\": " + std::strerror(errno));
        }
        out << "auc_true,auc_pred,labels\n";
        char number[64];
        for (const Prediction &prediction : predictions) {
            std::snprintf(number, sizeof number, "%.10g", prediction.aucPred);
            out << prediction.aucTrue << ',' << number << ',' << prediction.cellLine << '\n';
        }
        out.close();
        if (!out) {
            std::remove(temporary.c_str());
            throw Error({"HED", "OUTPUT", "WRITE", path}, "writing \"" + temporary + "\" failed");
        }
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        const std::string reason = std::strerror(errno);
        std::remove(temporary.c_str());
        throw Error({"HED", "OUTPUT", "RENAME", path}, "cannot rename \"" + temporary + "\" to \""
                                                           + path + "\": " + reason);
    }
    return predictions.size();
}

} // namespace lodo
} // namespace hed
