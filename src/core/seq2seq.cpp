// GCC 12 reports -Wuninitialized inside its own AVX-512 intrinsics when Eigen's float exp is inlined
// here (the same false positive as -Wmaybe-uninitialized in CMakeLists.txt).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include "core/seq2seq.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

#include "core/enum_names.hpp"

namespace unrolled {

namespace {
using Eigen::Index;

inline constexpr EnumName<Attention> attention_table[] = {
    {Attention::none, "none"}, {Attention::additive, "additive"}, {Attention::dot, "dot"}, {Attention::general, "general"}};

ModelConfig cell_config(const Seq2seqConfig& c, int input, int hidden) {
  ModelConfig m;
  m.cell = c.cell;
  m.nonlinearity = c.nonlinearity;
  m.input_size = input;
  m.hidden_size = hidden;
  return m;
}
int decoder_input(const Seq2seqConfig& c) {
  return c.embed_size + (c.attention == Attention::none ? 0 : c.context_size());
}
int out_input(const Seq2seqConfig& c) {
  return c.dec_hidden() + (c.attention == Attention::none ? 0 : c.context_size());
}

}  // namespace

const char* attention_name(Attention a) { return name_of(attention_table, a); }
bool parse_attention(std::string_view text, Attention& out) { return parse_name(attention_table, text, out); }
std::string attention_names() { return names_list(attention_table); }

std::string validate_seq2seq_config(const Seq2seqConfig& c) {
  if (c.vocab_size < first_symbol_id + 1 || c.vocab_size > max_vocab_size)
    return "vocab_size: " + std::to_string(c.vocab_size) + " is outside [" + std::to_string(first_symbol_id + 1) + ", " +
           std::to_string(max_vocab_size) + "]";
  auto range = [](const char* name, int v, int lo, int hi) -> std::string {
    if (v < lo || v > hi)
      return std::string(name) + ": " + std::to_string(v) + " is outside [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
    return "";
  };
  for (const std::string& e : {range("embed_size", c.embed_size, 1, max_input_size),
                               range("hidden_size", c.hidden_size, 1, max_hidden_size),
                               range("decoder_hidden", c.decoder_hidden, 0, max_hidden_size),
                               range("attention_size", c.attention_size, 0, max_hidden_size)})
    if (!e.empty()) return e;
  if (c.attention == Attention::dot && c.dec_hidden() != c.context_size())
    return "attention: dot needs the decoder hidden size (" + std::to_string(c.dec_hidden()) +
           ") to equal the encoder output width (" + std::to_string(c.context_size()) +
           (c.bidirectional ? ", two directions" : "") + "); use general or additive attention";
  return "";
}

ParamLayout make_seq2seq_layout(const Seq2seqConfig& c, Seq2seqSlots& slots) {
  if (std::string e = validate_seq2seq_config(c); !e.empty()) throw std::invalid_argument("seq2seq: " + e);
  ParamLayout l;
  slots = {};
  auto add = [&l](std::string name, std::vector<int> shape) {
    TensorSpec s{std::move(name), std::move(shape), l.total, 0};
    s.size = static_cast<std::size_t>(s.rows()) * static_cast<std::size_t>(s.cols());
    l.total += s.size;
    l.tensors.push_back(std::move(s));
    return static_cast<int>(l.tensors.size()) - 1;
  };
  auto add_rnn = [&](const std::string& prefix, const std::string& suffix, int input, int hidden, LayerSlots& s) {
    const int rows = gate_count(c.cell) * hidden;
    s.weight_ih = add(prefix + "weight_ih_l0" + suffix, {rows, input});
    s.weight_hh = add(prefix + "weight_hh_l0" + suffix, {rows, hidden});
    s.bias_ih = add(prefix + "bias_ih_l0" + suffix, {rows});
    s.bias_hh = add(prefix + "bias_hh_l0" + suffix, {rows});
  };
  const int V = c.vocab_size, E = c.embed_size, H = c.hidden_size, C = c.context_size(), Hd = c.dec_hidden(),
            A = c.attn_size();
  slots.enc_embed = add("encoder.embed.weight", {V, E});
  add_rnn("encoder.rnn.", "", E, H, slots.enc);
  if (c.bidirectional) add_rnn("encoder.rnn.", "_reverse", E, H, slots.enc_reverse);
  slots.bridge_w = add("bridge.weight", {Hd, C});
  slots.bridge_b = add("bridge.bias", {Hd});
  slots.dec_embed = add("decoder.embed.weight", {V, E});
  add_rnn("decoder.rnn.", "", decoder_input(c), Hd, slots.dec);
  if (c.attention == Attention::additive) {
    slots.attn_w = add("attn.W.weight", {A, Hd});
    slots.attn_u = add("attn.U.weight", {A, C});
    slots.attn_v = add("attn.v.weight", {1, A});
  } else if (c.attention == Attention::general) {
    slots.attn_w = add("attn.W.weight", {Hd, C});
  }
  slots.out_w = add("out.weight", {V, out_input(c)});
  slots.out_b = add("out.bias", {V});
  return l;
}

template <class T> void init_seq2seq(Seq2seqModel<T>& model, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const Seq2seqSlots& sl = model.slots;
  const ParamLayout& l = model.layout;
  auto uniform = [&rng](double b) { return -b + 2.0 * b * (static_cast<double>(rng() >> 11) * 0x1.0p-53); };
  auto fill = [&](int i, double bound) {
    if (i < 0) return;
    const TensorSpec& s = l.tensors[static_cast<std::size_t>(i)];
    for (std::size_t j = 0; j < s.size; ++j) model.params[s.offset + j] = static_cast<T>(uniform(bound));
  };
  auto fill_rnn = [&](const LayerSlots& s, int hidden) {
    const double b = 1.0 / std::sqrt(static_cast<double>(hidden));
    for (int i : {s.weight_ih, s.weight_hh, s.bias_ih, s.bias_hh}) fill(i, b);
  };
  auto fan_in = [&](int weight) { return 1.0 / std::sqrt(static_cast<double>(l.tensors[static_cast<std::size_t>(weight)].cols())); };
  fill_rnn(sl.enc, model.config.hidden_size);
  if (model.config.bidirectional) fill_rnn(sl.enc_reverse, model.config.hidden_size);
  fill(sl.bridge_w, fan_in(sl.bridge_w));
  fill(sl.bridge_b, fan_in(sl.bridge_w));
  fill_rnn(sl.dec, model.config.dec_hidden());
  for (int i : {sl.attn_w, sl.attn_u, sl.attn_v})
    if (i >= 0) fill(i, fan_in(i));
  fill(sl.out_w, fan_in(sl.out_w));
  fill(sl.out_b, fan_in(sl.out_w));
  for (int i : {sl.enc_embed, sl.dec_embed}) {  // N(0, 1), Box–Muller
    const TensorSpec& s = l.tensors[static_cast<std::size_t>(i)];
    for (std::size_t j = 0; j < s.size; ++j) {
      const double u1 = (static_cast<double>(rng() >> 11) + 0.5) * 0x1.0p-53;
      const double u2 = static_cast<double>(rng() >> 11) * 0x1.0p-53;
      model.params[s.offset + j] = static_cast<T>(std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
    }
  }
}

Seq2seqBatch make_seq2seq_batch(const std::vector<std::vector<int>>& sources, const std::vector<std::vector<int>>& targets) {
  if (sources.empty() || sources.size() != targets.size())
    throw std::invalid_argument("seq2seq batch: need one target per source and at least one pair");
  Seq2seqBatch b;
  b.batch = static_cast<int>(sources.size());
  for (std::size_t i = 0; i < sources.size(); ++i) {
    if (sources[i].empty() || targets[i].empty())
      throw std::invalid_argument("seq2seq batch: pair " + std::to_string(i) + " has an empty source or target");
    b.src_len.push_back(static_cast<int>(sources[i].size()));
    b.tgt_len.push_back(static_cast<int>(targets[i].size()));
  }
  b.src_steps = *std::max_element(b.src_len.begin(), b.src_len.end());
  b.tgt_steps = *std::max_element(b.tgt_len.begin(), b.tgt_len.end());
  const std::size_t B = sources.size();
  b.src.assign(static_cast<std::size_t>(b.src_steps) * B, pad_id);
  b.tgt.assign(static_cast<std::size_t>(b.tgt_steps) * B, pad_id);
  for (std::size_t i = 0; i < B; ++i) {
    for (std::size_t j = 0; j < sources[i].size(); ++j) b.src[j * B + i] = sources[i][j];
    for (std::size_t j = 0; j < targets[i].size(); ++j) b.tgt[j * B + i] = targets[i][j];
  }
  return b;
}

namespace {

template <class T> struct Views {
  const ParamLayout& l;
  const T* p;
  ConstWeightView<T> w(int i) const { return weight_view(l, p, i); }
  ConstVecView<T> v(int i) const { return vec_view(l, p, i); }
};

// Row `id` of an embedding, with a clear error for an id outside the table.
template <class T> auto embed_row(const ConstWeightView<T>& table, int id, const char* what, std::size_t where) {
  if (id < 0 || id >= table.rows())
    throw std::out_of_range(std::string(what) + " id " + std::to_string(id) + " at position " + std::to_string(where) +
                            " is outside [0, " + std::to_string(table.rows()) + ")");
  return table.row(id);
}

// The masked recurrent run of one encoder direction (S1). h, c: [H × (S+1)·B]; forward reads block j
// and writes block j + 1, reverse reads j + 1 and writes j. A padded step (j ≥ n_b) copies the state.
template <class T>
void encode_direction(const ModelConfig& cfg, const LayerWeights<T>& w, const Mat<T>& x, const std::vector<int>& len,
                      bool reverse, std::vector<StepCache<T>>& caches, Mat<T>& h, Mat<T>& c) {
  const int B = static_cast<int>(len.size()), S = static_cast<int>(x.cols()) / B, H = cfg.hidden_size;
  h.setZero(H, static_cast<Index>(S + 1) * B);
  c.setZero(H, static_cast<Index>(S + 1) * B);
  caches.resize(static_cast<std::size_t>(S));
  Mat<T> xj, hp, cp;
  for (int k = 0; k < S; ++k) {
    const int j = reverse ? S - 1 - k : k;
    const int in = reverse ? j + 1 : j, outb = reverse ? j : j + 1;
    xj = step_block(x, j, B);
    hp = step_block(h, in, B);
    cp = step_block(c, in, B);
    StepCache<T>& s = caches[static_cast<std::size_t>(j)];
    forward_step(cfg, w, xj, hp, cp, s);
    for (int b = 0; b < B; ++b)
      if (j >= len[static_cast<std::size_t>(b)]) {
        s.h.col(b) = hp.col(b);
        if (cfg.cell == CellKind::lstm) s.c.col(b) = cp.col(b);
      }
    step_block(h, outb, B) = s.h;
    if (cfg.cell == CellKind::lstm) step_block(c, outb, B) = s.c;
  }
}

template <class T>
void encode_direction_backward(const ModelConfig& cfg, const LayerWeights<T>& w, const Mat<T>& x, const std::vector<int>& len,
                               bool reverse, const std::vector<StepCache<T>>& caches, const Mat<T>& h, const Mat<T>& c,
                               const Mat<T>& dmem, Index row0, Mat<T> dh_next, LayerGrads<T> g, Mat<T>& dx_all) {
  const int B = static_cast<int>(len.size()), S = static_cast<int>(x.cols()) / B, H = cfg.hidden_size;
  Mat<T> dc_next = Mat<T>::Zero(H, B), dh, dc, xj, hp, cp, dx, dhp, dcp;
  for (int k = S - 1; k >= 0; --k) {
    const int j = reverse ? S - 1 - k : k;
    const int in = reverse ? j + 1 : j;
    dh = dh_next;
    for (int b = 0; b < B; ++b) dh.col(b) += dmem.block(row0, static_cast<Index>(b) * S + j, H, 1);
    dc = dc_next;
    Mat<T> carry_h = dh, carry_c = dc;
    for (int b = 0; b < B; ++b)
      if (j >= len[static_cast<std::size_t>(b)]) {
        dh.col(b).setZero();
        dc.col(b).setZero();
      }
    xj = step_block(x, j, B);
    hp = step_block(h, in, B);
    cp = step_block(c, in, B);
    backward_step(cfg, w, caches[static_cast<std::size_t>(j)], xj, hp, cp, dh, dc, g, dx, dhp, dcp);
    if (cfg.cell != CellKind::lstm) dcp = Mat<T>::Zero(H, B);
    for (int b = 0; b < B; ++b)
      if (j >= len[static_cast<std::size_t>(b)]) {
        dhp.col(b) = carry_h.col(b);
        dcp.col(b) = carry_c.col(b);
      }
    step_block(dx_all, j, B) += dx;
    dh_next = dhp;
    dc_next = dcp;
  }
}

// (S3) for one sequence: memory, keys [· × n], s [Hd]; writes a [n], context [C], z [A × n] (additive).
template <class T> using In = std::type_identity_t<Eigen::Ref<const Mat<T>>>;
template <class T> using InVec = std::type_identity_t<Eigen::Ref<const Vec<T>>>;
template <class T> using Out = std::type_identity_t<Eigen::Ref<Mat<T>>>;
template <class T> using OutVec = std::type_identity_t<Eigen::Ref<Vec<T>>>;

template <class T>
void attend(const Seq2seqModel<T>& m, In<T> memory, In<T> keys, InVec<T> s, OutVec<T> a, OutVec<T> context, Out<T> z) {
  const Views<T> p{m.layout, m.params.data()};
  const Index n = memory.cols();
  switch (m.config.attention) {
    case Attention::none: return;
    case Attention::additive: {
      const Vec<T> ws = p.w(m.slots.attn_w) * s;
      z = (keys.colwise() + ws).array().tanh();
      a = (p.w(m.slots.attn_v) * z).transpose();
      break;
    }
    case Attention::dot: a = memory.transpose() * s; break;
    case Attention::general: a = keys.transpose() * s; break;
  }
  const T mx = a.head(n).maxCoeff();  // n = a.size()
  a = (a.array() - mx).exp();
  a /= a.sum();
  context = memory * a;
}

// Backward of attend for one sequence: g = dL/dc_t. Adds into dmemory, dkeys, ds and the attention grads.
template <class T>
void attend_backward(const Seq2seqModel<T>& m, In<T> memory, In<T> keys, In<T> z, InVec<T> a, InVec<T> s, InVec<T> g,
                     Out<T> dmemory, Out<T> dkeys, OutVec<T> ds, Buffer<T>& grads) {
  const Views<T> p{m.layout, m.params.data()};
  const Vec<T> da = memory.transpose() * g;
  dmemory.noalias() += g * a.transpose();
  const Vec<T> de = a.array() * (da.array() - a.dot(da));
  switch (m.config.attention) {
    case Attention::none: return;
    case Attention::dot:
      ds.noalias() += memory * de;
      dmemory.noalias() += s * de.transpose();
      break;
    case Attention::general:
      ds.noalias() += keys * de;
      dkeys.noalias() += s * de.transpose();
      break;
    case Attention::additive: {
      const auto v = p.w(m.slots.attn_v);  // [1 × A]
      const Mat<T> dpre = (v.transpose() * de.transpose()).array() * (T(1) - z.array().square());  // [A × n]
      weight_view(m.layout, grads.data(), m.slots.attn_v).noalias() += (z * de).transpose();
      dkeys += dpre;
      const Vec<T> dws = dpre.rowwise().sum();
      weight_view(m.layout, grads.data(), m.slots.attn_w).noalias() += dws * s.transpose();
      ds.noalias() += p.w(m.slots.attn_w).transpose() * dws;
      break;
    }
  }
}

// Encoder + bridge (S1, S2) into the trace.
template <class T> void encode_batch(const Seq2seqModel<T>& m, const Seq2seqBatch& batch, Seq2seqTrace<T>& tr) {
  const Seq2seqConfig& c = m.config;
  const Views<T> p{m.layout, m.params.data()};
  const int B = batch.batch, S = batch.src_steps, E = c.embed_size, H = c.hidden_size, C = c.context_size();
  tr.batch = B;
  tr.src_steps = S;
  tr.enc_x.resize(E, static_cast<Index>(S) * B);
  const auto table = p.w(m.slots.enc_embed);
  for (std::size_t j = 0; j < batch.src.size(); ++j) tr.enc_x.col(static_cast<Index>(j)) = embed_row(table, batch.src[j], "source", j).transpose();
  const ModelConfig ecfg = cell_config(c, E, H);
  encode_direction(ecfg, layer_weights(m.layout, m.params.data(), m.slots.enc), tr.enc_x, batch.src_len, false, tr.enc, tr.enc_h, tr.enc_c);
  if (c.bidirectional)
    encode_direction(ecfg, layer_weights(m.layout, m.params.data(), m.slots.enc_reverse), tr.enc_x, batch.src_len, true,
                     tr.enc_rev, tr.rev_h, tr.rev_c);
  tr.memory.resize(C, static_cast<Index>(B) * S);
  for (int b = 0; b < B; ++b)
    for (int j = 0; j < S; ++j) {
      const Index col = static_cast<Index>(b) * S + j;
      tr.memory.col(col).head(H) = tr.enc_h.col(static_cast<Index>(j + 1) * B + b);
      if (c.bidirectional) tr.memory.col(col).tail(H) = tr.rev_h.col(static_cast<Index>(j) * B + b);
    }
  tr.bridge_in.resize(C, B);
  tr.bridge_in.topRows(H) = step_block(tr.enc_h, S, B);
  if (c.bidirectional) tr.bridge_in.bottomRows(H) = step_block(tr.rev_h, 0, B);
  if (c.attention == Attention::additive) tr.keys.noalias() = p.w(m.slots.attn_u) * tr.memory;
  else if (c.attention == Attention::general) tr.keys.noalias() = p.w(m.slots.attn_w) * tr.memory;
  else tr.keys.resize(0, static_cast<Index>(B) * S);
}

template <class T> Mat<T> bridge(const Seq2seqModel<T>& m, const Mat<T>& bridge_in) {
  const Views<T> p{m.layout, m.params.data()};
  Mat<T> s0 = p.w(m.slots.bridge_w) * bridge_in;
  s0.colwise() += p.v(m.slots.bridge_b);
  return s0.array().tanh().matrix();
}

template <class T> Index argmax(const Eigen::Ref<const Vec<T>>& v) {
  Index best = 0;
  v.maxCoeff(&best);
  return best;
}

}  // namespace

template <class T>
void seq2seq_forward(const Seq2seqModel<T>& m, const Seq2seqBatch& batch, Seq2seqTrace<T>& tr, double r, std::mt19937_64* rng) {
  const Seq2seqConfig& c = m.config;
  const Views<T> p{m.layout, m.params.data()};
  encode_batch(m, batch, tr);
  const int B = batch.batch, S = batch.src_steps, Tn = batch.tgt_steps, E = c.embed_size, C = c.context_size(),
            Hd = c.dec_hidden(), A = c.attn_size(), V = c.vocab_size;
  const bool att = c.attention != Attention::none;
  const Index TB = static_cast<Index>(Tn) * B;
  tr.tgt_steps = Tn;
  tr.dec_h.setZero(Hd, static_cast<Index>(Tn + 1) * B);
  tr.dec_c.setZero(Hd, static_cast<Index>(Tn + 1) * B);
  step_block(tr.dec_h, 0, B) = bridge(m, tr.bridge_in);
  tr.dec_x.resize(decoder_input(c), TB);
  tr.context.setZero(att ? C : 0, TB);
  tr.weights.setZero(att ? S : 0, TB);
  if (c.attention == Attention::additive) tr.attn_z.setZero(A, TB * S);
  tr.logits.resize(V, TB);
  tr.dec_in.assign(static_cast<std::size_t>(TB), start_id);
  tr.dec.resize(static_cast<std::size_t>(Tn));
  const ModelConfig dcfg = cell_config(c, decoder_input(c), Hd);
  const LayerWeights<T> dw = layer_weights(m.layout, m.params.data(), m.slots.dec);
  const auto table = p.w(m.slots.dec_embed);
  const auto ow = p.w(m.slots.out_w);
  const auto ob = p.v(m.slots.out_b);
  Mat<T> x, hp, cp, feat(out_input(c), B);
  for (int t = 0; t < Tn; ++t) {
    for (int b = 0; b < B; ++b) {
      const std::size_t i = static_cast<std::size_t>(t) * B + b;
      if (t > 0) {
        bool forced = r >= 1;
        if (r > 0 && r < 1) forced = static_cast<double>((*rng)() >> 11) * 0x1.0p-53 < r;
        tr.dec_in[i] = forced ? batch.tgt[i - static_cast<std::size_t>(B)]
                              : static_cast<int>(argmax<T>(tr.logits.col(static_cast<Index>(i) - B)));
      }
      tr.dec_x.col(static_cast<Index>(i)).head(E) = embed_row(table, tr.dec_in[i], "decoder input", i).transpose();
      if (att) {
        const Index n = batch.src_len[static_cast<std::size_t>(b)], m0 = static_cast<Index>(b) * S;
        auto zc = c.attention == Attention::additive ? tr.attn_z.middleCols(static_cast<Index>(i) * S, n)
                                                     : tr.attn_z.middleCols(0, 0);
        attend(m, tr.memory.middleCols(m0, n), tr.keys.middleCols(m0, n), tr.dec_h.col(static_cast<Index>(i)),
               tr.weights.col(static_cast<Index>(i)).head(n), tr.context.col(static_cast<Index>(i)), zc);
        tr.dec_x.col(static_cast<Index>(i)).tail(C) = tr.context.col(static_cast<Index>(i));
      }
    }
    x = step_block(tr.dec_x, t, B);
    hp = step_block(tr.dec_h, t, B);
    cp = step_block(tr.dec_c, t, B);
    StepCache<T>& s = tr.dec[static_cast<std::size_t>(t)];
    forward_step(dcfg, dw, x, hp, cp, s);
    step_block(tr.dec_h, t + 1, B) = s.h;
    if (c.cell == CellKind::lstm) step_block(tr.dec_c, t + 1, B) = s.c;
    feat.topRows(Hd) = s.h;
    if (att) feat.bottomRows(C) = step_block(tr.context, t, B);
    auto z = step_block(tr.logits, t, B);
    z.noalias() = ow * feat;
    z.colwise() += ob;
  }
}

template <class T> T seq2seq_loss(const Seq2seqTrace<T>& tr, const Seq2seqBatch& batch, Mat<T>* dlogits) {
  const int B = batch.batch;
  long long N = 0;
  for (int n : batch.tgt_len) N += n;
  if (dlogits) dlogits->setZero(tr.logits.rows(), tr.logits.cols());
  T total = 0;
  for (int t = 0; t < batch.tgt_steps; ++t)
    for (int b = 0; b < B; ++b) {
      if (t >= batch.tgt_len[static_cast<std::size_t>(b)]) continue;
      const Index col = static_cast<Index>(t) * B + b;
      const int y = batch.tgt[static_cast<std::size_t>(col)];
      if (y < 0 || y >= tr.logits.rows())
        throw std::out_of_range("target id " + std::to_string(y) + " at position " + std::to_string(col) + " is outside the vocabulary");
      const auto z = tr.logits.col(col);
      const T mx = z.maxCoeff();
      const T lse = mx + std::log((z.array() - mx).exp().sum());
      total -= z(y) - lse;
      if (dlogits) {
        dlogits->col(col) = (z.array() - lse).exp() / static_cast<T>(N);
        (*dlogits)(y, col) -= T(1) / static_cast<T>(N);
      }
    }
  return total / static_cast<T>(N);
}

template <class T>
void seq2seq_backward(const Seq2seqModel<T>& m, const Seq2seqBatch& batch, const Seq2seqTrace<T>& tr, const Mat<T>& dlogits,
                      Buffer<T>& grads) {
  const Seq2seqConfig& c = m.config;
  const Views<T> p{m.layout, m.params.data()};
  const int B = batch.batch, S = batch.src_steps, Tn = batch.tgt_steps, E = c.embed_size, H = c.hidden_size,
            C = c.context_size(), Hd = c.dec_hidden();
  const bool att = c.attention != Attention::none;
  const Index TB = static_cast<Index>(Tn) * B;
  grads.assign(m.layout.total, T(0));
  T* g = grads.data();
  // out (S4)
  Mat<T> feat(out_input(c), TB);
  feat.topRows(Hd) = tr.dec_h.middleCols(B, TB);
  if (att) feat.bottomRows(C) = tr.context;
  weight_view(m.layout, g, m.slots.out_w).noalias() += dlogits * feat.transpose();
  vec_view(m.layout, g, m.slots.out_b) += dlogits.rowwise().sum();
  const Mat<T> dfeat = p.w(m.slots.out_w).transpose() * dlogits;
  // decoder, attention (S4, S3), t = T…1
  Mat<T> dmemory = Mat<T>::Zero(C, static_cast<Index>(B) * S), dkeys = Mat<T>::Zero(tr.keys.rows(), tr.keys.cols());
  Mat<T> ds_next = Mat<T>::Zero(Hd, B), dc_next = Mat<T>::Zero(Hd, B), dh, x, hp, cp, dx, dhp, dcp;
  const ModelConfig dcfg = cell_config(c, decoder_input(c), Hd);
  const LayerWeights<T> dw = layer_weights(m.layout, m.params.data(), m.slots.dec);
  LayerGrads<T> dg = layer_grads(m.layout, g, m.slots.dec);
  WeightView<T> dembed = weight_view(m.layout, g, m.slots.dec_embed);
  for (int t = Tn - 1; t >= 0; --t) {
    dh = step_block(dfeat, t, B).topRows(Hd) + ds_next;
    x = step_block(tr.dec_x, t, B);
    hp = step_block(tr.dec_h, t, B);
    cp = step_block(tr.dec_c, t, B);
    backward_step(dcfg, dw, tr.dec[static_cast<std::size_t>(t)], x, hp, cp, dh, dc_next, dg, dx, dhp, dcp);
    for (int b = 0; b < B; ++b) {
      const Index i = static_cast<Index>(t) * B + b;
      dembed.row(tr.dec_in[static_cast<std::size_t>(i)]) += dx.col(b).head(E).transpose();
      if (!att) continue;
      const Vec<T> gctx = dfeat.col(i).tail(C) + dx.col(b).tail(C);
      const Index n = batch.src_len[static_cast<std::size_t>(b)], m0 = static_cast<Index>(b) * S;
      const Mat<T> z = c.attention == Attention::additive ? Mat<T>(tr.attn_z.middleCols(i * S, n)) : Mat<T>();
      attend_backward(m, tr.memory.middleCols(m0, n), tr.keys.middleCols(m0, n), z, tr.weights.col(i).head(n),
                      hp.col(b), gctx, dmemory.middleCols(m0, n), dkeys.middleCols(m0, n), dhp.col(b), grads);
    }
    ds_next = dhp;
    if (c.cell == CellKind::lstm) dc_next = dcp;
  }
  // bridge (S2)
  const Mat<T> s0 = step_block(tr.dec_h, 0, B);
  const Mat<T> dpre = ds_next.array() * (T(1) - s0.array().square());
  weight_view(m.layout, g, m.slots.bridge_w).noalias() += dpre * tr.bridge_in.transpose();
  vec_view(m.layout, g, m.slots.bridge_b) += dpre.rowwise().sum();
  const Mat<T> dbridge = p.w(m.slots.bridge_w).transpose() * dpre;
  // keys
  if (c.attention == Attention::additive) {
    weight_view(m.layout, g, m.slots.attn_u).noalias() += dkeys * tr.memory.transpose();
    dmemory.noalias() += p.w(m.slots.attn_u).transpose() * dkeys;
  } else if (c.attention == Attention::general) {
    weight_view(m.layout, g, m.slots.attn_w).noalias() += dkeys * tr.memory.transpose();
    dmemory.noalias() += p.w(m.slots.attn_w).transpose() * dkeys;
  }
  // encoder (S1)
  const ModelConfig ecfg = cell_config(c, E, H);
  Mat<T> dx_all = Mat<T>::Zero(E, static_cast<Index>(S) * B);
  encode_direction_backward(ecfg, layer_weights(m.layout, m.params.data(), m.slots.enc), tr.enc_x, batch.src_len, false,
                            tr.enc, tr.enc_h, tr.enc_c, dmemory, 0, Mat<T>(dbridge.topRows(H)),
                            layer_grads(m.layout, g, m.slots.enc), dx_all);
  if (c.bidirectional)
    encode_direction_backward(ecfg, layer_weights(m.layout, m.params.data(), m.slots.enc_reverse), tr.enc_x, batch.src_len,
                              true, tr.enc_rev, tr.rev_h, tr.rev_c, dmemory, H, Mat<T>(dbridge.bottomRows(H)),
                              layer_grads(m.layout, g, m.slots.enc_reverse), dx_all);
  WeightView<T> denc = weight_view(m.layout, g, m.slots.enc_embed);
  for (std::size_t j = 0; j < batch.src.size(); ++j) denc.row(batch.src[j]) += dx_all.col(static_cast<Index>(j)).transpose();
}

// ---- decoding ----

template <class T>
void seq2seq_encode(const Seq2seqModel<T>& m, const std::vector<int>& source, EncodedSource<T>& enc, DecoderState<T>& s0) {
  Seq2seqBatch b = make_seq2seq_batch({source}, {{end_id}});
  Seq2seqTrace<T> tr;
  encode_batch(m, b, tr);
  enc.memory = tr.memory;
  enc.keys = tr.keys;
  s0.s = bridge(m, tr.bridge_in).col(0);
  s0.c = Vec<T>::Zero(m.config.dec_hidden());
  s0.weights.resize(0);
  s0.context.resize(0);
  s0.log_probs.resize(0);
}

template <class T>
void seq2seq_step(const Seq2seqModel<T>& m, const EncodedSource<T>& enc, const DecoderState<T>& state, int token,
                  DecoderState<T>& next) {
  const Seq2seqConfig& c = m.config;
  const Views<T> p{m.layout, m.params.data()};
  const int E = c.embed_size, C = c.context_size(), Hd = c.dec_hidden();
  const bool att = c.attention != Attention::none;
  Mat<T> x(decoder_input(c), 1);
  x.col(0).head(E) = embed_row(p.w(m.slots.dec_embed), token, "decoder input", 0).transpose();
  next.weights.resize(att ? enc.memory.cols() : 0);
  next.context.resize(att ? C : 0);
  if (att) {
    Mat<T> z(c.attn_size(), enc.memory.cols());
    attend(m, enc.memory, enc.keys, state.s, next.weights, next.context, z);
    x.col(0).tail(C) = next.context;
  }
  StepCache<T> cache;
  const Mat<T> hp = state.s, cp = state.c;
  forward_step(cell_config(c, decoder_input(c), Hd), layer_weights(m.layout, m.params.data(), m.slots.dec), x, hp, cp, cache);
  next.s = cache.h.col(0);
  next.c = c.cell == CellKind::lstm ? Vec<T>(cache.c.col(0)) : Vec<T>::Zero(Hd);
  Vec<T> feat(out_input(c));
  feat.head(Hd) = next.s;
  if (att) feat.tail(C) = next.context;
  Vec<T> z = p.w(m.slots.out_w) * feat + p.v(m.slots.out_b);
  const T mx = z.maxCoeff();
  const T lse = mx + std::log((z.array() - mx).exp().sum());
  next.log_probs = z.array() - lse;
}

template <class T> Decoded<T> greedy_decode(const Seq2seqModel<T>& m, const std::vector<int>& source, int max_length) {
  EncodedSource<T> enc;
  DecoderState<T> state, next;
  seq2seq_encode(m, source, enc, state);
  Decoded<T> out;
  int token = start_id;
  for (int t = 0; t < max_length; ++t) {
    seq2seq_step(m, enc, state, token, next);
    token = static_cast<int>(argmax<T>(next.log_probs));
    out.log_prob += static_cast<double>(next.log_probs(token));
    out.weights.push_back(next.weights);
    std::swap(state, next);
    if (token == end_id) {
      out.finished = true;
      break;
    }
    out.tokens.push_back(token);
  }
  out.score = out.log_prob / static_cast<double>(out.weights.size());
  return out;
}

template <class State>
BeamResult beam_search(const State& start, int start_token, int end_token, int width, int max_length,
                       const std::function<void(const State&, int, State&, std::vector<double>&)>& step,
                       std::vector<State>* node_states) {
  if (width < 1) throw std::invalid_argument("beam width must be at least 1, got " + std::to_string(width));
  struct Live {
    int node;  // −1: the root
    State state;
  };
  struct Candidate {
    double log_prob;
    int live, token;
  };
  BeamResult r;
  std::vector<Live> live{{-1, start}};
  std::vector<int> finished;
  std::vector<double> lp;
  std::vector<State> next_states;
  for (int len = 1; len <= max_length && !live.empty() && static_cast<int>(finished.size()) < width; ++len) {
    std::vector<Candidate> cand;
    next_states.clear();
    for (std::size_t i = 0; i < live.size(); ++i) {
      const int token = live[i].node < 0 ? start_token : r.tree[static_cast<std::size_t>(live[i].node)].token;
      next_states.emplace_back();
      step(live[i].state, token, next_states.back(), lp);
      const double base = live[i].node < 0 ? 0.0 : r.tree[static_cast<std::size_t>(live[i].node)].log_prob;
      for (std::size_t v = 0; v < lp.size(); ++v) cand.push_back({base + lp[v], static_cast<int>(i), static_cast<int>(v)});
    }
    // Best first; ties keep the earlier hypothesis and the lower token (a stable order).
    const std::size_t keep = std::min(cand.size(), static_cast<std::size_t>(width - static_cast<int>(finished.size())));
    std::partial_sort(cand.begin(), cand.begin() + static_cast<std::ptrdiff_t>(keep), cand.end(),
                      [](const Candidate& a, const Candidate& b) {
                        if (a.log_prob != b.log_prob) return a.log_prob > b.log_prob;
                        if (a.live != b.live) return a.live < b.live;
                        return a.token < b.token;
                      });
    std::vector<Live> next_live;
    for (std::size_t k = 0; k < keep; ++k) {
      const Candidate& cd = cand[k];
      BeamNode node;
      node.parent = live[static_cast<std::size_t>(cd.live)].node;
      node.token = cd.token;
      node.step = len;
      node.log_prob = cd.log_prob;
      node.score = cd.log_prob / len;
      node.finished = cd.token == end_token;
      r.tree.push_back(node);
      const int index = static_cast<int>(r.tree.size()) - 1;
      if (node_states) node_states->push_back(next_states[static_cast<std::size_t>(cd.live)]);
      if (node.finished) finished.push_back(index);
      else next_live.push_back({index, next_states[static_cast<std::size_t>(cd.live)]});
    }
    live = std::move(next_live);
  }
  std::vector<int> ends = finished;
  for (const Live& l : live) ends.push_back(l.node);  // unfinished at the length limit
  int best = -1;
  for (int e : ends)
    if (best < 0 || r.tree[static_cast<std::size_t>(e)].score > r.tree[static_cast<std::size_t>(best)].score) best = e;
  for (int n = best; n >= 0; n = r.tree[static_cast<std::size_t>(n)].parent) r.best.insert(r.best.begin(), n);
  return r;
}

template <class T>
Decoded<T> beam_decode(const Seq2seqModel<T>& m, const std::vector<int>& source, int width, int max_length) {
  EncodedSource<T> enc;
  DecoderState<T> s0;
  seq2seq_encode(m, source, enc, s0);
  std::vector<DecoderState<T>> states;
  const BeamResult r = beam_search<DecoderState<T>>(
      s0, start_id, end_id, width, max_length,
      [&](const DecoderState<T>& s, int token, DecoderState<T>& next, std::vector<double>& lp) {
        seq2seq_step(m, enc, s, token, next);
        lp.assign(next.log_probs.data(), next.log_probs.data() + next.log_probs.size());
      },
      &states);
  Decoded<T> out;
  out.tree = r.tree;
  out.path = r.best;
  for (int n : r.best) {
    const BeamNode& node = r.tree[static_cast<std::size_t>(n)];
    out.weights.push_back(states[static_cast<std::size_t>(n)].weights);
    if (node.finished) out.finished = true;
    else out.tokens.push_back(node.token);
    out.log_prob = node.log_prob;
    out.score = node.score;
  }
  return out;
}

// ---- vocabulary ----

std::vector<std::string> split_utf8(std::string_view text) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char ch = static_cast<unsigned char>(text[i]);
    std::size_t n = ch < 0x80 ? 1 : ch >> 5 == 6 ? 2 : ch >> 4 == 14 ? 3 : ch >> 3 == 30 ? 4 : 1;
    n = std::min(n, text.size() - i);
    out.emplace_back(text.substr(i, n));
    i += n;
  }
  return out;
}

int Seq2seqVocab::id(std::string_view symbol) const {
  for (std::size_t i = 0; i < symbols.size(); ++i)
    if (symbols[i] == symbol) return first_symbol_id + static_cast<int>(i);
  return -1;
}

std::vector<int> Seq2seqVocab::encode(std::string_view text) const {
  std::vector<int> ids;
  const std::vector<std::string> chars = split_utf8(text);
  for (std::size_t i = 0; i < chars.size(); ++i) {
    const int v = id(chars[i]);
    if (v < 0)
      throw std::invalid_argument("character '" + chars[i] + "' at position " + std::to_string(i + 1) +
                                  " is not in the model's vocabulary");
    ids.push_back(v);
  }
  return ids;
}

std::string Seq2seqVocab::decode(const std::vector<int>& ids) const {
  std::string s;
  for (int v : ids)
    if (v >= first_symbol_id && v < size()) s += symbols[static_cast<std::size_t>(v - first_symbol_id)];
  return s;
}

Seq2seqVocab make_seq2seq_vocab(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::set<std::string> all;
  for (const auto& [src, tgt] : pairs) {
    for (std::string& ch : split_utf8(src)) all.insert(std::move(ch));
    for (std::string& ch : split_utf8(tgt)) all.insert(std::move(ch));
  }
  return {std::vector<std::string>(all.begin(), all.end())};
}

// ---- training ----

template <class T>
Seq2seqTrainer<T>::Seq2seqTrainer(const Seq2seqTrainConfig& config, std::vector<std::vector<int>> sources,
                                  std::vector<std::vector<int>> targets)
    : config_(config), sources_(std::move(sources)), targets_(std::move(targets)), model_(config.model),
      optimizer_(OptimizerConfig{OptimizerKind::adam, config.lr}), rng_(config.seed ^ 0x9e3779b97f4a7c15ULL) {
  if (sources_.empty() || sources_.size() != targets_.size())
    throw std::invalid_argument("seq2seq training: need one target per source and at least one pair");
  for (auto& t : targets_) t.push_back(end_id);
  init_seq2seq(model_, config.seed);
}

template <class T> T Seq2seqTrainer<T>::step() {
  const std::size_t B = static_cast<std::size_t>(config_.batch);
  batch_src_.resize(B);
  batch_tgt_.resize(B);
  for (std::size_t b = 0; b < B; ++b) {
    const std::size_t i = static_cast<std::size_t>(rng_() % sources_.size());
    batch_src_[b] = sources_[i];
    batch_tgt_[b] = targets_[i];
  }
  batch_ = make_seq2seq_batch(batch_src_, batch_tgt_);
  seq2seq_forward(model_, batch_, trace_, config_.teacher_forcing, &rng_);
  const T loss = seq2seq_loss(trace_, batch_, &dlogits_);
  seq2seq_backward(model_, batch_, trace_, dlogits_, grads_);
  if (config_.clip > 0) clip_grad_norm(grads_, static_cast<T>(config_.clip));
  optimizer_.step(model_.params, grads_);
  return loss;
}

template <class T>
Seq2seqScore Seq2seqTrainer<T>::evaluate(const std::vector<std::vector<int>>& sources,
                                         const std::vector<std::vector<int>>& targets, int max_length,
                                         int beam_width, std::vector<bool>* exact) const {
  Seq2seqScore s;
  if (exact) exact->assign(sources.size(), false);
  if (sources.empty()) return s;
  std::size_t tokens = 0, right_tokens = 0, right_seqs = 0;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const Decoded<T> d = beam_width > 0 ? beam_decode(model_, sources[i], beam_width, max_length)
                                        : greedy_decode(model_, sources[i], max_length);
    std::vector<int> got = d.tokens, want = targets[i];
    if (d.finished) got.push_back(end_id);
    want.push_back(end_id);
    for (std::size_t j = 0; j < want.size(); ++j) right_tokens += j < got.size() && got[j] == want[j];
    tokens += want.size();
    right_seqs += got == want;
    if (exact) (*exact)[i] = got == want;
  }
  s.token_acc = static_cast<double>(right_tokens) / static_cast<double>(tokens);
  s.seq_acc = static_cast<double>(right_seqs) / static_cast<double>(sources.size());
  return s;
}

#define UNROLLED_INSTANTIATE(T)                                                                                       \
  template void init_seq2seq<T>(Seq2seqModel<T>&, std::uint64_t);                                                     \
  template void seq2seq_forward<T>(const Seq2seqModel<T>&, const Seq2seqBatch&, Seq2seqTrace<T>&, double, std::mt19937_64*); \
  template T seq2seq_loss<T>(const Seq2seqTrace<T>&, const Seq2seqBatch&, Mat<T>*);                                   \
  template void seq2seq_backward<T>(const Seq2seqModel<T>&, const Seq2seqBatch&, const Seq2seqTrace<T>&, const Mat<T>&, \
                                    Buffer<T>&);                                                                      \
  template void seq2seq_encode<T>(const Seq2seqModel<T>&, const std::vector<int>&, EncodedSource<T>&, DecoderState<T>&); \
  template void seq2seq_step<T>(const Seq2seqModel<T>&, const EncodedSource<T>&, const DecoderState<T>&, int,          \
                                DecoderState<T>&);                                                                    \
  template Decoded<T> greedy_decode<T>(const Seq2seqModel<T>&, const std::vector<int>&, int);                         \
  template Decoded<T> beam_decode<T>(const Seq2seqModel<T>&, const std::vector<int>&, int, int);                      \
  template BeamResult beam_search<DecoderState<T>>(                                                                   \
      const DecoderState<T>&, int, int, int, int,                                                                     \
      const std::function<void(const DecoderState<T>&, int, DecoderState<T>&, std::vector<double>&)>&,                \
      std::vector<DecoderState<T>>*);                                                                                 \
  template class Seq2seqTrainer<T>;
UNROLLED_INSTANTIATE(float)
UNROLLED_INSTANTIATE(double)
#undef UNROLLED_INSTANTIATE
// A plain integer state: tests drive the search with a hand-written table of log-probabilities.
template BeamResult beam_search<int>(const int&, int, int, int, int,
                                     const std::function<void(const int&, int, int&, std::vector<double>&)>&,
                                     std::vector<int>*);

}  // namespace unrolled
