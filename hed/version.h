// version.h -- version of the hed library, from configure.
#ifndef HEDFLOW_HED_VERSION_H
#define HEDFLOW_HED_VERSION_H

#include <string>

namespace hed {

/// \returns the version of hedflow this library was built with.
std::string version();

} // namespace hed

#endif
