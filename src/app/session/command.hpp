// What the UI asks the session to do. Commands go through a queue and are applied in order on the
// worker thread; each gets a sequence number, and the snapshot says which one was applied last.
#pragma once
#include <string>
#include <variant>

#include "app/session/snapshot.hpp"

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
}  // namespace cmd

using Command = std::variant<cmd::Play, cmd::Pause, cmd::TogglePlay, cmd::StepForward, cmd::StepBack,
                             cmd::GoStart, cmd::GoEnd, cmd::Seek, cmd::SetPass, cmd::SetSpeed,
                             cmd::Configure, cmd::LoadModel, cmd::Reseed>;

}  // namespace unrolled::app
