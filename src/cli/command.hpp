// Subcommands of unrolled-cli register themselves: one file per command (cmd_*.cpp), no central list.
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace unrolled::cli {

// Exit codes (DESIGN §5): 0 success, 1 a run or data error, 2 a usage error.
inline constexpr int exit_ok = 0;
inline constexpr int exit_run_error = 1;
inline constexpr int exit_usage = 2;

struct Command {
  std::string name;
  std::string summary;  // one line for `unrolled-cli --help`
  std::string help;     // full text for `unrolled-cli NAME --help`
  std::function<int(const std::vector<std::string>& args)> run;  // args after the command name
};

std::vector<Command>& commands();

struct RegisterCommand {
  explicit RegisterCommand(Command c) { commands().push_back(std::move(c)); }
};

}  // namespace unrolled::cli
