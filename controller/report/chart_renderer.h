// ChartRenderer: runs Debian's gnuplot on a script and returns the SVG it writes.
// The only I/O of the chart path; errors say that gnuplot is missing or failed.
#ifndef NARROWSCAN_CONTROLLER_REPORT_CHART_RENDERER_H_
#define NARROWSCAN_CONTROLLER_REPORT_CHART_RENDERER_H_

#include <string>

#include "common/result.h"

namespace narrowscan {

Result<std::string> RenderSvg(const std::string& gnuplot_script);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_REPORT_CHART_RENDERER_H_
