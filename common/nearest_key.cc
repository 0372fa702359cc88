#include "common/nearest_key.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace narrowscan {
namespace {

std::string_view LastPart(std::string_view key) {
  const size_t dot = key.rfind('.');
  return dot == std::string_view::npos ? key : key.substr(dot + 1);
}

}  // namespace

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string NearestKey(std::string_view unknown, const std::vector<std::string_view>& known) {
  const std::string_view last = LastPart(unknown);
  for (std::string_view k : known) {
    if (LastPart(k) == last) return std::string(k);  // the right key in another table
  }
  std::string_view best;
  size_t best_distance = SIZE_MAX;
  for (std::string_view k : known) {
    const size_t d = std::min(EditDistance(unknown, k), EditDistance(last, LastPart(k)) + 1);
    if (d < best_distance) {
      best_distance = d;
      best = k;
    }
  }
  if (best.empty() || best_distance > std::max<size_t>(2, last.size() / 3)) return "";
  return std::string(best);
}

std::string DidYouMean(std::string_view unknown, const std::vector<std::string_view>& known) {
  const std::string nearest = NearestKey(unknown, known);
  return nearest.empty() ? "" : fmt::format(" (did you mean '{}'?)", nearest);
}

}  // namespace narrowscan
