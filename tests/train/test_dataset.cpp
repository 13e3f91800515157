// Windows, the chronological split and normalisation with training statistics only.
#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>
#include <numeric>

#include "core/dataset.hpp"

using namespace unrolled;

TEST_CASE("split and window counts") {
  std::vector<double> x(100);
  std::iota(x.begin(), x.end(), 0.0);
  SeriesSplit sp;
  sp.steps = 10;
  sp.val_fraction = 0.2;
  const SeriesDataset d(x, sp, "ramp");
  CHECK(d.split_index() == 80);
  CHECK(d.count(Split::train) == 70);       // targets 10 … 79, all in the training part
  CHECK(d.count(Split::validation) == 20);  // targets 80 … 99, one per validation point
  CHECK(d.input_size() == 1);
  CHECK(d.output_size() == 1);
}

TEST_CASE("normalisation uses the training split only") {
  std::vector<double> x(100, 0.0);
  for (int i = 0; i < 80; ++i) x[i] = i % 2 ? 3.0 : 1.0;  // mean 2, std 1
  for (int i = 80; i < 100; ++i) x[i] = 1000.0 + i;      // validation far away: must not count
  SeriesSplit sp;
  sp.steps = 5;
  const SeriesDataset d(x, sp, "two parts");
  CHECK(d.normalization().mean == doctest::Approx(2.0));
  CHECK(d.normalization().std == doctest::Approx(1.0));
  CHECK(d.series()[0] == doctest::Approx(-1.0));
  CHECK(d.series()[1] == doctest::Approx(1.0));
  CHECK(d.series()[90] == doctest::Approx(1088.0));
  CHECK(d.normalization().invert(d.series()[1]) == doctest::Approx(3.0));
  // Given statistics are used as they are (forecasting with a saved model).
  const SeriesDataset e(x, sp, "given", Normalization{10.0, 2.0});
  CHECK(e.series()[0] == doctest::Approx(-4.5));
  // A flat training part does not divide by zero.
  const SeriesDataset f(std::vector<double>(50, 4.0), sp, "flat");
  CHECK(f.normalization().std == 1.0);
  CHECK(f.series()[3] == 0.0f);
}

TEST_CASE("fill: many-to-one and many-to-many targets, time-major columns") {
  std::vector<double> x(50);
  std::iota(x.begin(), x.end(), 0.0);
  SeriesSplit sp;
  sp.steps = 4;
  sp.val_fraction = 0.2;  // S = 40
  const SeriesDataset last(x, sp, "ramp");
  const Normalization n = last.normalization();
  const int idx[2] = {3, 0};
  Mat<float> in(1, 8), y(1, 2);
  last.fill(Split::train, idx, 2, in, y);
  for (int t = 0; t < 4; ++t) {
    CHECK(n.invert(in(0, t * 2 + 0)) == doctest::Approx(3.0 + t).epsilon(1e-5));  // window 3
    CHECK(n.invert(in(0, t * 2 + 1)) == doctest::Approx(0.0 + t).epsilon(1e-5));
  }
  CHECK(n.invert(y(0, 0)) == doctest::Approx(7.0).epsilon(1e-5));
  CHECK(n.invert(y(0, 1)) == doctest::Approx(4.0).epsilon(1e-5));
  const int v[1] = {0};
  Mat<float> in1(1, 4), y1(1, 1);
  last.fill(Split::validation, v, 1, in1, y1);  // the first validation point, 40, from 36…39
  CHECK(n.invert(in1(0, 0)) == doctest::Approx(36.0).epsilon(1e-5));
  CHECK(n.invert(y1(0, 0)) == doctest::Approx(40.0).epsilon(1e-5));

  sp.loss = LossMode::all;
  const SeriesDataset all(x, sp, "ramp");
  Mat<float> ya(1, 8);
  all.fill(Split::train, idx, 2, in, ya);
  for (int t = 0; t < 4; ++t) {
    CHECK(n.invert(ya(0, t * 2 + 0)) == doctest::Approx(4.0 + t).epsilon(1e-5));
    CHECK(n.invert(ya(0, t * 2 + 1)) == doctest::Approx(1.0 + t).epsilon(1e-5));
  }
  const int bad[1] = {36};
  CHECK_THROWS_AS(last.fill(Split::train, bad, 1, in1, y1), std::out_of_range);
}

TEST_CASE("too short a series is refused with the sizes named") {
  SeriesSplit sp;
  sp.steps = 32;
  const std::string why = SeriesDataset::check_sizes(40, sp);
  CHECK(why.find("40 points") != std::string::npos);
  CHECK(why.find("32") != std::string::npos);
  CHECK_THROWS_AS(SeriesDataset(std::vector<double>(40, 1.0), sp, "short"), std::invalid_argument);
  std::vector<double> x(100, 1.0);
  x[7] = std::nan("");
  sp.steps = 8;
  CHECK_THROWS_WITH_AS(SeriesDataset(x, sp, "nan"), doctest::Contains("value 8"), std::invalid_argument);
  sp.val_fraction = 0.95;
  CHECK(SeriesDataset::check_sizes(100, sp).find("validation fraction") != std::string::npos);
}
