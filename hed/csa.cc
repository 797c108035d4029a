// csa.cc -- cross-study analysis over SOURCE-TARGET/split_K folders.
#include "csa.h"

#include <algorithm>
#include <cmath>
#include <dirent.h>
#include <limits>
#include <map>
#include <sys/stat.h>

#include "error.h"
#include "study_pairs.h"

namespace hed {

const std::vector<std::string> &
csa_metrics()
{
    static const std::vector<std::string> names = {"mse", "rmse", "mae", "pcc", "scc", "r2", "mean_error", "sd_error"};
    return names;
}

namespace internal {

std::vector<std::string>
list_folder(const std::string &path)
{
    std::vector<std::string> names;
    DIR *folder = opendir(path.c_str());
    if (folder == nullptr) {
        return names;
    }
    while (struct dirent *entry = readdir(folder)) {
        std::string name = entry->d_name;
        if (name != "." && name != "..") {
            names.push_back(name);
        }
    }
    closedir(folder);
    std::sort(names.begin(), names.end());
    return names;
}

bool
is_file(const std::string &path)
{
    struct stat info;
    return stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

double
metric_of(const FileMetrics &metrics, const std::string &name)
{
    const Partial &p = metrics.partial;
    if (name == "mse") return p.mse();
    if (name == "rmse") return p.rmse();
    if (name == "mae") return p.mae();
    if (name == "pcc") return p.pcc();
    if (name == "scc") return metrics.scc;
    if (name == "r2") return p.r2();
    if (name == "mean_error") return p.mean_error();
    return p.sd_error();
}

} // namespace internal

std::vector<Table>
csa_tables(const std::string &root, const MetricsOptions &options)
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    std::vector<std::string> sources_column, targets_column, splits_column;
    std::map<std::string, std::vector<double>> columns;
    // values[metric][(source, target)] = one value per split
    std::map<std::string, std::map<std::pair<std::string, std::string>, std::vector<double>>> values;
    std::vector<std::string> sources, targets;
    MetricsOptions file_options = options;
    file_options.counts = false;   // the tables contain none of the counts

    // The folders with predictions, and the split files of each.
    std::vector<std::string> folders;
    std::vector<std::vector<std::string>> splits_of;
    for (const std::string &folder : internal::list_folder(root)) {
        std::vector<std::string> splits;
        for (const std::string &split : internal::list_folder(root + "/" + folder)) {
            std::string path = root + "/" + folder + "/" + split + "/test_y_data_predicted.csv";
            if (split.compare(0, 6, "split_") == 0 && internal::is_file(path)) {
                splits.push_back(split);
            }
        }
        if (!splits.empty()) {
            folders.push_back(folder);
            splits_of.push_back(std::move(splits));
        }
    }

    std::vector<StudyPair> pairs = split_study_pairs(folders);
    for (size_t f = 0; f < folders.size(); f++) {
        const std::string &source = pairs[f].source, &target = pairs[f].target;
        for (const std::string &split : splits_of[f]) {
            std::string path = root + "/" + folders[f] + "/" + split + "/test_y_data_predicted.csv";
            FileMetrics metrics = compute_file_metrics(path, file_options);
            sources_column.push_back(source);
            targets_column.push_back(target);
            splits_column.push_back(split.substr(6));
            for (const std::string &name : csa_metrics()) {
                double value = internal::metric_of(metrics, name);
                columns[name].push_back(value);
                values[name][{source, target}].push_back(value);
            }
            if (std::find(sources.begin(), sources.end(), source) == sources.end()) {
                sources.push_back(source);
            }
            if (std::find(targets.begin(), targets.end(), target) == targets.end()) {
                targets.push_back(target);
            }
        }
    }
    if (sources_column.empty()) {
        throw Error({"HED", "CSA", "EMPTY", root},
                    "no SOURCE-TARGET/split_K/test_y_data_predicted.csv files under \"" + root + "\"");
    }

    std::vector<Table> tables;
    Table splits("csa/splits");
    splits.add_texts("source", sources_column);
    splits.add_texts("target", targets_column);
    splits.add_texts("split", splits_column);
    for (const std::string &name : csa_metrics()) {
        splits.add_reals(name, columns[name]);
    }
    tables.push_back(std::move(splits));

    for (const std::string &name : csa_metrics()) {
        Table mean_table("csa/" + name + "_mean"), sd_table("csa/" + name + "_sd");
        mean_table.add_texts("source", sources);
        sd_table.add_texts("source", sources);
        for (const std::string &target : targets) {
            std::vector<double> means, sds;
            for (const std::string &source : sources) {
                auto found = values[name].find({source, target});
                if (found == values[name].end()) {
                    means.push_back(nan);
                    sds.push_back(nan);
                    continue;
                }
                const std::vector<double> &v = found->second;
                double mean = 0.0;
                for (double x : v) {
                    mean += x;
                }
                mean /= double(v.size());
                double squares = 0.0;
                for (double x : v) {
                    squares += (x - mean) * (x - mean);
                }
                means.push_back(mean);
                sds.push_back(v.size() > 1 ? std::sqrt(squares / double(v.size() - 1)) : nan);
            }
            mean_table.add_reals(target, std::move(means));
            sd_table.add_reals(target, std::move(sds));
        }
        tables.push_back(std::move(mean_table));
        tables.push_back(std::move(sd_table));
    }
    return tables;
}

} // namespace hed
