#include "app/session/seq2seq_job.hpp"

#include <exception>

namespace unrolled::app {

void Seq2seqJob::on(const cmd::ConfigureSeq2seq& c) {
  try {
    run_.configure(c.settings);
    const std::shared_ptr<const Seq2seqView> v = run_.view();
    status_.say("seq2seq model: " + v->source + ", " + std::to_string(v->symbols.size()) + " characters, " +
                    std::to_string(v->parameters) + " parameters" + (v->twin ? " (and a no-attention twin)" : "") +
                    (c.train ? "" : " (press T to train)"),
                false);
    if (c.train) status_.say(run_.train(), false);
  } catch (const std::exception& e) {
    status_.say(std::string("Seq2seq: ") + e.what(), true);
  }
}

void Seq2seqJob::on(const cmd::Seq2seqTrain&) {
  if (!run_.built()) {  // the first T in the workspace builds the default run
    on(cmd::ConfigureSeq2seq{Seq2seqSettings{}, true});
    return;
  }
  status_.say(run_.train(), false);
}

void Seq2seqJob::on(const cmd::Seq2seqInspectExample& c) {
  try {
    status_.say(run_.inspect(c.inspect), false);
  } catch (const std::exception& e) {
    status_.say(std::string("Seq2seq: ") + e.what(), true);
  }
}

bool Seq2seqJob::slice(Clock::time_point) {
  std::string note;
  bool error = false;
  const bool changed = run_.slice(0.015, note, error);
  if (!note.empty()) status_.say(note, error);
  return changed;
}

}  // namespace unrolled::app
