#include "controller/report/sweep_charts.h"

#include <fmt/format.h>

#include <map>

namespace narrowscan {

namespace {

double Value(const SweepCell& c, SweepMetric m) {
  switch (m) {
    case SweepMetric::kEstimated:
      return static_cast<double>(c.estimated);
    case SweepMetric::kFalsePositiveRate:
      return 100.0 * c.fp_rate();
    case SweepMetric::kFalseNegativeRate:
      return 100.0 * c.fn_rate();
  }
  return 0;
}

}  // namespace

ChartScript MakeSweepChart(const std::vector<SweepCell>& cells, SweepMetric metric) {
  ChartScript chart;
  std::string ylabel;
  switch (metric) {
    case SweepMetric::kEstimated:
      chart.title = "Figure 3: hosts estimated";
      ylabel = "hosts estimated";
      break;
    case SweepMetric::kFalsePositiveRate:
      chart.title = "Figure 4: false positives";
      ylabel = "false positive rate (%)";
      break;
    case SweepMetric::kFalseNegativeRate:
      chart.title = "Figure 5: false negatives";
      ylabel = "false negative rate (%)";
      break;
  }
  // th -> (α -> value), both sorted, so each line is drawn left to right.
  std::map<double, std::map<double, double>> lines;
  for (const SweepCell& c : cells) lines[c.threshold][c.alpha] = Value(c, metric);

  std::string& g = chart.gnuplot;
  g += "set terminal svg size 640,400 font 'sans,11'\n";
  g += fmt::format("set title \"{}\"\n", chart.title);
  g += "set xlabel \"banner weight alpha\"\n";
  g += fmt::format("set ylabel \"{}\"\n", ylabel);
  g += "set key outside right title \"th\"\nset grid\nset xrange [0:1]\n";
  if (metric != SweepMetric::kEstimated) g += "set yrange [0:*]\n";
  size_t i = 0;
  for (const auto& [th, _] : lines) {
    g += fmt::format("$th{} << EOD\n", i);
    for (const auto& [alpha, v] : lines[th]) g += fmt::format("{} {}\n", alpha, v);
    g += "EOD\n";
    ++i;
  }
  g += "plot ";
  i = 0;
  for (const auto& [th, _] : lines) {
    g += fmt::format("{}$th{} using 1:2 with linespoints title \"{:.2f}\"", i ? ", " : "", i, th);
    ++i;
  }
  g += "\n";
  return chart;
}

}  // namespace narrowscan
