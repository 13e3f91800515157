#include "app/session/text_job.hpp"

namespace unrolled::app {

void TextJob::on(const cmd::ConfigureText& c) {
  try {
    run_.configure(c.settings);
    const std::shared_ptr<const TextView> v = run_.view();
    status_.say("character model: " + v->source + ", " + std::to_string(v->vocab.size()) + " characters in its vocabulary, " +
                    std::to_string(v->parameters) + " parameters" + (c.train ? "" : " (press T to train)"),
                false);
    if (c.train) status_.say(run_.train(), false);
  } catch (const std::exception& e) {
    status_.say(std::string("Text: ") + e.what(), true);
  }
}

void TextJob::on(const cmd::TextTrain& c) {
  if (!run_.built()) {  // the first T in the workspace builds the default run
    on(cmd::ConfigureText{TextSettings{}, false});
    if (!run_.built()) return;
  }
  run_.set_until(c.until_step);
  status_.say(run_.train(), false);
}

void TextJob::on(const cmd::TextSample& c) {
  try {
    status_.say(run_.sample(c.sampling), false);
  } catch (const std::exception& e) {
    status_.say(std::string("sample: ") + e.what(), true);
  }
}

bool TextJob::slice(Clock::time_point) {
  std::string note;
  bool error = false;
  const bool changed = run_.slice(0.015, note, error);
  if (!note.empty()) status_.say(note, error);
  return changed;
}

}  // namespace unrolled::app
