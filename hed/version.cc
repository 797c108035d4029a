// version.cc -- version of the hed library, from configure.
#include "version.h"

namespace hed {

std::string
version()
{
    return PACKAGE_VERSION;
}

} // namespace hed
