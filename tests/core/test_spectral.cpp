// The spectral radius against matrices whose eigenvalues are known (diagonal, rotation, Jordan block,
// similarity transforms, the roots of 2 × 2 characteristic polynomials), and rescaling a vanilla
// RNN's W_hh to a chosen radius (the gradient lab).
#include <doctest/doctest.h>
#include <Eigen/LU>  // determinant, inverse

#include <algorithm>
#include <cmath>
#include <complex>
#include <string>

#include "core/spectral.hpp"
#include "core/test_util.hpp"

using namespace unrolled;
using test::Normal;

namespace {
Mat<double> rotation(double angle, double scale) {
  Mat<double> r(2, 2);
  r << std::cos(angle), -std::sin(angle), std::sin(angle), std::cos(angle);
  return scale * r;
}
// The message of the std::invalid_argument that f throws ("" when it throws nothing).
template <class F> std::string thrown(F f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return {};
}
}  // namespace

TEST_CASE("spectral radius: diagonal matrices, the largest |entry| whatever its sign") {
  Mat<double> d = Mat<double>::Zero(4, 4);
  d.diagonal() << 0.5, -2.25, 1.5, 0.0;
  CHECK(spectral_radius(d) == doctest::Approx(2.25).epsilon(1e-15));
  CHECK(spectral_radius(Mat<double>(Mat<double>::Identity(7, 7))) == doctest::Approx(1.0).epsilon(1e-15));
  CHECK(spectral_radius(Mat<double>(Mat<double>::Zero(3, 3))) == 0.0);
  Mat<float> f = d.cast<float>();
  CHECK(spectral_radius(f) == doctest::Approx(2.25).epsilon(1e-7));
}

TEST_CASE("spectral radius: a scaled rotation has the complex pair s·e^(±iθ), radius s") {
  for (double angle : {0.3, 1.0, 2.5}) {
    for (double s : {0.8, 1.0, 1.7}) {
      CAPTURE(angle);
      CAPTURE(s);
      CHECK(std::abs(spectral_radius(rotation(angle, s)) - s) < 1e-14);
    }
  }
  // A rotation block next to a real eigenvalue: the larger one wins, complex or real.
  Mat<double> m = Mat<double>::Zero(3, 3);
  m.topLeftCorner(2, 2) = rotation(0.7, 1.3);
  m(2, 2) = -0.9;
  CHECK(std::abs(spectral_radius(m) - 1.3) < 1e-14);
  m(2, 2) = -1.6;
  CHECK(std::abs(spectral_radius(m) - 1.6) < 1e-14);
}

TEST_CASE("spectral radius: a Jordan block has one eigenvalue λ however large its off-diagonal") {
  // ‖J^k‖ grows like k^(n−1)·λ^k before λ^k wins, but the radius is |λ|.
  for (double lambda : {0.7, -1.2}) {
    Mat<double> j = lambda * Mat<double>::Identity(5, 5);
    j.diagonal(1).setConstant(3.0);
    CAPTURE(lambda);
    CHECK(std::abs(spectral_radius(j) - std::abs(lambda)) < 1e-12);
  }
  // Nilpotent (λ = 0): radius 0 though the matrix is far from zero.
  Mat<double> n = Mat<double>::Zero(4, 4);
  n.diagonal(1).setConstant(5.0);
  CHECK(spectral_radius(n) == 0.0);
}

TEST_CASE("spectral radius: random 2 × 2 matrices against the roots of λ² − tr·λ + det") {
  Normal normal(11);
  int complex_pairs = 0;
  for (int k = 0; k < 200; ++k) {
    const Mat<double> a = normal.matrix<double>(2, 2);
    const double tr = a.trace(), det = a.determinant();
    const std::complex<double> root = std::sqrt(std::complex<double>(tr * tr - 4 * det, 0.0));
    const double expected = std::max(std::abs((tr + root) / 2.0), std::abs((tr - root) / 2.0));
    complex_pairs += tr * tr - 4 * det < 0;
    CAPTURE(k);
    CHECK(std::abs(spectral_radius(a) - expected) < 1e-12 * std::max(1.0, expected));
  }
  CHECK(complex_pairs > 20);  // both cases were met
}

TEST_CASE("spectral radius: random dense matrices P·B·P⁻¹ with known eigenvalues") {
  Normal normal(5);
  for (int k = 0; k < 20; ++k) {
    // B: two rotation blocks and two real eigenvalues; P random (almost surely invertible), so A is dense.
    Mat<double> b = Mat<double>::Zero(6, 6);
    const double s1 = 0.2 + 1.5 * std::abs(normal()), s2 = 0.2 + 1.5 * std::abs(normal());
    const double r1 = 2.0 * normal(), r2 = 2.0 * normal();
    b.block(0, 0, 2, 2) = rotation(1.0 + normal(), s1);
    b.block(2, 2, 2, 2) = rotation(0.5 + normal(), s2);
    b(4, 4) = r1;
    b(5, 5) = r2;
    const Mat<double> p = normal.matrix<double>(6, 6);
    const Mat<double> a = p * b * p.inverse();
    const double expected = std::max({s1, s2, std::abs(r1), std::abs(r2)});
    CAPTURE(k);
    CHECK(std::abs(spectral_radius(a) - expected) < 1e-9 * expected);
  }
}

TEST_CASE("spectral radius: bad matrices are errors that say why") {
  CHECK(thrown([] { spectral_radius(Mat<double>(2, 3)); }).find("square") != std::string::npos);
  CHECK(thrown([] { spectral_radius(Mat<double>(0, 0)); }).find("empty") != std::string::npos);
  Mat<double> nan = Mat<double>::Identity(3, 3);
  nan(1, 2) = std::nan("");
  CHECK(thrown([&] { spectral_radius(nan); }).find("NaN") != std::string::npos);
}

TEST_CASE("rescaling W_hh: the new radius is exactly ρ; nothing else changes") {
  for (RescaleScope scope : {RescaleScope::first_layer, RescaleScope::every_layer}) {
    for (double rho : {0.1, 0.5, 0.95, 1.0, 1.7, 3.0}) {
      Model<double> m = test::random_model<double>(CellKind::rnn, 2, 24, 2, 1, 3);
      const Model<double> before = m;
      const double r0 = spectral_radius(recurrent_weights(before, 0)), r1 = spectral_radius(recurrent_weights(before, 1));
      const double was = rescale_recurrent(m, rho, scope);
      CAPTURE(rho);
      CHECK(was == (scope == RescaleScope::every_layer ? std::max(r0, r1) : r0));
      CHECK(std::abs(spectral_radius(recurrent_weights(m, 0)) - rho) < 1e-12);
      if (scope == RescaleScope::every_layer) CHECK(std::abs(spectral_radius(recurrent_weights(m, 1)) - rho) < 1e-12);
      // W_hh is a multiple of the old one; every other tensor is bit for bit the same.
      const Mat<double> w0 = recurrent_weights(m, 0), old0 = recurrent_weights(before, 0);
      CHECK((w0 - old0 * (rho / r0)).cwiseAbs().maxCoeff() < 1e-15 * std::max(1.0, rho / r0));
      for (std::size_t t = 0; t < m.layout.tensors.size(); ++t) {
        const bool rescaled = static_cast<int>(t) == m.layout.layers[0].weight_hh ||
                              (scope == RescaleScope::every_layer && static_cast<int>(t) == m.layout.layers[1].weight_hh);
        if (rescaled) continue;
        const TensorSpec& s = m.layout.tensors[t];
        for (std::size_t i = s.offset; i < s.offset + s.size; ++i) REQUIRE(m.params[i] == before.params[i]);
      }
    }
  }
}

TEST_CASE("rescaling W_hh in float: the radius is ρ to float precision") {
  Model<float> m = test::random_model<float>(CellKind::rnn, 1, 64, 1, 1, 9);
  rescale_recurrent(m, 1.25);
  CHECK(std::abs(spectral_radius(recurrent_weights(m, 0)) - 1.25) < 1e-5);
}

TEST_CASE("rescaling W_hh: errors name what is wrong and change nothing") {
  Model<double> lstm = test::random_model<double>(CellKind::lstm, 1, 8, 1, 1, 1);
  CHECK(thrown([&] { rescale_recurrent(lstm, 1.0); }).find("lstm") != std::string::npos);

  Model<double> rnn = test::random_model<double>(CellKind::rnn, 1, 8, 2, 1, 1);
  CHECK(thrown([&] { rescale_recurrent(rnn, std::nan("")); }).find("spectral radius") != std::string::npos);
  CHECK(thrown([&] { rescale_recurrent(rnn, -1.0); }).find("≥ 0") != std::string::npos);
  // A zero W_hh in the second layer: rescaling every layer fails before touching the first.
  rnn.tensor(rnn.layout.layers[1].weight_hh).setZero();
  const Model<double> zeroed = rnn;
  const std::string e = thrown([&] { rescale_recurrent(rnn, 0.9, RescaleScope::every_layer); });
  CHECK(e.find("rnn.weight_hh_l1") != std::string::npos);
  CHECK(e.find("radius 0") != std::string::npos);
  CHECK(rnn.params == zeroed.params);
  // Layer 0 alone still rescales.
  CHECK(rescale_recurrent(rnn, 0.9) > 0);
  CHECK(std::abs(spectral_radius(recurrent_weights(rnn, 0)) - 0.9) < 1e-12);
  CHECK(thrown([&] { recurrent_weights(rnn, 2); }).find("layer 2") != std::string::npos);
}
