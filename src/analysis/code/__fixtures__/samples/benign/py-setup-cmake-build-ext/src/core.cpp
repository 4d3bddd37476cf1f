#include <cmath>
#include <pybind11/pybind11.h>

static double haversine(double lat1, double lon1, double lat2, double lon2) {
    constexpr double r = 6371.0088;
    const double p = M_PI / 180.0;
    const double a = 0.5 - std::cos((lat2 - lat1) * p) / 2 +
                     std::cos(lat1 * p) * std::cos(lat2 * p) * (1 - std::cos((lon2 - lon1) * p)) / 2;
    return 2 * r * std::asin(std::sqrt(a));
}

PYBIND11_MODULE(_core, m) { m.def("haversine", &haversine); }
