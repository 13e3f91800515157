#include "app/session/lab_job.hpp"

#include <exception>
#include <sstream>

namespace unrolled::app {

void LabJob::on(const cmd::ConfigureLab& c) {
  try {
    lab_.configure(c.settings);
    std::ostringstream m;
    m << "gradient lab: W_hh rescaled from ρ = " << lab_.view()->decay.radius_before << " to ρ = "
      << lab_.view()->decay.measured_rho;
    status_.say(m.str(), false);
  } catch (const std::exception& e) {
    status_.say(std::string("gradient lab: ") + e.what(), true);
  }
}

bool LabJob::slice(Clock::time_point) {
  std::string note;
  bool error = false;
  const bool changed = lab_.slice(0.010, note, error);
  if (!note.empty()) status_.say(note, error);
  return changed;
}

}  // namespace unrolled::app
