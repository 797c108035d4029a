// lodo_api.cc -- the LODO model as the hed package exposes it (see api.h).
#include "api.h"
#include "lodo.h"

namespace hed {
namespace api {

Value
lodo_drugs(const StringList &responses, const std::string &drugs, const std::string &fingerprints)
{
    const auto study = lodo::cached_study(responses, drugs, fingerprints);
    Value result = Value::list();
    for (const lodo::DrugSummary &drug : study->drugs()) {
        Value entry = Value::dict();
        entry.set("index", Value::integer(drug.index));
        entry.set("smiles", Value::string(drug.smiles));
        entry.set("rows", Value::integer(static_cast<int64_t>(drug.rows)));
        result.push(std::move(entry));
    }
    return result;
}

long long
lodo_run(const StringList &responses, const std::string &drugs, const std::string &fingerprints,
         int index, int k, const std::string &path)
{
    const auto study = lodo::cached_study(responses, drugs, fingerprints);
    return static_cast<long long>(lodo::write_run(*study, index, k, path));
}

double
lodo_similarity(const StringList &responses, const std::string &drugs, const std::string &fingerprints,
                int first, int second)
{
    return lodo::cached_study(responses, drugs, fingerprints)->similarity(first, second);
}

} // namespace api
} // namespace hed
