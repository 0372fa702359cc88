// SweepCharts: gnuplot scripts for the paper's Figures 3–5 from a sweep — hosts
// estimated, FP rate and FN rate against α, one line per threshold th. Pure: the
// scripts carry their data inline, and ChartRenderer turns them into SVG.
#ifndef NARROWSCAN_CONTROLLER_REPORT_SWEEP_CHARTS_H_
#define NARROWSCAN_CONTROLLER_REPORT_SWEEP_CHARTS_H_

#include <string>
#include <vector>

#include "controller/report/sweep.h"

namespace narrowscan {

enum class SweepMetric { kEstimated, kFalsePositiveRate, kFalseNegativeRate };

struct ChartScript {
  std::string title;  // e.g. "Figure 3: hosts estimated"
  std::string gnuplot;
};

// One chart per metric; `cells` as Sweep() returns them (any order).
ChartScript MakeSweepChart(const std::vector<SweepCell>& cells, SweepMetric metric);

}  // namespace narrowscan

#endif  // NARROWSCAN_CONTROLLER_REPORT_SWEEP_CHARTS_H_
