// Boost.JSON compiled into the fuzz targets (see CMakeLists.txt): instrumented, unlike the
// shared library.
#include <boost/json/src.hpp>
