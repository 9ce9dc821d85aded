// Boost.URL compiled into the fuzz targets (see CMakeLists.txt): instrumented, unlike the
// shared library.
#include <boost/url/src.hpp>
