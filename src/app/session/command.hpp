// What the UI asks the session to do. Commands go through a queue and are applied in order on the
// worker thread; each gets a sequence number, and the snapshot says which one was applied last.
#pragma once
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "app/session/lab.hpp"
#include "app/session/session_file.hpp"
#include "app/session/snapshot.hpp"
#include "app/session/seq2seq.hpp"
#include "app/session/text.hpp"
#include "app/session/training.hpp"

namespace unrolled::app {

namespace cmd {
struct Play {};
struct Pause {};
struct TogglePlay {};
struct StepForward {};   // one step further along the story (forward pass, then backward pass)
struct StepBack {};
struct GoStart {};       // start of the current pass
struct GoEnd {};         // end of the current pass
struct Seek { int position = 0; };      // 0…2T, see Snapshot
struct SetPass { Pass pass = Pass::forward; };  // jump to the start of that pass
struct SetSpeed { double steps_per_second = 4.0; };
struct Configure { SceneSettings settings; };   // rebuild the scene (clamped; message if clamped)
struct LoadModel { std::string path; };         // weights from a model file; error keeps the scene
struct Reseed { std::uint64_t seed = 1; };

// Live training (issue 5). The run belongs to the worker; the panels see it through Snapshot::train.
// Validate, build the data and a fresh run at step 0 (paused); an error keeps the current run. `quiet`:
// no "new training run" on the status line (a lesson setting up its picture; errors still show).
struct ConfigureTraining {
  TrainSettings settings;
  bool quiet = false;
};
struct Train { std::int64_t until_step = 0; };  // start or resume (T); until_step > 0: pause exactly
                                                 // there (lessons: "train to step N")
struct PauseTraining {};    // (Shift+T)
struct ToggleTraining {};
struct ResetTraining {};    // back to step 0 with the seed's initial weights (R): the same run again
struct SetTrainSpeed { double max_steps_per_second = 0; };  // 0 = full speed
struct SetForecast { int rollout_from = 0; int horizon = 0; };  // 0 = default (S and N − S)
struct SetWindow { int window = 0; };     // the validation window the stepping views follow
struct Follow { bool on = true; };        // stepping views show the training model (on) or the explorer
struct SaveModel { std::string path; };   // the run's model with normalisation and settings (atomic)
struct ExportCurves { std::string path; };    // step,epoch,train_loss,val_loss,grad_norm,lr,seconds
struct ExportForecast { std::string path; };  // t,truth,one_step,rollout

// Compare mode: runs that differ from the current training settings only in the cell, built at step 0
// (paused). While it is on, Train / PauseTraining / ToggleTraining / ResetTraining act on the whole
// set, SetForecast on every run, and ConfigureTraining rebuilds the set from the new settings.
struct StartCompare { std::vector<CellKind> cells; };  // 2 or 3 distinct cells
struct StopCompare {};

// Session files (session_file.hpp). The worker writes its own state with the UI's choices `ui`
// (atomic); an autosave creates the folder, says nothing when it works and names the file when not.
struct SaveSession { std::string path; SessionUi ui; bool autosave = false; };
// Reads and checks the whole file, then replaces the explorer and the training run (paused at the
// saved step) and publishes the UI's part as Snapshot::restored_ui. Any error keeps the current
// session and says FILE: PATH: reason; with set_aside_bad the file is then moved to FILE.bad.
struct OpenSession { std::string path; bool set_aside_bad = false; };

// The gradient lab (Snapshot::lab), separate from the training run.
struct ConfigureLab { LabSettings settings; };  // validate, rescale W_hh, recompute the decay, both runs
                                                // back to step 0; an error keeps the lab as it was
struct LabTrain {};   // train the clipped and the unclipped run together (from step 0 again once both ended)
struct LabPause {};
struct LabReset {};   // both runs back to step 0 from the same initial weights

// The Text workspace (session/text.hpp).
struct ConfigureText { TextSettings settings; bool train = false; };  // read the corpus, a new model at step 0
// Start or resume (the first one builds the default run); until_step > 0: pause when the model (and
// its companions, when they train) reach that step (a lesson's train action).
struct TextTrain { std::int64_t until_step = 0; };
struct TextPause {};
struct TextReset {};   // step 0 with the seed's weights again
struct TextSample { TextSampling sampling; };  // new sampling settings, and a sample now

// The Seq2seq workspace (session/seq2seq.hpp).
struct ConfigureSeq2seq { Seq2seqSettings settings; bool train = false; };  // the pairs, a new model (and twin) at step 0
struct Seq2seqTrain {};   // start or resume (the first one builds the default run)
struct Seq2seqPause {};
struct Seq2seqReset {};   // step 0 with the seed's weights again
struct Seq2seqInspectExample { Seq2seqInspect inspect; };  // another validation example or beam width, decoded now
// Connectivity: the reading passage's position whose output is differentiated, and whether the other
// two cells (the companions: the same text and settings) train in the background for the three rows.
struct TextConnect { int position = 0; };
struct TextCompanions { bool on = false; };
struct StepTextModel {};  // the Step workspace steps through the Text workspace's current model (a copy)
}  // namespace cmd

using Command = std::variant<cmd::Play, cmd::Pause, cmd::TogglePlay, cmd::StepForward, cmd::StepBack,
                             cmd::GoStart, cmd::GoEnd, cmd::Seek, cmd::SetPass, cmd::SetSpeed,
                             cmd::Configure, cmd::LoadModel, cmd::Reseed, cmd::ConfigureTraining, cmd::Train,
                             cmd::PauseTraining, cmd::ToggleTraining, cmd::ResetTraining, cmd::SetTrainSpeed,
                             cmd::SetForecast, cmd::SetWindow, cmd::Follow, cmd::SaveModel, cmd::ExportCurves,
                             cmd::ExportForecast, cmd::StartCompare, cmd::StopCompare, cmd::SaveSession,
                             cmd::OpenSession, cmd::ConfigureLab, cmd::LabTrain, cmd::LabPause, cmd::LabReset,
                             cmd::ConfigureText, cmd::TextTrain, cmd::TextPause, cmd::TextReset, cmd::TextSample,
                             cmd::ConfigureSeq2seq, cmd::Seq2seqTrain, cmd::Seq2seqPause, cmd::Seq2seqReset,
                             cmd::Seq2seqInspectExample, cmd::TextConnect, cmd::TextCompanions, cmd::StepTextModel>;

}  // namespace unrolled::app
